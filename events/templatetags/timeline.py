"""Formatting for the timeline pages: dates by precision, search highlights, map links."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.safestring import SafeString

from events import pages

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
