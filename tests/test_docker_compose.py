"""docker-compose.yml cannot be run here (no Docker engine), so it is checked by reading it:
every service the README promises exists, and what each runs exists in the project."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_it_has_the_five_services():
    assert set(_compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_app_services_use_existing_settings_module():
    for name in ("web", "worker", "beat"):
        service = _compose()["services"][name]
        module = service["environment"]["DJANGO_SETTINGS_MODULE"]
        assert (BASE_DIR / (module.replace(".", "/") + ".py")).exists(), name
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= set(service["environment"])


def test_web_runs_gunicorn_on_the_wsgi_application():
    command = " ".join(_command(_compose()["services"]["web"]))
    target = next(word for word in shlex.split(command) if word.endswith(":application"))
    module = importlib.import_module(target.split(":")[0])
    assert hasattr(module, "application")
    assert "gunicorn" in command


def test_worker_and_beat_run_the_project_celery_app():
    from config.celery import app

    for name, role in (("worker", "worker"), ("beat", "beat")):
        command = _command(_compose()["services"][name])
        assert command[:3] == ["celery", "-A", "config"]
        assert role in command
    assert app.main == "timeline"


def test_the_image_is_built_from_the_project_dockerfile():
    assert (BASE_DIR / "Dockerfile").exists()
    for name in ("web", "worker", "beat"):
        assert _compose()["services"][name]["build"] == "."
