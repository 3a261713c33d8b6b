"""Formatting for the timeline pages: dates by precision, search highlights, map links."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from events import pages
from events.models import EventActor, EventType

register = template.Library()

OSM_ZOOM = 12


@register.filter
def when(obj: Any) -> str:
    """An event's (or citation's claimed) date as written for its precision:
    "17 Sep 2016", "≈ 10 Sep 2016", "Sep 2016"."""
    earliest: date | None = getattr(obj, "earliest", None)
    latest: date | None = getattr(obj, "latest", None)
    precision: str = getattr(obj, "precision", "") or "day"
    if earliest is None:
        return getattr(obj, "edtf", "") or "date unknown"
    return pages.format_when(earliest, latest or earliest, precision)


@register.filter
def marked(text: str | None) -> SafeString:
    """Escaped text with search matches (PostgreSQL's markers) as <mark> elements."""
    return pages.marked(text)


@register.filter
def osm_url(place: Any) -> str:
    if place is None or place.latitude is None or place.longitude is None:
        return ""
    query = urlencode({"mlat": place.latitude, "mlon": place.longitude})
    return (
        f"https://www.openstreetmap.org/?{query}#map={OSM_ZOOM}/{place.latitude}/{place.longitude}"
    )


@register.filter
def coordinates(place: Any) -> str:
    """ "35.28° N, 40.18° E", as a reader writes coordinates."""
    if place is None or place.latitude is None or place.longitude is None:
        return ""
    ns = "N" if place.latitude >= 0 else "S"
    ew = "E" if place.longitude >= 0 else "W"
    return f"{abs(place.latitude):.4f}° {ns}, {abs(place.longitude):.4f}° {ew}"


@register.simple_tag
def filter_url(filters: pages.Filters, **changes: Any) -> str:
    """This timeline state's URL with some filters changed ("" removes one)."""
    return filters.url(**changes)


@register.filter
def http_url(url: str | None) -> str:
    """The URL if it is http(s), else "": a stored address never becomes a script link."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return ""


@register.simple_tag
def slug_options(rows: Any, selected: Any = None) -> SafeString:
    """<option>s for a long list of (slug, name) pairs: actors or places. Built here with
    the standard library's escape because hundreds of names rendered by a template loop
    (or format_html) would dominate the page's render time."""
    chosen = getattr(selected, "slug", None)
    return mark_safe(  # every value is escaped here
        "".join(
            f'<option value="{escape(slug)}"{" selected" if slug == chosen else ""}>'
            f"{escape(name)}</option>"
            for slug, name in rows
        )
    )


# Links on a timeline page number in the hundreds; reversing each one costs more than the
# rest of its row, so each route is reversed once and the slug filled in.
_SLUG = "__slug__"


@lru_cache(maxsize=8)
def _route(name: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[_SLUG]).partition(_SLUG)
    return before, after


def _link(name: str, slug: str) -> str:
    before, after = _route(name)
    return f"{before}{quote(slug)}{after}"


@register.filter
def event_url(event: Any) -> str:
    return _link("events:event", event.slug)


@register.filter
def actor_url(actor: Any) -> str:
    return _link("events:actor", actor.slug)


@register.filter
def place_url(place: Any) -> str:
    return _link("events:place", place.slug)


_TYPE_LABELS = dict(EventType.choices)
_ROLE_LABELS = dict(EventActor.Role.choices)


@register.filter
def type_label(value: str) -> str:
    return _TYPE_LABELS.get(value, value)


@register.filter
def role_label(value: str) -> str:
    return _ROLE_LABELS.get(value, value)
