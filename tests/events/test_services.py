"""record_extraction: articles become Events with Citations, merged across sources, on the
real database (the gazetteer comes from the seed migration)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from events.editorial import refresh_search_vector
from events.models import Actor, Citation, Event, EventActor, EventType, Place
from events.services import load_gazetteer, record_extraction
from tests.factories import (
    ActorFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE_A = (
    "Coalition warplanes bombed Syrian Army positions near Deir ez-Zor airport on Saturday, "
    "killing 62 soldiers, the Russian Defence Ministry said.\n\n"
    "The Russian Ministry of Defence on Saturday accused the United States of the strike."
)
ARTICLE_B = (
    "A US-led coalition airstrike on Saturday hit Syrian troops near Deir al-Zor airport. "
    "About 80 Syrian soldiers were killed in the air raid, the Syrian Observatory for Human "
    "Rights reported."
)
ARTICLE_C = (
    "A US-led coalition airstrike on Saturday hit Syrian troops near Deir al-Zor airport, "
    "killing 62 Syrian soldiers. Witnesses told reporters that Nadim Haddad was among them."
)


def _source(text: str, published: date = date(2016, 9, 17)):
    return SourceFactory(text=text, published=published)


def _airstrikes() -> list[Event]:
    return list(Event.objects.filter(type="airstrike"))


def test_it_writes_an_event_with_actors_place_and_citation() -> None:
    source = _source(ARTICLE_A)
    result = record_extraction(source)

    (strike,) = _airstrikes()
    assert result.events_created and strike.pk in result.events
    assert (strike.earliest, strike.latest, strike.precision) == (
        date(2016, 9, 17),
        date(2016, 9, 17),
        "day",
    )
    assert strike.place.slug == "deir-ez-zor-airport"
    roles = {(ea.actor.slug, ea.role) for ea in strike.event_actors.select_related("actor")}
    assert ("us-led-coalition", "perpetrator") in roles
    assert ("syrian-arab-army", "target") in roles
    # Both sentences speak of the strike; the first carries the toll.
    citations = list(strike.citations.order_by("start"))
    assert [c.start for c in citations] == [0, ARTICLE_A.index("The Russian")]
    for citation in citations:
        assert citation.quote == source.text[citation.start : citation.end]
        assert citation.made_by == "machine"
    assert (citations[0].fatalities_low, citations[0].fatalities_high) == (62, 62)
    assert strike.status == "candidate"
    statement = Event.objects.get(type="statement")
    assert statement.event_actors.get(role="speaker").actor.slug == "russian-ministry-of-defence"


def test_two_articles_about_one_happening_make_one_event_with_two_citations() -> None:
    record_extraction(_source(ARTICLE_A))
    record_extraction(_source(ARTICLE_C))

    (strike,) = _airstrikes()
    assert strike.citations.values("source").distinct().count() == 2
    assert not strike.disputed
    assert (strike.fatalities_low, strike.fatalities_high) == (62, 62)


def test_sources_disagreeing_on_the_toll_mark_the_event_disputed() -> None:
    a, b = _source(ARTICLE_A), _source(ARTICLE_B)
    record_extraction(a)
    record_extraction(b)

    (strike,) = _airstrikes()
    assert strike.disputed
    claims = {
        c.source_id: (c.fatalities_low, c.fatalities_high)
        for c in strike.citations.exclude(fatalities_low=None, fatalities_high=None)
    }
    assert claims == {a.pk: (62, 62), b.pk: (72, 88)}
    assert (strike.fatalities_low, strike.fatalities_high) == (62, 88)


def test_sources_disagreeing_on_the_day_mark_the_event_disputed() -> None:
    record_extraction(_source(ARTICLE_A))
    record_extraction(_source(ARTICLE_C.replace("on Saturday", "on Sunday"), date(2016, 9, 18)))

    (strike,) = _airstrikes()
    assert strike.citations.values("source").distinct().count() == 2
    assert strike.disputed
    claimed = set(
        strike.citations.exclude(claimed_earliest=None).values_list("claimed_earliest", flat=True)
    )
    assert claimed == {date(2016, 9, 17), date(2016, 9, 18)}


def test_reprocessing_a_source_duplicates_nothing() -> None:
    source = _source(ARTICLE_A)
    record_extraction(_source(ARTICLE_B))
    record_extraction(source)
    counts = (Event.objects.count(), Citation.objects.count(), EventActor.objects.count())
    ids = set(Event.objects.values_list("id", flat=True))

    record_extraction(source)
    record_extraction(source)

    assert (Event.objects.count(), Citation.objects.count(), EventActor.objects.count()) == counts
    assert set(Event.objects.values_list("id", flat=True)) == ids
    assert Actor.objects.count() == Actor.objects.values("slug").distinct().count()


def test_reprocessing_changed_text_drops_what_it_no_longer_supports() -> None:
    source = _source(ARTICLE_A)
    record_extraction(source)
    source.text = "Nothing happened here, the weather was fine."
    source.save()

    result = record_extraction(source)

    assert result.events_removed >= 1
    assert not Event.objects.exists()
    assert not Citation.objects.exists()


def test_editors_citations_and_published_events_survive_reprocessing() -> None:
    source = _source(ARTICLE_A)
    record_extraction(source)
    (strike,) = _airstrikes()
    strike.status = "published"
    strike.save()
    Citation.objects.create(
        event=strike, source=source, quote=source.text[0:9], start=0, end=9, made_by="editor"
    )
    source.text = source.text + " "  # a re-run that finds the same happening
    source.save()

    record_extraction(source)

    strike.refresh_from_db()
    assert strike.status == "published"
    assert strike.citations.filter(made_by="editor").count() == 1
    assert strike.citations.filter(made_by="machine").count() == 2


def test_unknown_names_become_candidate_actors() -> None:
    record_extraction(_source(ARTICLE_C))

    actor = Actor.objects.get(name="Nadim Haddad")
    assert actor.status == "candidate"
    assert actor.kind == "person"


def test_search_vector_covers_title_and_quotes() -> None:
    record_extraction(_source(ARTICLE_B))

    assert Event.objects.filter(search="observatory", type="airstrike").exists()
    assert Event.objects.filter(search="airstrike").exists()


@override_settings(EVENTS_AUTO_PUBLISH_CONFIDENCE=0.5)
def test_confident_events_are_published_when_the_setting_allows() -> None:
    record_extraction(_source(ARTICLE_A))

    (strike,) = _airstrikes()
    assert strike.confidence >= 0.5
    assert strike.status == "published"


def test_gazetteer_follows_what_editors_maintain() -> None:
    ActorFactory(name="Tiger Forces", slug="tiger-forces", aliases=["Qawat al-Nimr"])
    Place.objects.filter(slug="aleppo").update(status="rejected")

    gazetteer = load_gazetteer()

    names = {m.text: m.entries[0].name for m in gazetteer.match("Qawat al-Nimr took Aleppo")}
    assert names["Qawat al-Nimr"] == "Tiger Forces"
    assert all(e.slug != "aleppo" for e in gazetteer.entries)
    assert any(e.slug == "centcom" or e.name == "US Central Command" for e in gazetteer.entries)


def test_a_source_without_text_or_date_writes_nothing() -> None:
    source = SourceFactory(text="Coalition jets bombed Deir ez-Zor.", published=None)
    result = record_extraction(source)
    assert result.candidates == 0
    assert not Event.objects.exists()


def test_a_more_specific_place_from_a_later_source_refines_the_event() -> None:
    record_extraction(_source("Coalition jets bombed Syrian troops in Syria on Saturday."))
    record_extraction(_source(ARTICLE_B))

    (strike,) = _airstrikes()
    assert strike.place.slug == "deir-ez-zor-airport"


def test_the_search_vectors_are_those_editorial_refresh_search_vector_writes() -> None:
    record_extraction(_source(ARTICLE_A))
    record_extraction(_source(ARTICLE_B))
    written = dict(Event.objects.values_list("pk", "search"))

    for event in Event.objects.all():
        refresh_search_vector(event)

    assert written and dict(Event.objects.values_list("pk", "search")) == written


def test_the_gazetteer_is_built_once_until_a_name_changes() -> None:
    gazetteer = load_gazetteer()
    with CaptureQueriesContext(connection) as queries:
        assert load_gazetteer() is gazetteer
    assert len(queries) == 1  # the version check

    # However the rows change (here behind the models' back), the next load sees it.
    Actor.objects.filter(slug="us-led-coalition").update(aliases=["Operation Inherent Resolve"])
    names = {m.text for m in load_gazetteer().match("Operation Inherent Resolve struck")}
    assert names == {"Operation Inherent Resolve"}


# Typical article: the demo article (a strike, statements, a ceasefire, several names).
EXISTING_TYPES = [
    EventType.AIRSTRIKE,
    EventType.STATEMENT,
    EventType.ATTACK,
    EventType.CASUALTY_REPORT,
    EventType.CEASEFIRE_AGREED,
    EventType.MEETING,
]


def _queries_to_record(text: str, published: date, existing: int) -> int:
    """Queries `record_extraction` makes for `text` with `existing` events on the days it
    speaks of (none of which it reports: another actor, a place far away), rolled back."""
    actor = Actor.objects.get(slug="distractor-brigade")
    place = Place.objects.get(slug="far-atoll")
    with transaction.atomic():
        for n in range(existing):
            day = published + timedelta(days=n % 15 - 10)
            event = EventFactory(
                type=EXISTING_TYPES[n % len(EXISTING_TYPES)],
                earliest=day,
                latest=day,
                edtf=day.isoformat(),
                place=place,
                status="candidate",
            )
            for role in ("perpetrator", "speaker"):
                EventActorFactory(event=event, actor=actor, role=role)
        source = _source(text, published)
        with CaptureQueriesContext(connection) as queries:
            result = record_extraction(source)
        assert result.events_created
        transaction.set_rollback(True)
    return len(queries)


def test_recording_an_article_costs_a_few_queries_however_many_events_exist(
    seed_article: str, seed_published: date
) -> None:
    ActorFactory(name="Distractor Brigade", slug="distractor-brigade")
    PlaceFactory(name="Far Atoll", slug="far-atoll", kind="city")
    load_gazetteer()  # built before counting: its rows do not change below

    with_10 = _queries_to_record(seed_article, seed_published, existing=10)
    with_100 = _queries_to_record(seed_article, seed_published, existing=100)

    assert with_10 <= 30
    assert with_100 == with_10
