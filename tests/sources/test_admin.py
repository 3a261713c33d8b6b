"""The admin's "add source": URL, pasted text or uploaded file, through submit_source."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sources.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/sources/source/add/"


@pytest.fixture
def admin(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    return client


def test_the_form_offers_url_text_and_file(admin):
    response = admin.get(ADD)
    assert response.status_code == 200
    for name in ('name="url"', 'name="text"', 'name="file"', 'enctype="multipart/form-data"'):
        assert name in response.content.decode()


def test_pasted_text_becomes_a_queued_source(admin):
    response = admin.post(ADD, {"text": "Aircraft struck.", "kind": "statement", "title": "T"})
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/sources/source/{source.pk}/change/"
    assert source.kind == "statement" and source.title == "T" and source.status == "queued"
    page = admin.get(response["Location"])
    assert "was queued for processing" in page.content.decode()


def test_a_url_becomes_a_queued_source(admin):
    admin.post(ADD, {"url": "https://example.org/a", "kind": "article"})
    assert Source.objects.get().url == "https://example.org/a"


def test_an_uploaded_file_becomes_a_source(admin):
    upload = SimpleUploadedFile("a.txt", b"date 2016-09-17 Head\n\nBody text.")
    admin.post(ADD, {"file": upload, "kind": "article"})
    source = Source.objects.get()
    assert source.title == "Head" and source.published.isoformat() == "2016-09-17"


def test_a_50_mb_upload_is_refused_with_a_form_error(admin):
    upload = SimpleUploadedFile("huge.txt", b"a" * (50 * 1024 * 1024))
    response = admin.post(ADD, {"file": upload, "kind": "article"})
    assert response.status_code == 200
    assert "This is 50.0 MB; a source may be at most 10.0 MB." in response.content.decode()
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x00\x01binary\x00\x02" * 20, "binary file"),
        ("Déjà".encode() + b"\xff\xfe", "not valid UTF-8"),
        (b"date 2016-02-31 Head\n\nBody", "2016-02-31 is not a real date"),
    ],
)
def test_bad_files_show_why_and_write_nothing(admin, content, message):
    upload = SimpleUploadedFile("bad.txt", content)
    response = admin.post(ADD, {"file": upload, "kind": "article"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Source.objects.count() == 0


def test_a_private_address_is_refused(admin):
    response = admin.post(ADD, {"url": "http://10.0.0.1/", "kind": "article"})
    assert "private address" in response.content.decode()
    assert Source.objects.count() == 0


def test_exactly_one_input_is_asked_for(admin):
    response = admin.post(ADD, {"kind": "article"})
    assert "Give exactly one of" in response.content.decode()


def test_a_duplicate_points_at_the_existing_source(admin):
    existing = SourceFactory(text="Aircraft struck.")
    response = admin.post(ADD, {"text": "Aircraft struck.", "kind": "article"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/sources/source/{existing.pk}/change/"
    assert "not added twice" in response.content.decode()
    assert Source.objects.count() == 1


def test_status_is_shown_in_the_list(admin):
    SourceFactory(status="failed", title="Broken one")
    page = admin.get("/admin/sources/source/").content.decode()
    assert "Broken one" in page and "failed" in page


def test_actions_queue_sources_again(admin):
    done = SourceFactory(status="done", url="https://example.org/x")
    response = admin.post(
        "/admin/sources/source/",
        {"action": "refetch", "_selected_action": [done.pk]},
        follow=True,
    )
    assert "1 sources queued to be fetched again" in response.content.decode()
    done.refresh_from_db()
    assert done.status == "queued" and done.text == "" and done.content_hash is None


def test_a_viewer_cannot_queue_sources_again(client: Client):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("reader", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    done = SourceFactory(status="done", url="https://example.org/y")

    page = client.get("/admin/sources/source/").content.decode()
    client.post("/admin/sources/source/", {"action": "refetch", "_selected_action": [done.pk]})

    assert 'value="refetch"' not in page and 'value="reextract"' not in page
    done.refresh_from_db()
    assert done.status == "done" and done.text
