"""`manage.py parse_text`: one article's candidate entries as JSON, nothing written."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events.models import Actor, Citation, Event
from tests.events.conftest import SEED_ARTICLE


def _run(*args: str, stdin: str | None = None, monkeypatch=None) -> dict:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("parse_text", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_it_prints_the_seed_article_entries_and_writes_nothing() -> None:
    before = (Event.objects.count(), Citation.objects.count(), Actor.objects.count())

    doc = _run(str(SEED_ARTICLE))

    assert (Event.objects.count(), Citation.objects.count(), Actor.objects.count()) == before
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert doc["published"] == "2016-09-17"
    found = {(e["type"], e["date"]["value"]) for e in doc["entries"]}
    assert {
        ("airstrike", "2016-09-17"),
        ("ground_offensive", "2016-09-17"),
        ("statement", "2016-09-17"),
        ("ceasefire_agreed", "2016-09-10"),
        ("ceasefire_in_force", "2016-09-12"),
    } <= found
    for entry in doc["entries"]:
        assert set(entry) >= {"title", "type", "date", "actors", "place", "fatalities"}
        assert set(entry["date"]) >= {"value", "edtf", "earliest", "latest", "precision"}
        assert text[entry["start"] : entry["end"]] == entry["quote"]
        assert 0 < entry["confidence"] <= 1
    strike = next(e for e in doc["entries"] if e["type"] == "airstrike")
    assert {"name": "US-led coalition", "role": "perpetrator"}.items() <= next(
        a for a in strike["actors"] if a["name"] == "US-led coalition"
    ).items()
    assert strike["fatalities"]["high"] == 80


@pytest.mark.django_db
def test_published_option_dates_a_text_without_header(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Coalition warplanes bombed Deir ez-Zor on Saturday.", encoding="utf-8")

    doc = _run("--published", "2016-09-19", str(article))

    (entry,) = doc["entries"]
    assert entry["date"]["value"] == "2016-09-17"
    assert entry["place"]["name"] == "Deir ez-Zor"


@pytest.mark.django_db
def test_it_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "date 2016-09-19 Truce over\nThe Syrian army announced on Monday the end of the truce."
    doc = _run("-", stdin=text, monkeypatch=monkeypatch)
    assert ("ceasefire_ended", "2016-09-19") in {
        (e["type"], e["date"]["value"]) for e in doc["entries"]
    }


@pytest.mark.django_db
def test_without_a_date_it_says_what_is_missing(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Coalition warplanes bombed Deir ez-Zor on Saturday.", encoding="utf-8")
    with pytest.raises(CommandError, match="--published YYYY-MM-DD"):
        call_command("parse_text", str(article), stdout=io.StringIO())


@pytest.mark.django_db
def test_bad_arguments_are_command_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("parse_text", "--published", "17/09/2016", "-", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("parse_text", str(tmp_path / "missing.txt"), stdout=io.StringIO())
    bad = tmp_path / "bad.txt"
    bad.write_text("date 2016-02-31 Impossible\nText.", encoding="utf-8")
    with pytest.raises(CommandError, match="impossible date"):
        call_command("parse_text", str(bad), stdout=io.StringIO())


def test_it_works_without_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """No database access allowed here: the library's starter gazetteer stands in."""
    from django.db import DatabaseError

    def unreachable():
        raise DatabaseError("connection refused")

    monkeypatch.setattr("events.services.load_gazetteer", unreachable)
    doc = _run(str(SEED_ARTICLE))
    assert any(e["type"] == "airstrike" for e in doc["entries"])


@pytest.mark.django_db
def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_bytes(
        b"\xef\xbb\xbfdate 2016-09-19 Head\r\n"
        b"Warplanes bombed aid trucks near Aleppo late on Monday.\r\n"
    )
    doc = _run(str(article))
    (entry,) = doc["entries"]
    assert entry["date"]["value"] == "2016-09-19"
    text = article.read_text(encoding="utf-8")
    assert text[entry["start"] : entry["end"]] == entry["quote"]


@pytest.mark.django_db
@pytest.mark.parametrize(("flags", "day"), [((), "2016-09-05"), (("--month-first",), "2016-05-09")])
def test_slashed_dates_are_read_day_first_unless_told(flags, day, monkeypatch) -> None:
    article = "Talks were held on 05/09/2016 in Geneva, officials said.\n"

    doc = _run(*flags, "--published", "2016-09-17", "-", stdin=article, monkeypatch=monkeypatch)

    assert [e["date"]["value"] for e in doc["entries"]] == [day]
