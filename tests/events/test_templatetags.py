"""Formatting on the reader's pages: dates by precision, highlights, map links."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from events import pages
from events.templatetags import timeline


def when(earliest: date, latest: date | None = None, precision: str = "day") -> str:
    return timeline.when(
        SimpleNamespace(earliest=earliest, latest=latest or earliest, precision=precision)
    )


@pytest.mark.parametrize(
    "earliest, latest, precision, shown",
    [
        (date(2016, 9, 17), None, "day", "17 Sep 2016"),
        (date(2016, 9, 9), date(2016, 9, 11), "approximate", "≈ 10 Sep 2016"),
        (date(2016, 9, 1), date(2016, 9, 30), "month", "Sep 2016"),
        (date(2016, 1, 1), date(2016, 12, 31), "year", "2016"),
        (date(2010, 1, 1), date(2019, 12, 31), "decade", "2010s"),
        (date(2016, 7, 1), date(2016, 9, 30), "quarter", "Q3 2016"),
        (date(2016, 6, 1), date(2016, 8, 31), "season", "summer 2016"),
        (date(2016, 9, 12), date(2016, 9, 18), "week", "week of 12 Sep 2016"),
        (date(2016, 9, 17), date(2016, 9, 18), "day", "17 Sep 2016 – 18 Sep 2016"),
    ],
)
def test_dates_are_written_for_their_precision(earliest, latest, precision, shown):
    assert when(earliest, latest, precision) == shown


def test_a_row_without_bounds_falls_back_to_its_edtf():
    assert timeline.when(SimpleNamespace(earliest=None, edtf="2016-09-XX")) == "2016-09-XX"


def test_marked_escapes_text_and_marks_only_matches():
    text = f"<b>{pages.MARK_START}strike{pages.MARK_STOP}</b> & {pages.MARK_START}more"
    assert timeline.marked(text) == "&lt;b&gt;<mark>strike</mark>&lt;/b&gt; &amp; <mark>more</mark>"


def test_marked_ignores_a_stray_closing_marker():
    assert timeline.marked(f"a{pages.MARK_STOP}b") == "ab"
    assert timeline.marked(None) == ""


def test_coordinates_and_openstreetmap_link():
    place = SimpleNamespace(latitude=35.2854, longitude=-40.176)
    assert timeline.coordinates(place) == "35.2854° N, 40.1760° W"
    assert timeline.osm_url(place) == (
        "https://www.openstreetmap.org/?mlat=35.2854&mlon=-40.176#map=12/35.2854/-40.176"
    )
    nowhere = SimpleNamespace(latitude=None, longitude=None)
    assert timeline.coordinates(nowhere) == "" and timeline.osm_url(nowhere) == ""


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("javascript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        (None, ""),
    ],
)
def test_only_http_addresses_become_links(url, shown):
    assert timeline.http_url(url) == shown


def test_slug_options_escape_names_and_select_the_current_one():
    rows = [("a", 'A "quoted" <b>'), ("b", "B")]
    html = timeline.slug_options(rows, SimpleNamespace(slug="b"))
    assert html == (
        '<option value="a">A &quot;quoted&quot; &lt;b&gt;</option>'
        '<option value="b" selected>B</option>'
    )


@pytest.mark.parametrize(
    "value, end, expected",
    [
        ("2016-09-17", False, date(2016, 9, 17)),
        ("2016-09", False, date(2016, 9, 1)),
        ("2016-09", True, date(2016, 9, 30)),
        ("2016-02", True, date(2016, 2, 29)),
        ("2016", True, date(2016, 12, 31)),
        ("", False, None),
    ],
)
def test_date_bounds_name_whole_periods(value, end, expected):
    assert pages.DateBoundField(end=end, required=False).clean(value) == expected


def test_cursors_round_trip_and_refuse_garbage():
    cursor = pages.Cursor(date(2016, 9, 17), date(2016, 9, 18), 42)
    assert pages.Cursor.parse(str(cursor)) == cursor
    with pytest.raises(ValueError, match="is not a position"):
        pages.Cursor.parse("2016-09-17.42")
