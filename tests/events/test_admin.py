"""The editors' admin: review queue, decisions, merges, actors and places, history."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR, REVIEWER
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

EVENTS = reverse("admin:events_event_changelist")
ACTORS = reverse("admin:events_actor_changelist")
PLACES = reverse("admin:events_place_changelist")
MERGE = reverse("admin:events_event_merge")


def _client(*groups: str) -> tuple[Client, object]:
    user = UserFactory(groups=list(groups))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def reviewer() -> Client:
    return _client(EDITOR, REVIEWER)[0]


@pytest.fixture
def editor() -> Client:
    return _client(EDITOR)[0]


def _action(client: Client, url: str, action: str, *rows, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in rows], "index": 0, **extra}
    return client.post(url, data, follow=True)


def _change_data(event: Event, **changes) -> dict:
    """The event's change form as posted, with no inline rows."""
    data = {
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "type": event.type,
        "edtf": event.edtf,
        "earliest": event.earliest.isoformat(),
        "latest": event.latest.isoformat(),
        "precision": event.precision,
        "status": event.status,
        "confidence": event.confidence,
    }
    for prefix in ("event_actors", "citations", "citations-2"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def test_the_event_list_opens_on_the_review_queue_with_quotes(editor: Client) -> None:
    candidate = EventFactory(title="Strike on the airport", status=Status.CANDIDATE)
    EventFactory(title="Already published")
    citation = CitationFactory(event=candidate)

    response = editor.get(EVENTS)

    page = response.content.decode()
    assert "Strike on the airport" in page
    assert "Already published" not in page
    assert citation.quote in page
    assert reverse("admin:sources_source_change", args=[citation.source_id]) in page
    assert "Already published" in editor.get(EVENTS, {"status": "all"}).content.decode()


def test_a_reviewer_publishes_and_rejects_from_the_queue(reviewer: Client) -> None:
    good, bad = EventFactory(status=Status.CANDIDATE), EventFactory(status=Status.CANDIDATE)

    _action(reviewer, EVENTS, "publish_selected", good)
    _action(reviewer, EVENTS, "reject_selected", bad)

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (Status.PUBLISHED, Status.REJECTED)


@pytest.mark.parametrize("action", ["publish_selected", "reject_selected", "merge_selected"])
def test_an_editor_is_not_offered_review_actions(editor: Client, action: str) -> None:
    event = EventFactory(status=Status.CANDIDATE)
    other = EventFactory()

    assert action not in editor.get(EVENTS).content.decode()
    _action(editor, EVENTS, action, event, other, post="yes", into=other.pk)

    event.refresh_from_db()
    assert event.status == Status.CANDIDATE


def test_a_reviewer_saves_and_publishes_from_the_event_page(reviewer: Client) -> None:
    event = EventFactory(status=Status.CANDIDATE)
    url = reverse("admin:events_event_change", args=[event.pk])
    assert "Save and publish" in reviewer.get(url).content.decode()

    reviewer.post(url, _change_data(event, title="Corrected title", _publish="1"))

    event.refresh_from_db()
    assert (event.title, event.status) == ("Corrected title", Status.PUBLISHED)


def test_an_editor_edits_but_cannot_publish_from_the_event_page(editor: Client) -> None:
    event = EventFactory(status=Status.CANDIDATE)
    url = reverse("admin:events_event_change", args=[event.pk])
    assert "Save and publish" not in editor.get(url).content.decode()

    assert editor.post(url, _change_data(event, _publish="1")).status_code == 403
    editor.post(url, _change_data(event, title="Edited", status=Status.PUBLISHED))

    event.refresh_from_db()
    assert (event.title, event.status) == ("Edited", Status.CANDIDATE)


def test_a_reviewer_merges_a_candidate_into_an_existing_event(reviewer: Client) -> None:
    existing = EventFactory(title="Airstrike near the airport")
    candidate = EventFactory(status=Status.CANDIDATE)
    citations = [CitationFactory(event=candidate), CitationFactory(event=existing)]

    response = _action(reviewer, EVENTS, "merge_selected", candidate)
    assert "Airstrike near the airport" in response.content.decode()  # suggested: same date
    response = reviewer.post(f"{MERGE}?ids={candidate.pk}", {"into": existing.pk})

    assert response.status_code == 302
    assert set(existing.citations.all()) == set(citations)
    candidate.refresh_from_db()
    assert candidate.status == Status.REJECTED


def test_a_merged_event_points_to_where_it_went(reviewer: Client) -> None:
    existing = EventFactory(title="Airstrike near the airport")
    candidate = EventFactory(status=Status.CANDIDATE)
    reviewer.post(f"{MERGE}?ids={candidate.pk}", {"into": existing.pk})

    page = reviewer.get(reverse("admin:events_event_change", args=[candidate.pk])).content
    assert f"merged into event {existing.pk} (Airstrike near the airport)".encode() in page
    assert reverse("admin:events_event_change", args=[existing.pk]).encode() in page


def test_the_queue_is_titled_as_such(editor: Client) -> None:
    assert b"Review queue: candidate events" in editor.get(EVENTS).content
    assert b"Review queue" not in editor.get(EVENTS, {"status": "published"}).content


def test_a_merge_target_can_be_given_by_number(reviewer: Client) -> None:
    far_away = EventFactory(edtf="2015", earliest="2015-01-01", latest="2015-12-31")
    candidate = EventFactory(status=Status.CANDIDATE)

    reviewer.post(f"{MERGE}?ids={candidate.pk}", {"other": far_away.pk})

    candidate.refresh_from_db()
    assert candidate.status == Status.REJECTED


def test_an_editor_cannot_open_or_post_the_merge_page(editor: Client) -> None:
    existing, candidate = EventFactory(), EventFactory(status=Status.CANDIDATE)
    CitationFactory(event=candidate)

    assert editor.get(f"{MERGE}?ids={candidate.pk}").status_code == 403
    assert editor.post(f"{MERGE}?ids={candidate.pk}", {"into": existing.pk}).status_code == 403

    assert candidate.citations.count() == 1
    candidate.refresh_from_db()
    assert candidate.status == Status.CANDIDATE


def test_an_editor_adds_a_citation_by_its_quote(editor: Client) -> None:
    event = EventFactory(status=Status.CANDIDATE)
    source = SourceFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _change_data(event) | {
        "citations-2-TOTAL_FORMS": 1,
        "citations-2-0-source": source.pk,
        "citations-2-0-quote": "killing at least 62 soldiers",
        "citations-2-0-stance": "asserts",
        "citations-2-0-confidence": 0.9,
    }

    response = editor.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    citation = event.citations.get()
    assert source.text[citation.start : citation.end] == "killing at least 62 soldiers"
    assert citation.made_by == Citation.MadeBy.EDITOR


def test_a_reviewer_merges_two_actors(reviewer: Client) -> None:
    keep, remove = ActorFactory(name="Syrian Army"), ActorFactory(name="SAA")
    role = EventActorFactory(actor=remove)

    response = _action(reviewer, ACTORS, "merge_selected", keep, remove)
    assert "Syrian Army" in response.content.decode()
    _action(reviewer, ACTORS, "merge_selected", keep, remove, post="yes", keep=keep.pk)

    assert not Actor.objects.filter(pk=remove.pk).exists()
    role.refresh_from_db()
    assert role.actor == keep
    keep.refresh_from_db()
    assert keep.aliases == ["SAA"]


def test_a_reviewer_merges_two_places(reviewer: Client) -> None:
    keep, remove = PlaceFactory(), PlaceFactory()
    event = EventFactory(place=remove)

    _action(reviewer, PLACES, "merge_selected", keep, remove, post="yes", keep=keep.pk)

    event.refresh_from_db()
    assert event.place == keep
    assert not Place.objects.filter(pk=remove.pk).exists()


@pytest.mark.parametrize(("url", "factory"), [(ACTORS, ActorFactory), (PLACES, PlaceFactory)])
def test_an_editor_cannot_merge_actors_or_places(editor: Client, url: str, factory) -> None:
    keep, remove = factory(), factory()

    assert "merge_selected" not in editor.get(url).content.decode()
    _action(editor, url, "merge_selected", keep, remove, post="yes", keep=keep.pk)

    assert type(keep).objects.filter(pk=remove.pk).exists()


def test_an_actor_page_lists_its_events(editor: Client) -> None:
    role = EventActorFactory(event__title="Ceasefire talks", role=EventActor.Role.MEDIATOR)

    page = editor.get(reverse("admin:events_actor_change", args=[role.actor_id])).content
    assert b"Ceasefire talks" in page
    assert b"mediator" in page


def test_a_place_page_lists_its_events(editor: Client) -> None:
    event = EventFactory(title="Shelling of the airport", place=PlaceFactory())

    page = editor.get(reverse("admin:events_place_change", args=[event.place_id])).content
    assert b"Shelling of the airport" in page


def test_an_editor_edits_actor_names_and_aliases(editor: Client) -> None:
    actor = ActorFactory(name="US", aliases=[])
    url = reverse("admin:events_actor_change", args=[actor.pk])

    response = editor.post(
        url,
        {
            "name": "United States",
            "slug": actor.slug,
            "kind": "state",
            "aliases": "US,USA",
            "status": "published",
            "event_roles-TOTAL_FORMS": 0,
            "event_roles-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    actor.refresh_from_db()
    assert (actor.name, actor.aliases) == ("United States", ["US", "USA"])
    assert actor.history.first().history_user.groups.filter(name=EDITOR).exists()


def test_history_records_the_editor_and_a_revert_restores_the_earlier_state(
    editor: Client,
) -> None:
    event = EventFactory(title="First title", status=Status.CANDIDATE)
    url = reverse("admin:events_event_change", args=[event.pk])
    editor.post(url, _change_data(event, title="Second title"))
    first = event.history.earliest("history_date")

    history = editor.get(reverse("admin:events_event_history", args=[event.pk]))
    assert b"Second title" in history.content or b"First title" in history.content
    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, first.pk])
    assert editor.post(revert_url, _change_data(event, title="First title")).status_code == 302

    event.refresh_from_db()
    assert event.title == "First title"
    assert event.history.first().history_user is not None


def test_an_editor_cannot_publish_by_reverting_to_a_published_version(editor: Client) -> None:
    event = EventFactory(status=Status.PUBLISHED)
    published = event.history.first()
    event.status = Status.REJECTED
    event.save()
    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, published.pk])

    editor.post(revert_url, _change_data(event, status=Status.PUBLISHED))

    event.refresh_from_db()
    assert event.status == Status.REJECTED


