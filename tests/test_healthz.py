"""/healthz reports the database, Redis and the Celery workers."""

from __future__ import annotations

import pytest


@pytest.mark.worker
def test_it_is_ok_when_everything_is_up(client, celery_worker):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["celery"]["count"] >= 1


@pytest.mark.django_db
def test_it_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["celery"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_is_503_when_no_worker_answers(client, _worker_process):
    _worker_process.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"]["error"] == "no Celery worker answered"
