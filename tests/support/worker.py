"""A real Celery worker in a child process, pointed at the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def test_database_url() -> str:
    """DATABASE_URL with its database swapped for the one the test run created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = connection.settings_dict["NAME"]
    return urlunsplit(parts._replace(path=f"/{name}"))


class WorkerProcess:
    def __init__(self, *, concurrency: int = 1) -> None:
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log_path = BASE_DIR / "var" / "test-worker.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = test_database_url()
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        return env

    def start(self, timeout: float = 60) -> None:
        from config.celery import app

        if self.running:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start; see {self.log_path}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(
            f"the Celery worker did not answer within {timeout}s; see {self.log_path}"
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.running:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the worker and all of its pool processes, as a crash would."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


class ConfiguredWorkerProcess(WorkerProcess):
    """A worker with extra environment variables, e.g. ingestion tests' allow-listed
    local server (SOURCES_FETCH_ALLOWED_HOSTS) or a stand-in extractor."""

    def __init__(self, *, concurrency: int = 1, extra_env: dict[str, str] | None = None) -> None:
        super().__init__(concurrency=concurrency)
        self.extra_env = extra_env or {}

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.extra_env}
