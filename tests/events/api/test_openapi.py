"""The OpenAPI schema builds, the docs work offline, and the live API keeps the schema's
promises: schemathesis sends generated requests through the WSGI app, in-process, against
the test database, and checks no response is a 5xx and every response matches the schema."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    AnnotationFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db

# The resources this suite owns; /api/sources/ is tested with the ingestion pipeline.
OWN_PATHS = r"^/api/(events|actors|places|citations|annotations)/"
app = get_wsgi_application()
# Reads: every parameter, including the coverage phase's boundary and invalid values.
read_schema = schemathesis.openapi.from_wsgi("/api/schema/", app).include(
    path_regex=OWN_PATHS, method="GET"
)
# Writes, by an editor: generated bodies (examples and fuzzing; the coverage phase's
# exhaustive body variants would take minutes for little more).
write_schema = schemathesis.openapi.from_wsgi("/api/schema/", app).include(path_regex=OWN_PATHS)
write_schema.config.phases.update(phases=["examples", "fuzzing"])
# What the contract promises: never a server error, and every status, content type, header
# and body as documented. (Whether a schema-valid body is accepted depends on rows existing,
# e.g. a citation's source id, which a schema cannot say; so that check is not run.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Enough examples to reach every parameter and status, few enough to finish in a minute.
FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django closes the database connection when a request finishes; the test client
    # suspends that so the test's transaction survives, and so must this raw WSGI use.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def timeline(db) -> None:
    """A few events with everything an event can carry, so list pages are not empty."""
    for day in (9, 12, 17):
        event = EventFactory(
            earliest=date(2016, 9, day),
            latest=date(2016, 9, day),
            place=PlaceFactory(),
            fatalities_low=1,
            fatalities_high=3,
        )
        EventActorFactory(event=event)
        citation = CitationFactory(event=event)
        AnnotationFactory(source=citation.source)
    EventFactory(status="candidate")


def test_the_schema_builds_and_describes_every_resource(client_anon):
    response = client_anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/events/",
        "/api/events/export/",
        "/api/actors/",
        "/api/places/",
        "/api/citations/",
        "/api/annotations/",
    ):
        assert path in document["paths"], path
    names = {p["name"] for p in document["paths"]["/api/events/"]["get"]["parameters"]}
    assert {
        "start",
        "end",
        "type",
        "actor",
        "place",
        "source",
        "publisher",
        "disputed",
        "status",
        "q",
        "ordering",
        "cursor",
        "include",
    } <= names


def test_the_docs_page_is_served_without_the_internet(client_anon):
    response = client_anon.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    # Swagger UI comes from the sidecar package's static files, not a CDN.
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert "drf_spectacular_sidecar" in page or "/static/" in page


@read_schema.parametrize()
@FUZZ
def test_anonymous_requests_keep_the_schema(case, timeline):
    case.call_and_validate(checks=[*CHECKS, negative_data_rejection, ignored_auth])


@write_schema.parametrize()
@settings(FUZZ, max_examples=5)
def test_editor_requests_keep_the_schema(case, timeline, make_user):
    user = make_user(
        *[
            f"{app}.{verb}_{model}"
            for app, model in [
                ("events", "event"),
                ("events", "actor"),
                ("events", "place"),
                ("events", "citation"),
                ("sources", "annotation"),
            ]
            for verb in ("view", "add", "change", "delete")
        ]
    )
    token, _ = Token.objects.get_or_create(user=user)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
