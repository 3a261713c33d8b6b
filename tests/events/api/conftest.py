"""Clients and users for the API tests: anonymous, signed in without permissions, and
editors holding exactly the permissions a test names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def client_anon() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    """make_user("events.add_event", ...) -> a user holding those permissions only."""
    counter = iter(range(1000))

    def make(*perms: str):
        user = get_user_model().objects.create_user(
            username=f"user{next(counter)}", password="x-irrelevant-x"
        )
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def client_for(make_user) -> Callable[..., APIClient]:
    """client_for("events.view_event") -> a client authenticated by token as such a user."""

    def make(*perms: str) -> APIClient:
        user = make_user(*perms)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        client.user = user
        return client

    return make


@pytest.fixture
def client_user(client_for) -> APIClient:
    """Signed in, with no permissions at all."""
    return client_for()


@pytest.fixture
def client_editor(client_for) -> APIClient:
    """An editor who may see every status and write events, actors, places and citations."""
    perms = [
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
    return client_for(*perms)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def titles(response) -> list[str]:
    return [event["title"] for event in results(response)]
