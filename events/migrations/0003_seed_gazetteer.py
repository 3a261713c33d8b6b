"""Starter gazetteer for the first subject: the actors and places of the Deir ez-Zor
airstrike and the September 2016 ceasefire, with the names they go by. The list lives in
events/extraction/gazetteer_seed.json, which the extraction library also reads when no
database is at hand, so it is written once."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "extraction" / "gazetteer_seed.json"


def seed(apps, schema_editor):
    Actor = apps.get_model("events", "Actor")
    Place = apps.get_model("events", "Place")
    data = json.loads(SEED.read_text(encoding="utf-8"))
    by_slug = {}
    for item in data["actors"]:
        actor, _ = Actor.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "kind": item.get("kind", "unknown"),
                "aliases": item.get("aliases", []),
                "description": item.get("description", ""),
                "status": "published",
            },
        )
        by_slug[item["slug"]] = actor
    for item in data["actors"]:
        parent = by_slug.get(item.get("parent") or "")
        if parent is not None and by_slug[item["slug"]].parent_id is None:
            by_slug[item["slug"]].parent = parent
            by_slug[item["slug"]].save(update_fields=["parent"])
    for item in data["places"]:
        Place.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "kind": item.get("kind", ""),
                "aliases": item.get("aliases", []),
                "latitude": item.get("latitude"),
                "longitude": item.get("longitude"),
                "country": item.get("country", ""),
                "gazetteer_id": item.get("gazetteer_id", ""),
                "status": "published",
            },
        )


def unseed(apps, schema_editor):
    Actor = apps.get_model("events", "Actor")
    Place = apps.get_model("events", "Place")
    data = json.loads(SEED.read_text(encoding="utf-8"))
    Actor.objects.filter(slug__in=[a["slug"] for a in data["actors"]]).delete()
    Place.objects.filter(slug__in=[p["slug"] for p in data["places"]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_citation_quote_matches_text"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
