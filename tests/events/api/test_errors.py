"""Errors are JSON and name what was wrong: a 400 for a bad parameter, never a 500."""

from __future__ import annotations

import base64

import pytest

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
URL = "/api/events/"


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"start": "17/09/2016"}, "start"),
        ({"start": "2016-13-01"}, "start"),
        ({"end": "2016-02-30"}, "end"),
        ({"end": "yesterday"}, "end"),
        ({"type": "massacre"}, "type"),
        ({"status": "secret"}, "status"),
        ({"disputed": "maybe"}, "disputed"),
        ({"source": "abc"}, "source"),
        ({"source": "1.5"}, "source"),
        ({"place": "a b"}, "place"),
        # A "%" in the value once crashed django-filter's message formatting (found by
        # schemathesis).
        ({"place": "50%"}, "place"),
        ({"start": "%s%d"}, "start"),
        ({"disputed": "100%"}, "disputed"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"ordering": "title"}, "ordering"),
        ({"ordering": "-rank"}, "ordering"),
        ({"role": "target"}, "role"),
        ({"include": "everything"}, "include"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": _cursor("p=2016-99-99")}, "cursor"),
        ({"cursor": _cursor("p=x&o=1")}, "cursor"),
        ({"cursor": _cursor("p=0.5"), "q": "x", "ordering": "earliest"}, "cursor"),
        ({"cursor": _cursor("p=abc"), "q": "strike"}, "cursor"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(client_anon, params, name):
    EventFactory()

    response = client_anon.get(URL, params)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert name in body, body
    assert body[name] and all(isinstance(message, str) for message in body[name])


def test_a_good_cursor_from_a_search_still_works(client_anon):
    for n in range(3):
        EventFactory(title=f"Strike {n}")
    from django.contrib.postgres.search import SearchVector

    from events.models import Event

    Event.objects.update(search=SearchVector("title", config="english"))
    first = client_anon.get(URL, {"q": "strike", "page_size": 2}).json()
    second = client_anon.get(first["next"]).json()

    assert len(first["results"]) == 2 and len(second["results"]) == 1


def test_unknown_events_are_json_404s(client_anon):
    response = client_anon.get(f"{URL}999999/")

    assert response.status_code == 404
    assert (
        response.json() == {"detail": "No Event matches the given query."}
        or "detail" in response.json()
    )


def test_an_unknown_export_format_is_a_json_404(client_anon):
    response = client_anon.get("/api/events/export.xlsx")
    assert response.status_code == 404


def test_writes_with_a_bad_edtf_date_name_the_field(client_editor):
    response = client_editor.post(URL, {"title": "x", "edtf": "last week"}, format="json")

    assert response.status_code == 400
    assert "edtf" in response.json()


def test_writes_with_an_unknown_actor_name_the_field(client_editor):
    response = client_editor.post(
        URL,
        {"title": "x", "edtf": "2016", "actors": [{"actor": "nobody", "role": "target"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "actors" in response.json()


def test_a_quote_that_is_not_the_source_text_is_refused(client_editor):
    from tests.factories import SourceFactory

    source = SourceFactory()
    event = EventFactory()
    response = client_editor.post(
        "/api/citations/",
        {"event": event.pk, "source": source.pk, "start": 0, "end": 5, "quote": "Other"},
        format="json",
    )

    assert response.status_code == 400
    assert "quote" in response.json()
