"""Fixtures nearly every test needs. Feature-specific ones live beside their tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.worker import WorkerProcess


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    from config.celery import app

    app.control.purge()
    worker = WorkerProcess()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_process: WorkerProcess, transactional_db) -> WorkerProcess:
    """A real Celery worker process consuming from the test Redis, writing to the test
    database. Tests using it see committed data only, hence transactional_db."""
    _worker_process.start()
    return _worker_process
