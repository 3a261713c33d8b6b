"""Who may do what: anyone reads; writing needs a signed-in user with the model permission,
by token or by session."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from events.models import Actor, Citation, Event, Place
from sources.models import Annotation
from tests.factories import (
    AnnotationFactory,
    CitationFactory,
    EventFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

NEW_EVENT = {"title": "Talks in Geneva", "edtf": "2016-09-09", "type": "meeting"}


@pytest.mark.parametrize(
    "url", ["/api/events/", "/api/actors/", "/api/places/", "/api/citations/", "/api/annotations/"]
)
def test_anyone_may_read(client_anon, url):
    assert client_anon.get(url).status_code == 200


def test_anonymous_clients_cannot_write(client_anon):
    event = EventFactory()

    assert client_anon.post("/api/events/", NEW_EVENT, format="json").status_code == 403
    assert (
        client_anon.patch(f"/api/events/{event.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert client_anon.delete(f"/api/events/{event.pk}/").status_code == 403
    assert Event.objects.get().title == event.title


def test_signed_in_users_without_the_permission_cannot_write(client_user):
    event = EventFactory()
    actors = Actor.objects.count()

    response = client_user.post("/api/events/", NEW_EVENT, format="json")
    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    assert client_user.delete(f"/api/events/{event.pk}/").status_code == 403
    assert client_user.post("/api/actors/", {"name": "X"}, format="json").status_code == 403
    assert Event.objects.count() == 1
    assert Actor.objects.count() == actors


def test_a_permission_allows_exactly_its_verb(client_for):
    event = EventFactory()
    adder = client_for("events.add_event")

    assert adder.post("/api/events/", NEW_EVENT, format="json").status_code == 201
    assert adder.delete(f"/api/events/{event.pk}/").status_code == 403
    assert Event.objects.count() == 2


def test_token_holders_with_permissions_write_every_resource(client_editor):
    source = SourceFactory()
    event = EventFactory()

    assert (
        client_editor.post("/api/actors/", {"name": "Zyx Coalition"}, format="json").status_code
        == 201
    )
    assert Actor.objects.filter(name="Zyx Coalition").get().slug == "zyx-coalition"
    place = client_editor.post(
        "/api/places/",
        {"name": "Zyx airfield", "latitude": 35.28, "longitude": 40.18},
        format="json",
    )
    assert place.status_code == 201
    assert Place.objects.get(name="Zyx airfield").slug == "zyx-airfield"
    cited = client_editor.post(
        "/api/citations/",
        {"event": event.pk, "source": source.pk, "start": 0, "end": 19},
        format="json",
    )
    assert cited.status_code == 201, cited.content
    assert Citation.objects.get().quote == source.text[:19]
    noted = client_editor.post(
        "/api/annotations/",
        {"source": source.pk, "start": 0, "end": 9, "body": "Which aircraft?", "kind": "dispute"},
        format="json",
    )
    assert noted.status_code == 201, noted.content
    annotation = Annotation.objects.get()
    assert annotation.quote == source.text[:9]
    assert annotation.author == client_editor.user


def test_session_authentication_works_with_csrf(make_user):
    user = make_user("events.add_event")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    # Session-authenticated writes need the CSRF token, like any form on the site.
    assert client.post("/api/events/", NEW_EVENT, format="json").status_code == 403
    client.get("/api/events/")  # no token issued by the API itself; take it from the cookie jar
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/api/events/", NEW_EVENT, format="json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret)
    )
    assert response.status_code == 201, response.content


def test_unpublished_rows_are_hidden_from_readers_without_view_permission(client_anon, client_for):
    candidate = EventFactory(status="candidate")
    CitationFactory(event=candidate)
    AnnotationFactory(public=False)

    assert client_anon.get(f"/api/events/{candidate.pk}/").status_code == 404
    assert client_anon.get("/api/citations/").json()["results"] == []
    assert client_anon.get("/api/annotations/").json()["results"] == []
    editor = client_for("events.view_event", "sources.view_annotation")
    assert editor.get(f"/api/events/{candidate.pk}/").status_code == 200
    assert len(editor.get("/api/citations/").json()["results"]) == 1
    assert len(editor.get("/api/annotations/").json()["results"]) == 1


def test_a_signed_in_user_without_view_permission_sees_published_only(client_user):
    EventFactory(title="Published")
    EventFactory(title="Candidate", status="candidate")

    body = client_user.get("/api/events/", {"status": "candidate"}).json()
    assert body["results"] == []
