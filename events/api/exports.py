"""Exports of a filtered selection of events: CSV, GeoJSON and TimelineJS JSON.

Each format is a DRF renderer, so `/api/events/export.csv`, `/api/events/export/?format=csv`
and `Accept: text/csv` all work. The view hands the renderers an `ExportSelection` of
events with their place, actors and citations (with sources) already loaded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from rest_framework.renderers import BaseRenderer, JSONRenderer

from events.models import Event, EventType, Precision

CSV_COLUMNS = [
    "event_id",
    "date",
    "earliest",
    "latest",
    "precision",
    "type",
    "title",
    "actors",
    "perpetrators",
    "targets",
    "place",
    "country",
    "latitude",
    "longitude",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "disputed",
    "sources",
    "notes",
]
# Spreadsheet programs run cells that begin with these as formulas (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TYPE_LABELS = dict(EventType.choices)


@dataclass
class ExportSelection:
    events: list[Event]
    title: str = "Timeline"
    description: str = ""


def _actors(event: Event, role: str | None = None) -> str:
    return "; ".join(
        f"{link.actor.name} ({link.role})" if role is None else link.actor.name
        for link in event.event_actors.all()
        if role is None or link.role == role
    )


def _sources(event: Event) -> list[Any]:
    seen: dict[int, Any] = {}
    for citation in event.citations.all():
        seen.setdefault(citation.source_id, citation.source)
    return list(seen.values())


def _fatalities(event: Event) -> str:
    low, high = event.fatalities_low, event.fatalities_high
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return str(low if low is not None else high)
    return f"{low}-{high}"


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(events: Iterable[Event]) -> Iterable[list[Any]]:
    """One flat row per event, in the spirit of ACLED's columns."""
    for event in events:
        place = event.place
        sources = _sources(event)
        yield [
            event.pk,
            event.edtf,
            event.earliest.isoformat(),
            event.latest.isoformat(),
            event.precision,
            event.type,
            event.title,
            _actors(event),
            _actors(event, "perpetrator"),
            _actors(event, "target"),
            place.name if place else "",
            place.country if place else "",
            place.latitude if place and place.latitude is not None else "",
            place.longitude if place and place.longitude is not None else "",
            _fatalities(event),
            "" if event.fatalities_low is None else event.fatalities_low,
            "" if event.fatalities_high is None else event.fatalities_high,
            "yes" if event.disputed else "no",
            " | ".join(
                ": ".join(part for part in (s.publisher, s.title or s.url or "") if part)
                + (f" <{s.url}>" if s.url else "")
                for s in sources
            ),
            event.summary,
        ]


