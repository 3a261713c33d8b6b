"""events.editorial: publishing, rejecting and merging, as editors' verbs."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.postgres.search import SearchQuery

from events import editorial
from events.models import Actor, Citation, Event, EventActor, Place, Status
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_publish_records_who_published() -> None:
    user = UserFactory()
    event = EventFactory(status=Status.CANDIDATE)

    assert editorial.publish_events([event], by=user) == 1

    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    latest = event.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "published")


def test_publish_skips_events_already_published() -> None:
    event = EventFactory(status=Status.PUBLISHED)
    assert editorial.publish_events([event], by=None) == 0
    assert event.history.count() == 1


def test_reject_hides_the_event_but_keeps_it() -> None:
    user = UserFactory()
    event = EventFactory(status=Status.CANDIDATE)

    editorial.reject_events(Event.objects.filter(pk=event.pk), by=user)

    event.refresh_from_db()
    assert event.status == Status.REJECTED
    assert not Event.objects.published().filter(pk=event.pk).exists()
    assert event.history.first().history_user == user


def test_merge_keeps_every_citation() -> None:
    user = UserFactory()
    target = EventFactory()
    duplicate = EventFactory(status=Status.CANDIDATE)
    other = EventFactory(status=Status.CANDIDATE)
    source = SourceFactory()
    shared = CitationFactory(event=target, source=source, start=0, end=40)
    # The same span of the same source on the duplicate: the target already says it.
    same_span = CitationFactory(event=duplicate, source=source, start=0, end=40)
    moved = [
        CitationFactory(event=duplicate, source=source, start=41, end=70),
        CitationFactory(event=duplicate),
        CitationFactory(event=other),
    ]

    editorial.merge_events(source_events=[duplicate, other], into=target, by=user)

    quotes_before = {shared.quote, same_span.quote, *(c.quote for c in moved)}
    assert set(target.citations.values_list("quote", flat=True)) == quotes_before
    assert set(target.citations.values_list("pk", flat=True)) == {shared.pk} | {c.pk for c in moved}
    assert not Citation.objects.filter(event__in=[duplicate, other]).exists()
    # The dropped duplicate is still in the history, with who dropped it.
    dropped = Citation.history.filter(id=same_span.pk, history_type="-").get()
    assert dropped.history_user == user


def test_merge_rejects_the_merged_events_with_a_pointer_to_the_target() -> None:
    user = UserFactory()
    target = EventFactory(title="Airstrike near the airport")
    duplicate = EventFactory(status=Status.CANDIDATE)

    editorial.merge_events(source_events=[duplicate], into=target, by=user)

    duplicate.refresh_from_db()
    assert duplicate.status == Status.REJECTED
    record = duplicate.history.first()
    assert record.history_user == user
    assert record.history_change_reason == (
        f"merged into event {target.pk} (Airstrike near the airport)"
    )
    assert target.history.first().history_user == user


def test_merging_a_published_event_into_a_candidate_keeps_it_public() -> None:
    target = EventFactory(status=Status.CANDIDATE)
    published = EventFactory(status=Status.PUBLISHED)

    editorial.merge_events(source_events=[published], into=target, by=None)

    target.refresh_from_db()
    assert target.status == Status.PUBLISHED


def test_merge_moves_actor_roles_without_repeating_one() -> None:
    target = EventFactory()
    duplicate = EventFactory(status=Status.CANDIDATE)
    coalition, army = ActorFactory(), ActorFactory()
    EventActorFactory(event=target, actor=coalition, role=EventActor.Role.PERPETRATOR)
    EventActorFactory(event=duplicate, actor=coalition, role=EventActor.Role.PERPETRATOR)
    EventActorFactory(event=duplicate, actor=army, role=EventActor.Role.TARGET)

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    assert set(target.event_actors.values_list("actor", "role")) == {
        (coalition.pk, "perpetrator"),
        (army.pk, "target"),
    }
    assert not duplicate.event_actors.exists()


def test_merge_widens_the_fatality_range_and_marks_disagreement_disputed() -> None:
    target = EventFactory(fatalities_low=62, fatalities_high=62)
    duplicate = EventFactory(status=Status.CANDIDATE)
    CitationFactory(event=target, fatalities_low=62, fatalities_high=62)
    CitationFactory(event=duplicate, fatalities_low=80, fatalities_high=90)

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    target.refresh_from_db()
    assert (target.fatalities_low, target.fatalities_high) == (62, 90)
    assert target.disputed


def test_merge_marks_a_denial_disputed() -> None:
    target = EventFactory()
    duplicate = EventFactory(status=Status.CANDIDATE)
    CitationFactory(event=duplicate, stance=Citation.Stance.DENIES)

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    target.refresh_from_db()
    assert target.disputed


def test_merge_narrows_the_date_to_what_both_agree_on() -> None:
    target = EventFactory(
        edtf="2016-09", earliest=date(2016, 9, 1), latest=date(2016, 9, 30), precision="month"
    )
    duplicate = EventFactory(status=Status.CANDIDATE)  # 2016-09-17, day

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    target.refresh_from_db()
    assert (target.edtf, target.earliest, target.latest, target.precision) == (
        "2016-09-17",
        date(2016, 9, 17),
        date(2016, 9, 17),
        "day",
    )
    assert not target.disputed


def test_merge_of_disagreeing_dates_covers_both_and_is_disputed() -> None:
    target = EventFactory()  # 2016-09-17
    duplicate = EventFactory(
        status=Status.CANDIDATE,
        edtf="2016-09-10~",
        earliest=date(2016, 9, 10),
        latest=date(2016, 9, 10),
        precision="approximate",
    )

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    target.refresh_from_db()
    assert (target.earliest, target.latest) == (date(2016, 9, 10), date(2016, 9, 17))
    assert target.edtf == "2016-09-10/2016-09-17"
    assert target.disputed


def test_merge_makes_the_target_findable_by_the_moved_quotes() -> None:
    target = EventFactory(title="Strike")
    duplicate = EventFactory(status=Status.CANDIDATE)
    source = SourceFactory(text="Warplanes hit the Tharda mountain positions at dusk.")
    CitationFactory(event=duplicate, source=source, start=0, end=len(source.text))

    editorial.merge_events(source_events=[duplicate], into=target, by=None)

    found = Event.objects.filter(search=SearchQuery("tharda", config="english"))
    assert list(found) == [target]


def test_an_event_cannot_be_merged_into_itself() -> None:
    event = EventFactory()
    with pytest.raises(editorial.MergeError):
        editorial.merge_events(source_events=[event], into=event, by=None)


def test_merge_actors_moves_every_reference() -> None:
    user = UserFactory()
    keep = ActorFactory(name="United States", aliases=["US"])
    remove = ActorFactory(name="USA", aliases=["U.S.", "us"], description="duplicate")
    child = ActorFactory(name="CENTCOM", parent=remove)
    both = EventFactory()
    only_removed = EventFactory()
    EventActorFactory(event=both, actor=keep, role=EventActor.Role.PERPETRATOR)
    EventActorFactory(event=both, actor=remove, role=EventActor.Role.PERPETRATOR)
    EventActorFactory(event=both, actor=remove, role=EventActor.Role.SPEAKER)
    EventActorFactory(event=only_removed, actor=remove, role=EventActor.Role.TARGET)

    editorial.merge_actors(keep=keep, remove=remove, by=user)

    keep.refresh_from_db()
    child.refresh_from_db()
    assert not Actor.objects.filter(pk=remove.pk).exists()
    assert set(EventActor.objects.values_list("event", "actor", "role")) == {
        (both.pk, keep.pk, "perpetrator"),
        (both.pk, keep.pk, "speaker"),
        (only_removed.pk, keep.pk, "target"),
    }
    assert child.parent == keep
    assert keep.aliases == ["US", "USA", "U.S."]
    assert keep.description == "duplicate"
    assert Actor.history.filter(id=remove.pk, history_type="-").get().history_user == user


def test_merge_actors_knows_every_relation_to_an_actor() -> None:
    # A new foreign key to Actor must be handled by merge_actors before this passes.
    relations = {(r.related_model.__name__, r.field.name) for r in Actor._meta.related_objects}
    assert relations == {("Actor", "parent"), ("EventActor", "actor"), ("Event", "actors")}


def test_merging_a_parent_into_its_child_leaves_no_loop() -> None:
    parent = ActorFactory()
    child = ActorFactory(parent=parent)

    editorial.merge_actors(keep=child, remove=parent, by=None)

    child.refresh_from_db()
    assert child.parent is None


def test_merge_places_moves_events_and_names() -> None:
    user = UserFactory()
    keep = PlaceFactory(name="Deir ez-Zor airport", latitude=None, longitude=None)
    remove = PlaceFactory(name="Deir al-Zour airbase", latitude=35.28, longitude=40.18)
    event = EventFactory(place=remove)

    editorial.merge_places(keep=keep, remove=remove, by=user)

    event.refresh_from_db()
    keep.refresh_from_db()
    assert event.place == keep
    assert event.history.first().history_user == user
    assert keep.aliases == ["Deir al-Zour airbase"]
    assert (keep.latitude, keep.longitude) == (35.28, 40.18)
    assert not Place.objects.filter(pk=remove.pk).exists()


def test_merge_places_knows_every_relation_to_a_place() -> None:
    relations = {(r.related_model.__name__, r.field.name) for r in Place._meta.related_objects}
    assert relations == {("Event", "place")}


def test_a_revert_restores_the_earlier_state() -> None:
    user = UserFactory()
    event = EventFactory(title="Airstrike", status=Status.CANDIDATE)
    before = event.history.first()
    duplicate = EventFactory(status=Status.CANDIDATE)
    citation = CitationFactory(event=duplicate)
    editorial.merge_events(source_events=[duplicate], into=event, by=user)
    editorial.publish_events([event], by=user)

    # What the admin's "revert" does: save the historical instance as the current row.
    before.instance.save()
    previous = duplicate.history.filter(status=Status.CANDIDATE).earliest("history_date")
    previous.instance.save()
    Citation.history.filter(id=citation.pk).earliest("history_date").instance.save()

    event.refresh_from_db()
    duplicate.refresh_from_db()
    citation.refresh_from_db()
    assert (event.title, event.status) == ("Airstrike", Status.CANDIDATE)
    assert duplicate.status == Status.CANDIDATE
    assert citation.event == duplicate
