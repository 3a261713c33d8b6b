"""Settings come from the environment and refuse bad values with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import database_from_url, env_bool, env_int

BASE_DIR = Path(__file__).resolve().parent.parent
LEAVE_OUT = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
GOOD_SECRET = "x" * 20 + "-a-long-random-production-secret-0123456789"


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=full_env, capture_output=True, text=True
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_SECRET,
        DEBUG="true",
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_check_deploy_is_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_SECRET,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_malformed_database_url_is_one_clear_line():
    result = _manage(
        "check", DATABASE_URL="mysql://nope", DJANGO_SETTINGS_MODULE="config.settings.dev"
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "DATABASE_URL" in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = _manage(
        "migrate",
        "--check",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Cannot reach the database" in result.stderr


def test_env_bool_names_the_variable_it_refuses(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_env_int_names_the_variable_it_refuses(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_database_url_is_parsed_with_socket_host_in_query():
    db = database_from_url("DATABASE_URL", "postgresql://postgres:@/timeline?host=/tmp/pg")
    assert (db["NAME"], db["HOST"], db["USER"]) == ("timeline", "/tmp/pg", "postgres")


def test_database_url_without_a_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_from_url("DATABASE_URL", "postgres://user@host:5432/")


def test_there_are_no_missing_migrations():
    result = _manage(
        "makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="config.settings.test"
    )
    assert result.returncode == 0, result.stdout + result.stderr