def geojson(selection: ExportSelection) -> dict[str, Any]:
    """A FeatureCollection with one Point per event that has a place with coordinates."""
    features = []
    for event in selection.events:
        place = event.place
        if place is None or place.latitude is None or place.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": event.pk,
                # GeoJSON (RFC 7946) puts longitude first.
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "title": event.title,
                    "slug": event.slug,
                    "date": event.edtf,
                    "earliest": event.earliest.isoformat(),
                    "latest": event.latest.isoformat(),
                    "precision": event.precision,
                    "type": event.type,
                    "actors": [
                        {"name": link.actor.name, "slug": link.actor.slug, "role": link.role}
                        for link in event.event_actors.all()
                    ],
                    "place": place.name,
                    "country": place.country,
                    "fatalities_low": event.fatalities_low,
                    "fatalities_high": event.fatalities_high,
                    "disputed": event.disputed,
                    "sources": [
                        {"id": s.pk, "title": s.title, "publisher": s.publisher, "url": s.url}
                        for s in _sources(event)
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _timeline_date(day: Any, precision: str) -> dict[str, int]:
    # TimelineJS shows only the parts given: a month-precise date omits its day, a
    # year-precise one its month, so the reader is not told more than the sources say.
    if precision in (Precision.YEAR, Precision.DECADE):
        return {"year": day.year}
    if precision == Precision.MONTH:
        return {"year": day.year, "month": day.month}
    return {"year": day.year, "month": day.month, "day": day.day}


def _same_span(event: Event) -> bool:
    if event.precision in (Precision.YEAR,):
        return event.earliest.year == event.latest.year
    if event.precision == Precision.MONTH:
        return (event.earliest.year, event.earliest.month) == (
            event.latest.year,
            event.latest.month,
        )
    return event.earliest == event.latest


def timeline_slide(event: Event) -> dict[str, Any]:
    sources = _sources(event)
    body = escape(event.summary)
    if sources:
        # TimelineJS renders `text` as HTML: everything from the database is escaped.
        links = [
            format_html('<a href="{}">{}</a>', s.url, s.publisher or s.title or s.url)
            if s.url
            else escape(s.publisher or s.title or f"source {s.pk}")
            for s in sources
        ]
        body += format_html("<p>Sources: {}</p>", mark_safe(", ".join(links)))
    slide: dict[str, Any] = {
        "start_date": _timeline_date(event.earliest, event.precision),
        "text": {"headline": escape(event.title), "text": body},
        "group": _TYPE_LABELS.get(event.type, event.type),
        "unique_id": f"event-{event.pk}",
    }
    if not _same_span(event):
        slide["end_date"] = _timeline_date(event.latest, event.precision)
    if event.precision == Precision.APPROXIMATE:
        slide["start_date"]["display_date"] = f"about {event.earliest.day} {event.earliest:%B %Y}"
    return slide


def timelinejs(selection: ExportSelection) -> dict[str, Any]:
    """The JSON that Knight Lab's TimelineJS3 reads (`new TL.Timeline(id, url)`)."""
    document: dict[str, Any] = {"events": [timeline_slide(event) for event in selection.events]}
    if selection.title:
        document["title"] = {
            "text": {"headline": escape(selection.title), "text": escape(selection.description)}
        }
    return document


class ExportRenderer(BaseRenderer):
    """Base of the export formats; errors are rendered as JSON by the view."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if not isinstance(data, ExportSelection):
            return JSONRenderer().render(data, accepted_media_type, renderer_context)
        return self.render_selection(data)

    def render_selection(self, selection: ExportSelection) -> bytes:
        raise NotImplementedError


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"

    def render_selection(self, selection: ExportSelection) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for row in csv_rows(selection.events):
            writer.writerow([_safe_cell(cell) for cell in row])
        return buffer.getvalue().encode(self.charset)


class GeoJSONRenderer(ExportRenderer):
    media_type = "application/geo+json"
    format = "geojson"

    def render_selection(self, selection: ExportSelection) -> bytes:
        return json.dumps(geojson(selection), ensure_ascii=False).encode(self.charset)


class TimelineJSRenderer(ExportRenderer):
    media_type = "application/json"
    format = "timelinejs"

    def render_selection(self, selection: ExportSelection) -> bytes:
        return json.dumps(timelinejs(selection), ensure_ascii=False).encode(self.charset)


EXPORT_RENDERERS: list[type[ExportRenderer]] = [CSVRenderer, GeoJSONRenderer, TimelineJSRenderer]
EXPORT_FORMATS = {renderer.format for renderer in EXPORT_RENDERERS}

# Shapes for the OpenAPI description of the exports.
GEOJSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    },
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
    },
}
_TIMELINE_DATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["year"],
    "properties": {
        "year": {"type": "integer"},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "day": {"type": "integer", "minimum": 1, "maximum": 31},
        "display_date": {"type": "string"},
    },
}
_TIMELINE_TEXT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"headline": {"type": "string"}, "text": {"type": "string"}},
}
TIMELINEJS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["events"],
    "properties": {
        "title": {"type": "object", "properties": {"text": _TIMELINE_TEXT_SCHEMA}},
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start_date", "text", "unique_id"],
                "properties": {
                    "start_date": _TIMELINE_DATE_SCHEMA,
                    "end_date": _TIMELINE_DATE_SCHEMA,
                    "text": _TIMELINE_TEXT_SCHEMA,
                    "group": {"type": "string"},
                    "unique_id": {"type": "string"},
                },
            },
        },
    },
}
