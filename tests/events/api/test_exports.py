"""Exports of a filtered selection: CSV, GeoJSON and TimelineJS JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from html import unescape

import pytest

from events.api.exports import CSV_COLUMNS
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
EXPORT = "/api/events/export"


@pytest.fixture
def strike():
    place = PlaceFactory(name="Deir ez-Zor airport", latitude=35.28, longitude=40.18)
    event = EventFactory(
        title="Airstrike near the airport",
        summary="Coalition aircraft struck army positions.",
        place=place,
        fatalities_low=62,
        fatalities_high=83,
        disputed=True,
    )
    EventActorFactory(event=event, actor=ActorFactory(name="Coalition"), role="perpetrator")
    EventActorFactory(event=event, actor=ActorFactory(name="Syrian Army"), role="target")
    source = SourceFactory(publisher="Example Wire", title="Strike", url="https://example.org/a")
    CitationFactory(event=event, source=source)
    return event


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_has_one_flat_row_per_event(client_anon, strike):
    EventFactory(title="Talks", type="meeting", earliest=date(2016, 9, 9), latest=date(2016, 9, 9))

    rows = _csv(client_anon.get(f"{EXPORT}.csv"))

    assert list(rows[0].keys()) == CSV_COLUMNS
    assert [row["title"] for row in rows] == ["Talks", "Airstrike near the airport"]
    row = rows[1]
    assert row["date"] == "2016-09-17"
    assert row["precision"] == "day"
    assert row["type"] == "airstrike"
    assert row["actors"] == "Coalition (perpetrator); Syrian Army (target)"
    assert row["place"] == "Deir ez-Zor airport"
    assert (row["latitude"], row["longitude"]) == ("35.28", "40.18")
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (
        "62-83",
        "62",
        "83",
    )
    assert row["sources"] == "Example Wire: Strike <https://example.org/a>"
    assert row["notes"] == "Coalition aircraft struck army positions."
    assert row["disputed"] == "yes"


def test_csv_exports_the_filtered_selection_by_suffix_or_format(client_anon, strike):
    EventFactory(title="Talks", type="meeting")

    by_suffix = _csv(client_anon.get(f"{EXPORT}.csv", {"type": "meeting"}))
    by_param = _csv(client_anon.get(f"{EXPORT}/", {"type": "meeting", "format": "csv"}))
    from_list = _csv(client_anon.get("/api/events/", {"type": "meeting", "format": "csv"}))

    assert [r["title"] for r in by_suffix] == [r["title"] for r in by_param] == ["Talks"]
    assert [r["title"] for r in from_list] == ["Talks"]


def test_csv_cells_cannot_become_spreadsheet_formulas(client_anon):
    EventFactory(title='=HYPERLINK("http://evil")')

    [row] = _csv(client_anon.get(f"{EXPORT}.csv"))
    assert row["title"].startswith("'=")


def test_geojson_is_a_feature_collection_of_events_with_places(client_anon, strike):
    EventFactory(title="Nowhere")

    response = client_anon.get(f"{EXPORT}.geojson")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [40.18, 35.28]}
    assert feature["properties"]["title"] == "Airstrike near the airport"
    assert feature["properties"]["actors"][0]["role"] == "perpetrator"
    assert feature["properties"]["sources"][0]["url"] == "https://example.org/a"


# --- TimelineJS --------------------------------------------------------------------------
# The structure Knight Lab documents for TimelineJS3 JSON
# (https://timeline.knightlab.com/docs/json-format.html): an object with an `events` list
# and an optional `title` slide; each slide has a required `start_date`, optional
# `end_date`, `text` {headline, text}, optional `group` and a `unique_id` that must be
# unique. A date object requires `year` (number or numeric string); `month` is 1-12 and
# `day` 1-31 when given, and a day needs a month; `display_date` is an optional string.
SLIDE_KEYS = {
    "start_date",
    "end_date",
    "text",
    "media",
    "group",
    "display_date",
    "background",
    "autolink",
    "unique_id",
}
DATE_KEYS = {
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "display_date",
    "format",
}


def _number(value) -> int:
    if isinstance(value, bool):
        raise AssertionError(f"{value!r} is not a number")
    if isinstance(value, str):
        assert value.lstrip("-").isdigit(), f"{value!r} is not a number"
        return int(value)
    assert isinstance(value, int), f"{value!r} is not a number"
    return value


def assert_timelinejs_date(value: dict) -> None:
    assert isinstance(value, dict)
    assert set(value) <= DATE_KEYS, set(value) - DATE_KEYS
    _number(value["year"])
    if "month" in value:
        assert 1 <= _number(value["month"]) <= 12
    if "day" in value:
        assert "month" in value, "a day without a month"
        assert 1 <= _number(value["day"]) <= 31
    if "display_date" in value:
        assert isinstance(value["display_date"], str)


def assert_timelinejs_document(document: dict) -> None:
    assert isinstance(document.get("events"), list)
    if "title" in document:
        assert set(document["title"]) <= SLIDE_KEYS
        assert isinstance(document["title"]["text"]["headline"], str)
    ids = []
    for slide in document["events"]:
        assert set(slide) <= SLIDE_KEYS, set(slide) - SLIDE_KEYS
        assert "start_date" in slide, "start_date is required"
        assert_timelinejs_date(slide["start_date"])
        if "end_date" in slide:
            assert_timelinejs_date(slide["end_date"])
        assert isinstance(slide["text"]["headline"], str)
        assert isinstance(slide["text"].get("text", ""), str)
        if "group" in slide:
            assert isinstance(slide["group"], str)
        ids.append(slide.get("unique_id"))
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids)), "unique_id values repeat"


def _timeline(response) -> dict:
    assert response.status_code == 200, response.content
    document = json.loads(response.content)
    assert_timelinejs_document(document)
    return document


def test_timelinejs_export_has_the_documented_structure(client_anon, strike):
    EventFactory(
        title="Ceasefire month",
        edtf="2016-09",
        precision="month",
        earliest=date(2016, 9, 1),
        latest=date(2016, 9, 30),
    )
    EventFactory(
        title="Year of talks",
        edtf="2016",
        precision="year",
        earliest=date(2016, 1, 1),
        latest=date(2016, 12, 31),
    )
    EventFactory(
        title="Week of truce",
        precision="week",
        earliest=date(2016, 9, 12),
        latest=date(2016, 9, 19),
    )
    EventFactory(
        title="About then",
        edtf="2016-09-10~",
        precision="approximate",
        earliest=date(2016, 9, 8),
        latest=date(2016, 9, 12),
    )

    document = _timeline(client_anon.get(f"{EXPORT}.timelinejs"))

    slides = {unescape(s["text"]["headline"]): s for s in document["events"]}
    assert slides["Airstrike near the airport"]["start_date"] == {
        "year": 2016,
        "month": 9,
        "day": 17,
    }
    assert "end_date" not in slides["Airstrike near the airport"]
    assert slides["Ceasefire month"]["start_date"] == {"year": 2016, "month": 9}
    assert "end_date" not in slides["Ceasefire month"]
    assert slides["Year of talks"]["start_date"] == {"year": 2016}
    assert slides["Week of truce"]["end_date"] == {"year": 2016, "month": 9, "day": 19}
    assert slides["About then"]["start_date"]["display_date"].startswith("about")
    assert slides["Airstrike near the airport"]["group"] == "airstrike"
    assert 'href="https://example.org/a"' in slides["Airstrike near the airport"]["text"]["text"]


def test_timelinejs_escapes_html_from_the_data(client_anon):
    EventFactory(title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>")

    [slide] = _timeline(client_anon.get(f"{EXPORT}/", {"format": "timelinejs"}))["events"]
    assert "<script>" not in slide["text"]["headline"]
    assert "<img" not in slide["text"]["text"]


def test_timelinejs_check_refuses_what_timelinejs_cannot_read():
    with pytest.raises(AssertionError):
        assert_timelinejs_document(
            {"events": [{"text": {"headline": "no date"}, "unique_id": "a"}]}
        )
    with pytest.raises(AssertionError):
        assert_timelinejs_date({"year": 2016, "month": 13})
    with pytest.raises(AssertionError):
        slide = {"start_date": {"year": 2016}, "text": {"headline": "x"}, "unique_id": "a"}
        assert_timelinejs_document({"events": [slide, slide]})


def test_exports_respect_visibility_and_filters(client_anon, strike):
    EventFactory(title="Candidate", status="candidate")
    EventFactory(title="Later", earliest=date(2017, 1, 1), latest=date(2017, 1, 1))

    rows = _csv(client_anon.get(f"{EXPORT}.csv", {"end": "2016"}))
    assert [r["title"] for r in rows] == ["Airstrike near the airport"]


def test_export_errors_are_json(client_anon):
    response = client_anon.get(f"{EXPORT}.csv", {"start": "yesterday"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "start" in response.json()


def test_export_query_count_is_constant(client_anon, django_assert_max_num_queries, strike):
    for _ in range(15):
        event = EventFactory(place=PlaceFactory())
        EventActorFactory(event=event)
        CitationFactory(event=event)
    with django_assert_max_num_queries(4):
        assert client_anon.get(f"{EXPORT}.csv").status_code == 200
