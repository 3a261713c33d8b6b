"""The database itself refuses rows that break the data model's rules: each case below
inserts through the ORM with no form or model validation in the way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from events.models import Citation, Event, EventActor, Place
from sources.models import Annotation, Feed, Source
from tests.factories import (
    ActorFactory,
    AnnotationFactory,
    CitationFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_the_same_content_is_not_stored_twice():
    SourceFactory(text="One and the same text.")
    assert refused(lambda: SourceFactory(text="One and the same text."))


def test_the_same_canonical_url_is_not_stored_twice():
    SourceFactory(url="https://example.org/a")
    assert refused(lambda: SourceFactory(url="https://example.org/a"))


def test_many_sources_may_have_no_url():
    SourceFactory(url=None)
    SourceFactory(url=None)
    assert Source.objects.filter(url__isnull=True).count() == 2


def test_a_source_needs_a_url_or_text():
    assert refused(lambda: Source.objects.create(title="nothing"))


def test_an_unknown_source_status_is_refused():
    assert refused(lambda: SourceFactory(status="lost"))


def test_an_event_cannot_end_before_it_starts():
    assert refused(lambda: EventFactory(earliest=date(2016, 9, 18), latest=date(2016, 9, 17)))


def test_an_event_low_fatality_figure_cannot_exceed_the_high_one():
    assert refused(lambda: EventFactory(fatalities_low=90, fatalities_high=62))


def test_an_event_confidence_stays_between_zero_and_one():
    assert refused(lambda: EventFactory(confidence=1.5))


def test_an_event_type_outside_the_vocabulary_is_refused():
    assert refused(lambda: EventFactory(type="picnic"))


def test_event_slugs_are_unique():
    EventFactory(slug="strike")
    assert refused(lambda: EventFactory(slug="strike"))


def test_an_actor_has_one_row_per_role_in_an_event():
    event, actor = EventFactory(), ActorFactory()
    EventActor.objects.create(event=event, actor=actor, role="target")
    assert refused(lambda: EventActor.objects.create(event=event, actor=actor, role="target"))


def test_a_citation_quote_must_be_the_source_text_at_its_offsets():
    source = SourceFactory()
    event = EventFactory()
    assert refused(
        lambda: Citation.objects.create(
            event=event, source=source, start=0, end=9, quote="Invented!"
        )
    )


def test_a_citation_cannot_point_past_the_end_of_the_text():
    source = SourceFactory(text="Short text.")
    assert refused(
        lambda: Citation.objects.create(
            event=EventFactory(), source=source, start=5, end=15, quote="x" * 10
        )
    )


def test_a_citation_span_must_match_its_quote_length():
    source = SourceFactory()
    assert refused(
        lambda: Citation.objects.create(
            event=EventFactory(), source=source, start=0, end=5, quote=source.text[:9]
        )
    )


def test_a_citation_claimed_dates_must_be_ordered():
    assert refused(
        lambda: CitationFactory(
            claimed_earliest=date(2016, 9, 18), claimed_latest=date(2016, 9, 10)
        )
    )


def test_a_citation_fatality_range_must_be_ordered():
    assert refused(lambda: CitationFactory(fatalities_low=80, fatalities_high=15))


def test_a_valid_citation_is_stored():
    citation = CitationFactory(start=0, end=18)
    assert citation.quote == "Coalition aircraft"


def test_an_annotation_quote_must_be_the_source_text_at_its_offsets():
    source = SourceFactory()
    assert refused(
        lambda: Annotation.objects.create(source=source, start=0, end=5, quote="Fake!", body="note")
    )


def test_an_annotation_on_the_right_passage_is_stored():
    annotation = AnnotationFactory(start=0, end=9)
    assert annotation.quote == "Coalition"


def test_place_coordinates_must_be_on_earth():
    assert refused(lambda: PlaceFactory(latitude=95.0))
    assert refused(lambda: PlaceFactory(longitude=-181.0))


def test_a_place_has_both_coordinates_or_neither():
    assert refused(lambda: Place.objects.create(name="Half", slug="half", latitude=10.0))


def test_feeds_are_polled_at_most_once_a_minute():
    from datetime import timedelta

    assert refused(lambda: Feed.objects.create(url="https://e.org/f", poll_interval=timedelta(0)))


def test_published_events_overlapping_a_range():
    EventFactory(slug="a", earliest=date(2016, 9, 1), latest=date(2016, 9, 30), precision="month")
    EventFactory(slug="b", earliest=date(2016, 9, 17), latest=date(2016, 9, 17))
    EventFactory(slug="c", earliest=date(2016, 10, 1), latest=date(2016, 10, 1))
    EventFactory(slug="d", earliest=date(2016, 9, 17), latest=date(2016, 9, 17), status="candidate")
    found = Event.objects.published().overlapping(date(2016, 9, 15), date(2016, 9, 20))
    assert sorted(found.values_list("slug", flat=True)) == ["a", "b"]
