"""Transactional tests empty every table when they end, the migration-seeded gazetteer
included. Tests that run the real extraction put it back first, so extraction finds the
same actors and places as in a new database."""

from __future__ import annotations

import importlib


def reseed_gazetteer() -> None:
    from django.apps import apps

    from events.models import Actor

    if not Actor.objects.exists():
        importlib.import_module("events.migrations.0003_seed_gazetteer").seed(apps, None)
