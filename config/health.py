"""/healthz: the state of the database, Redis and the Celery workers, as JSON."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKER_PING_TIMEOUT = 1.0


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": str(exc).strip().splitlines()[0][:200]}


def _redis() -> dict:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _workers() -> dict:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT) or []
    except Exception as exc:
        return {"ok": False, "count": 0, "error": str(exc)[:200]}
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return {"ok": False, "count": 0, "error": "no Celery worker answered"}
    return {"ok": True, "count": len(names), "workers": names}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    checks["celery"] = (
        _workers() if checks["redis"]["ok"] else {"ok": False, "error": "Redis is down"}
    )
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
