"""Fixtures for the events tests: the seed article and a gazetteer without the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from events.extraction.gazetteer import Gazetteer, default_gazetteer

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "demo" / "000_73eb78c82d909216.txt"


@pytest.fixture(scope="session")
def seed_article() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_published() -> date:
    return date(2016, 9, 17)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The starter list shipped with the library (what the data migration loads)."""
    return default_gazetteer()
