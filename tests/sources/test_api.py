"""POST /api/sources/ (editors) and GET to follow a source's status (anyone)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sources.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/sources/"


@pytest.fixture
def editor() -> Client:
    user = User.objects.create_user("ed", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_source"))
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_adds_text_and_gets_202_with_where_to_poll(editor):
    response = editor.post(
        URL, {"text": "date 2016-09-17 Strike\n\nAircraft struck."}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    source = Source.objects.get()
    body = response.json()
    assert body["status"] == "queued" and body["id"] == source.pk and not body["duplicate"]
    assert body["url"].endswith(f"/api/sources/{source.pk}/")
    assert response["Location"] == body["url"]
    assert source.added_by.username == "ed"
    poll = Client().get(body["url"])
    assert poll.status_code == 200 and poll.json()["status"] == "queued"
    assert poll.json()["text"] == "Strike\n\nAircraft struck."


def test_an_editor_adds_a_url(editor):
    response = editor.post(
        URL, {"canonical_url": "https://example.org/story"}, content_type="application/json"
    )
    assert response.status_code == 202
    assert Source.objects.get().url == "https://example.org/story"


def test_an_editor_uploads_a_file(editor):
    upload = SimpleUploadedFile("a.txt", b"Some text from a file.", content_type="text/plain")
    response = editor.post(URL, {"file": upload, "kind": "report"})
    assert response.status_code == 202, response.content
    assert Source.objects.get().kind == "report"


def test_a_duplicate_answers_200_with_the_existing_source(editor):
    existing = SourceFactory(text="Aircraft struck.")
    response = editor.post(URL, {"text": "Aircraft  struck."}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["duplicate"] is True and response.json()["id"] == existing.pk
    assert Source.objects.count() == 1


def test_anonymous_users_cannot_add(client):
    response = client.post(URL, {"text": "x"}, content_type="application/json")
    assert response.status_code in {401, 403}
    assert Source.objects.count() == 0


def test_users_without_the_permission_cannot_add():
    client = Client()
    client.force_login(User.objects.create_user("reader", password="pw"))
    response = client.post(URL, {"text": "x"}, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": "date 2016-02-31 Headline\n\nBody"}, "not a real date"),
        ({"text": "   "}, "empty"),
        ({"canonical_url": "http://169.254.169.254/latest"}, "Refused"),
        ({}, "exactly one"),
        ({"text": "a", "canonical_url": "https://example.org/"}, "exactly one"),
    ],
)
def test_bad_input_is_a_400_naming_the_problem(editor, payload, message):
    response = editor.post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00" * 10, "binary"),
        ("Déjà".encode() + b"\xff", "UTF-8"),
    ],
)
def test_bad_files_are_a_400(editor, content, message):
    upload = SimpleUploadedFile("bad.txt", content, content_type="text/plain")
    response = editor.post(URL, {"file": upload})
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert Source.objects.count() == 0


def test_a_50_mb_upload_is_refused(editor):
    upload = SimpleUploadedFile("huge.txt", b"a" * (50 * 1024 * 1024), content_type="text/plain")
    response = editor.post(URL, {"file": upload})
    assert response.status_code == 413
    assert "a source may be at most 10.0 MB" in response.json()["detail"]
    assert Source.objects.count() == 0


def test_a_50_mb_json_body_is_refused(editor):
    body = json.dumps({"text": "a" * (50 * 1024 * 1024)})
    response = editor.post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert "50.0 MB" in response.json()["detail"]
    assert Source.objects.count() == 0


def test_a_file_just_over_the_cap_is_a_400(editor, settings):
    settings.SOURCE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"a" * 1001, content_type="text/plain")
    response = editor.post(URL, {"file": upload})
    assert response.status_code == 400
    assert "at most 1000 bytes" in json.dumps(response.json())


def test_anyone_can_list_and_filter_by_status():
    SourceFactory(status="done")
    SourceFactory(status="failed", error="answered 404")
    response = Client().get(URL, {"status": "failed"})
    assert response.status_code == 200
    results = response.json()["results"] if "results" in response.json() else response.json()
    assert [r["error"] for r in results] == ["answered 404"]
