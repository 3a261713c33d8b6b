"""GET /api/events/: representation, every filter, ordering, cursor pages, conditional
requests, query counts, and writes by editors."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, EventActor
from tests.events.api.conftest import results, titles
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/events/"


def _index_search() -> None:
    Event.objects.update(search=SearchVector("title", "summary", config="english"))


def test_it_shows_date_actors_place_and_fatalities(client_anon):
    place = PlaceFactory(name="Deir ez-Zor airport", latitude=35.28, longitude=40.18)
    event = EventFactory(
        title="Airstrike near the airport",
        edtf="2016-09-17",
        place=place,
        fatalities_low=62,
        fatalities_high=83,
    )
    EventActorFactory(event=event, actor=ActorFactory(name="Coalition"), role="perpetrator")
    EventActorFactory(event=event, actor=ActorFactory(name="Syrian Army"), role="target")

    [body] = results(client_anon.get(URL))

    assert body["edtf"] == "2016-09-17"
    assert (body["earliest"], body["latest"], body["precision"]) == (
        "2016-09-17",
        "2016-09-17",
        "day",
    )
    assert body["place_detail"] == {
        "id": place.pk,
        "name": "Deir ez-Zor airport",
        "slug": place.slug,
        "latitude": 35.28,
        "longitude": 40.18,
        "country": "Syria",
    }
    assert {(a["name"], a["role"]) for a in body["actors"]} == {
        ("Coalition", "perpetrator"),
        ("Syrian Army", "target"),
    }
    assert (body["fatalities_low"], body["fatalities_high"]) == (62, 83)
    assert "citations" not in body


def test_it_includes_citations_with_quotes_and_source_links_on_request(client_anon):
    source = SourceFactory(url="https://example.org/strike", publisher="Example Wire")
    citation = CitationFactory(source=source)

    [body] = results(client_anon.get(URL, {"include": "citations"}))

    [cited] = body["citations"]
    assert cited["quote"] == citation.quote
    assert cited["source"]["url"] == "https://example.org/strike"
    assert cited["source"]["api_url"].endswith(f"/api/sources/{source.pk}/")
    detail = client_anon.get(f"{URL}{citation.event_id}/", {"include": "citations"})
    assert detail.json()["citations"][0]["quote"] == citation.quote


def test_anonymous_readers_see_published_events_only(client_anon):
    EventFactory(title="Published")
    candidate = EventFactory(title="Candidate", status="candidate")

    assert titles(client_anon.get(URL)) == ["Published"]
    assert titles(client_anon.get(URL, {"status": "candidate"})) == []
    assert client_anon.get(f"{URL}{candidate.pk}/").status_code == 404


def test_editors_filter_by_status(client_for):
    EventFactory(title="Published")
    EventFactory(title="Candidate", status="candidate")
    editor = client_for("events.view_event")

    assert titles(editor.get(URL, {"status": "candidate"})) == ["Candidate"]
    assert sorted(titles(editor.get(URL))) == ["Candidate", "Published"]


def test_it_filters_by_overlap_with_the_date_range(client_anon):
    EventFactory(
        title="August", edtf="2016-08", earliest=date(2016, 8, 1), latest=date(2016, 8, 31)
    )
    EventFactory(
        title="Ceasefire week",
        earliest=date(2016, 9, 12),
        latest=date(2016, 9, 19),
        precision="week",
    )
    EventFactory(title="Strike", earliest=date(2016, 9, 17), latest=date(2016, 9, 17))
    EventFactory(title="October", earliest=date(2016, 10, 3), latest=date(2016, 10, 3))

    assert titles(client_anon.get(URL, {"start": "2016-09-18", "end": "2016-09-30"})) == [
        "Ceasefire week"
    ]
    # A month as the end bound means its last day.
    assert titles(client_anon.get(URL, {"start": "2016-09", "end": "2016-09"})) == [
        "Ceasefire week",
        "Strike",
    ]
    assert titles(client_anon.get(URL, {"end": "2016-08-01"})) == ["August"]
    assert titles(client_anon.get(URL, {"start": "2016"})) == [
        "August",
        "Ceasefire week",
        "Strike",
        "October",
    ]


def test_it_filters_by_type_one_or_several(client_anon):
    EventFactory(title="Strike", type="airstrike")
    EventFactory(title="Talks", type="meeting")
    EventFactory(title="Claim", type="statement")

    assert titles(client_anon.get(URL, {"type": "meeting"})) == ["Talks"]
    assert sorted(titles(client_anon.get(URL, {"type": ["meeting", "statement"]}))) == [
        "Claim",
        "Talks",
    ]


def test_it_filters_by_actor_slug_or_id_and_role_without_duplicates(client_anon):
    coalition = ActorFactory(slug="coalition")
    strike = EventFactory(title="Strike")
    EventActorFactory(event=strike, actor=coalition, role="perpetrator")
    EventActorFactory(event=strike, actor=coalition, role="speaker")
    talks = EventFactory(title="Talks")
    EventActorFactory(event=talks, actor=coalition, role="mediator")
    EventFactory(title="Unrelated")

    assert titles(client_anon.get(URL, {"actor": "coalition"})) == ["Strike", "Talks"]
    assert titles(client_anon.get(URL, {"actor": str(coalition.pk)})) == ["Strike", "Talks"]
    assert titles(client_anon.get(URL, {"actor": "coalition", "role": "mediator"})) == ["Talks"]
    assert titles(client_anon.get(URL, {"actor": "nobody"})) == []


def test_it_filters_by_place_slug_or_id(client_anon):
    airport = PlaceFactory(slug="test-airport")
    EventFactory(title="At the airport", place=airport)
    EventFactory(title="Elsewhere", place=PlaceFactory())

    assert titles(client_anon.get(URL, {"place": "test-airport"})) == ["At the airport"]
    assert titles(client_anon.get(URL, {"place": airport.pk})) == ["At the airport"]


def test_it_filters_by_source_and_publisher(client_anon):
    wire = SourceFactory(publisher="Example Wire")
    ministry = SourceFactory(publisher="Ministry of Defence")
    strike = EventFactory(title="Strike")
    CitationFactory(event=strike, source=wire)
    CitationFactory(event=strike, source=ministry)
    CitationFactory(event=EventFactory(title="Talks"), source=ministry)

    assert titles(client_anon.get(URL, {"source": wire.pk})) == ["Strike"]
    assert titles(client_anon.get(URL, {"publisher": "ministry of defence"})) == [
        "Strike",
        "Talks",
    ]


def test_it_filters_by_disputed(client_anon):
    EventFactory(title="Contested", disputed=True)
    EventFactory(title="Agreed")

    assert titles(client_anon.get(URL, {"disputed": "true"})) == ["Contested"]
    assert titles(client_anon.get(URL, {"disputed": "false"})) == ["Agreed"]


def test_it_searches_full_text_ranked(client_anon):
    EventFactory(title="Ceasefire agreed in Geneva", summary="Talks on a ceasefire.")
    EventFactory(title="Airstrike on army positions", summary="Aircraft struck positions.")
    EventFactory(title="Ceasefire holds", summary="ceasefire ceasefire ceasefire violations")
    _index_search()

    body = results(client_anon.get(URL, {"q": "ceasefire"}))
    assert {e["title"] for e in body} == {"Ceasefire agreed in Geneva", "Ceasefire holds"}
    assert body[0]["rank"] >= body[1]["rank"]
    assert titles(client_anon.get(URL, {"q": '"army positions" -ceasefire'})) == [
        "Airstrike on army positions"
    ]
    chronological = client_anon.get(URL, {"q": "ceasefire", "ordering": "earliest"})
    assert len(results(chronological)) == 2


def test_it_orders_newest_first_on_request(client_anon):
    EventFactory(title="First", earliest=date(2016, 9, 1), latest=date(2016, 9, 1))
    EventFactory(title="Second", earliest=date(2016, 9, 2), latest=date(2016, 9, 2))

    assert titles(client_anon.get(URL)) == ["First", "Second"]
    assert titles(client_anon.get(URL, {"ordering": "-earliest"})) == ["Second", "First"]


def test_cursor_pages_walk_every_event_once(client_anon):
    for day in range(1, 8):
        for _ in range(3):  # several events share each day
            EventFactory(earliest=date(2016, 9, day), latest=date(2016, 9, day))
    seen: list[int] = []
    response = client_anon.get(URL, {"page_size": 4})
    while True:
        seen += [e["id"] for e in results(response)]
        if not response.json()["next"]:
            break
        response = client_anon.get(response.json()["next"])

    expected = list(Event.objects.chronological().values_list("id", flat=True))
    assert seen == expected


def test_query_count_does_not_grow_with_the_page(client_anon, django_assert_max_num_queries):
    def add(n: int) -> None:
        for _ in range(n):
            event = EventFactory(place=PlaceFactory())
            EventActorFactory(event=event)
            EventActorFactory(event=event, role="target")
            CitationFactory(event=event)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client_anon.get(URL, {"include": "citations"})
    add(20)
    with CaptureQueriesContext(connection) as many:
        client_anon.get(URL, {"include": "citations"})

    assert len(many) == len(few) <= 5


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client_anon):
    event = EventFactory()
    first = client_anon.get(URL)
    etag = first["ETag"]

    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    again = client_anon.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag

    Event.objects.filter(pk=event.pk).update(title="Renamed")
    changed = client_anon.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["results"][0]["title"] == "Renamed"


def test_signed_in_reads_are_private(client_user):
    EventFactory()
    response = client_user.get(URL)
    assert "private" in response["Cache-Control"]


def test_editor_creates_an_event_with_actors_and_bounds_from_edtf(client_editor):
    ActorFactory(slug="coalition")
    place = PlaceFactory(slug="airport")

    response = client_editor.post(
        URL,
        {
            "title": "Strike near the airport",
            "type": "airstrike",
            "edtf": "2016-09",
            "precision": "month",
            "place": "airport",
            "actors": [{"actor": "coalition", "role": "perpetrator"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.earliest, event.latest) == (date(2016, 9, 1), date(2016, 9, 30))
    assert event.place == place
    assert event.slug == "strike-near-the-airport"
    assert list(EventActor.objects.filter(event=event).values_list("actor__slug", "role")) == [
        ("coalition", "perpetrator")
    ]
    # Searchable at once.
    assert titles(client_editor.get(URL, {"q": "airport strike"})) == ["Strike near the airport"]


def test_editor_updates_and_deletes_an_event(client_editor):
    event = EventFactory(title="Old")

    response = client_editor.patch(f"{URL}{event.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.title == "New"

    assert client_editor.delete(f"{URL}{event.pk}/").status_code == 204
    assert not Event.objects.filter(pk=event.pk).exists()


def test_writes_refuse_bounds_in_the_wrong_order(client_editor):
    response = client_editor.post(
        URL,
        {
            "title": "Backwards",
            "edtf": "2016-09-17",
            "earliest": "2016-09-18",
            "latest": "2016-09-17",
            "fatalities_low": 9,
            "fatalities_high": 3,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "latest" in response.json()
    assert not Event.objects.exists()


def test_actors_places_and_citations_are_listed(client_anon):
    citation = CitationFactory()
    ActorFactory(name="Hidden Zyx candidate", status="candidate")
    actor = ActorFactory(name="Zyx Coalition")
    place = PlaceFactory(name="Zyx airfield", status="candidate")

    assert [a["id"] for a in results(client_anon.get("/api/actors/", {"q": "zyx"}))] == [actor.pk]
    assert results(client_anon.get("/api/places/", {"q": "zyx"})) == []
    assert client_anon.get(f"/api/places/{place.pk}/").status_code == 404
    [cited] = results(client_anon.get("/api/citations/", {"event": citation.event_id}))
    assert cited["quote"] == citation.quote
