"""The launcher behind `make run` / `make test`: servers it starts, errors it reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from config import stack

BASE_DIR = Path(__file__).resolve().parent.parent


def test_an_unreachable_database_is_reported_in_one_line():
    with pytest.raises(stack.StackError, match="cannot connect to DATABASE_URL"):
        stack.check_database("postgres://nobody@127.0.0.1:9/none")


def test_a_database_url_of_another_kind_is_refused():
    with pytest.raises(stack.StackError, match="must start with postgres://"):
        stack.check_database("mysql://root@127.0.0.1/x")


def test_an_unreachable_redis_is_reported_in_one_line():
    with pytest.raises(stack.StackError, match="cannot connect to REDIS_URL"):
        stack.check_redis("redis://127.0.0.1:9/0")


def test_the_test_command_stops_with_one_line_on_a_bad_database_url():
    result = subprocess.run(
        [sys.executable, "-m", "config.stack", "test", "--co"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "REDIS_URL": "redis://127.0.0.1:9/0",
        },
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: cannot connect to DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_embedded_redis_keeps_its_data_under_var_and_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "VAR", tmp_path / "var")
    monkeypatch.setattr(stack, "BASE_DIR", tmp_path)
    with stack.embedded_redis() as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.set("kept", "yes")
    assert (tmp_path / "var" / "redis").is_dir()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
