"""Roles: the Editor and Reviewer groups, the editor account, and the API obeying them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import EDITOR, REVIEWER
from events.models import Event, Status
from sources.models import Annotation, Source
from tests.factories import EventFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

EDITING = {
    f"{app}.{action}_{model}"
    for app, model in [
        ("sources", "source"),
        ("sources", "annotation"),
        ("events", "event"),
        ("events", "actor"),
        ("events", "place"),
        ("events", "citation"),
    ]
    for action in ("add", "change", "view")
}
REVIEWING = {"events.publish_event", "events.merge_event"}


def _permissions(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


def test_editors_edit_but_do_not_decide() -> None:
    editor = _permissions(EDITOR)
    assert editor >= EDITING
    assert not editor & REVIEWING
    assert "events.delete_event" not in editor


def test_reviewers_also_publish_and_merge() -> None:
    assert _permissions(REVIEWER) == _permissions(EDITOR) | REVIEWING


def test_the_run_commands_editor_account_is_in_both_groups() -> None:
    out = StringIO()
    call_command("create_editor", "--username", "ed", "--password", "pw-123456", stdout=out)

    user = User.objects.get(username="ed")
    assert set(user.groups.values_list("name", flat=True)) == {EDITOR, REVIEWER}
    assert user.is_superuser and user.is_staff
    assert "pw-123456" in out.getvalue()


def test_an_existing_editor_account_joins_the_groups_and_its_password_is_not_shown() -> None:
    UserFactory(username="ed")
    out = StringIO()
    call_command("create_editor", "--username", "ed", "--password", "pw-123456", stdout=out)

    user = User.objects.get(username="ed")
    assert set(user.groups.values_list("name", flat=True)) == {EDITOR, REVIEWER}
    assert "pw-123456" not in out.getvalue()


# The API reads the same permissions (DjangoModelPermissionsOrAnonReadOnly).


def _api(*groups: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups)))
    return client


@pytest.mark.parametrize("who", ["anonymous", "staff without a role"])
def test_without_a_role_nothing_can_be_written_through_the_api(who: str) -> None:
    client = APIClient() if who == "anonymous" else _api()
    source = SourceFactory()
    event = EventFactory(status=Status.CANDIDATE)

    attempts = [
        client.post("/api/sources/", {"text": "Shelling reported.", "kind": "article"}),
        client.post(
            "/api/annotations/",
            {"source": source.pk, "start": 0, "end": 9, "kind": "comment", "body": "?"},
        ),
        client.patch(f"/api/events/{event.pk}/", {"status": "published"}, format="json"),
        client.post("/api/actors/", {"name": "Syrian Army", "kind": "armed_force"}),
    ]

    assert all(r.status_code in (401, 403) for r in attempts)
    event.refresh_from_db()
    assert event.status == Status.CANDIDATE
    assert not Annotation.objects.exists()
    assert Source.objects.count() == 1


def test_an_editor_adds_sources_and_annotations_through_the_api() -> None:
    client = _api(EDITOR)
    source = SourceFactory()

    added = client.post("/api/sources/", {"text": "Shelling was reported.", "kind": "article"})
    noted = client.post(
        "/api/annotations/",
        {"source": source.pk, "start": 0, "end": 9, "kind": "comment", "body": "Which?"},
    )

    assert added.status_code == 202, added.json()
    assert noted.status_code == 201, noted.json()


def test_an_editor_cannot_delete_events_through_the_api() -> None:
    event = EventFactory()

    response = _api(EDITOR).delete(f"/api/events/{event.pk}/")

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_an_editor_cannot_publish_through_the_api() -> None:
    event = EventFactory(status=Status.CANDIDATE)

    response = _api(EDITOR).patch(
        f"/api/events/{event.pk}/", {"status": "published"}, format="json"
    )

    assert response.status_code == 403
    assert "events.publish_event" in response.json()["detail"]
    event.refresh_from_db()
    assert event.status == Status.CANDIDATE


def test_a_reviewer_publishes_through_the_api() -> None:
    event = EventFactory(status=Status.CANDIDATE)

    response = _api(EDITOR, REVIEWER).patch(
        f"/api/events/{event.pk}/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
