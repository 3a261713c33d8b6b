"""Writing what the extraction library found into the timeline: Events, Citations, Actors
and Places, merged with what other sources already said. One transaction per source."""

from __future__ import annotations

from events.extraction.gazetteer import Gazetteer, GazetteerEntry
from events.models import Actor, Place


def load_gazetteer() -> Gazetteer:
    """The library's gazetteer built from the Actor and Place rows editors maintain
    (candidates and rejected names excluded)."""
    parents = dict(Actor.objects.filter(parent__isnull=False).values_list("id", "parent__slug"))
    entries = [
        GazetteerEntry(
            name=a.name,
            kind=a.kind,
            slug=a.slug,
            aliases=tuple(a.aliases),
            parent=parents.get(a.id, ""),
            description=a.description,
        )
        for a in Actor.objects.filter(status="published").only(
            "id", "name", "kind", "slug", "aliases", "description"
        )
    ]
    entries += [
        GazetteerEntry(
            name=p.name,
            kind=p.kind or "place",
            slug=p.slug,
            aliases=tuple(p.aliases),
            latitude=p.latitude,
            longitude=p.longitude,
            country=p.country,
            gazetteer_id=p.gazetteer_id,
        )
        for p in Place.objects.filter(status="published")
    ]
    return Gazetteer(entries)