def test_a_user_without_a_role_cannot_see_the_queue() -> None:
    client, _ = _client()
    assert client.get(EVENTS).status_code == 403


# Annotations on a source's page (sources/admin.py, annotation parts).


def _source_data(source, **rows) -> dict:
    data = {
        "kind": source.kind,
        "url": source.url or "",
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "published": source.published.isoformat() if source.published else "",
        "published_precision": source.published_precision,
        "language": source.language,
        "text": source.text,
        "status": source.status,
        "reliability_notes": source.reliability_notes,
        "annotations-TOTAL_FORMS": 1,
        "annotations-INITIAL_FORMS": 0,
    }
    return data | {f"annotations-0-{name}": value for name, value in rows.items()}


def test_the_source_page_shows_its_text_with_quotes_and_annotations_marked(
    editor: Client,
) -> None:
    citation = CitationFactory(start=0, end=18)
    source = citation.source
    page = editor.get(reverse("admin:sources_source_change", args=[source.pk])).content
    assert b'id="source-passage"' in page
    assert f'<span data-offset="0" id="offset-0" class="cited">{source.text[:18]}'.encode() in (
        page
    )


@pytest.mark.parametrize(
    "passage",
    [
        {"quote": "at least 62 soldiers"},
        {"start": 79, "end": 99},
        {"start": 79, "end": 99, "quote": "at least 62 soldiers"},
    ],
    ids=["by quote", "by offsets", "by both (the selection script)"],
)
def test_an_editor_annotates_a_passage_of_a_source(editor: Client, passage: dict) -> None:
    source = SourceFactory()
    url = reverse("admin:sources_source_change", args=[source.pk])
    assert source.text[79:99] == "at least 62 soldiers"

    response = editor.post(
        url, _source_data(source, kind="dispute", body="Other counts say 90.", **passage)
    )

    assert response.status_code == 302, response.context["errors"]
    note = source.annotations.get()
    assert (note.start, note.end, note.quote) == (79, 99, "at least 62 soldiers")
    assert note.author is not None and note.author.groups.filter(name=EDITOR).exists()
    assert note.history.first().history_user == note.author


def test_a_quote_not_in_the_text_is_refused_with_a_reason(editor: Client) -> None:
    source = SourceFactory()
    url = reverse("admin:sources_source_change", args=[source.pk])

    response = editor.post(url, _source_data(source, quote="not in the text", body="x"))

    assert response.status_code == 200
    assert b"the quote does not occur in the source text" in response.content
    assert not source.annotations.exists()


def test_a_user_without_a_role_cannot_annotate() -> None:
    client, _ = _client()
    source = SourceFactory()
    url = reverse("admin:sources_source_change", args=[source.pk])

    response = client.post(url, _source_data(source, quote="at least 62 soldiers", body="x"))

    assert response.status_code == 403
    assert not source.annotations.exists()
