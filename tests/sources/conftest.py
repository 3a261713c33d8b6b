"""Fixtures for ingestion tests: a local HTTP server, and workers that may fetch from it."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.worker import ConfiguredWorkerProcess, WorkerProcess

LOCAL_HOSTS = "127.0.0.1"


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str = ""
    # False: no Content-Length, the body ends when the connection closes.
    send_length: bool = True


class LocalSite:
    """An http.server on 127.0.0.1 serving the pages a test puts into it."""

    def __init__(self) -> None:
        self.pages: dict[str, Page | Callable[[BaseHTTPRequestHandler], Page]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                page = site.pages.get(self.path)
                if callable(page):
                    page = page(self)
                if page is None:
                    page = Page(b"not here", status=404, content_type="text/plain")
                if page.delay:
                    time.sleep(page.delay)
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(page.status)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                if page.etag:
                    self.send_header("ETag", page.etag)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if page.send_length:
                    self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(page.body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    server = LocalSite()
    yield server
    server.close()


@pytest.fixture
def allow_local(settings):
    """Let fetching reach the local test server (and nothing else private)."""
    settings.SOURCES_FETCH_ALLOWED_HOSTS = [LOCAL_HOSTS]
    return settings


@pytest.fixture
def no_extraction(settings):
    """Pipeline tests that are about statuses, not what extraction writes."""
    settings.SOURCES_EXTRACTOR = "tests.sources.extractors.record_call"
    return settings


def default_extractor() -> str:
    """The project's extractor once the events app provides it; until then none, so the
    pipeline's own tests do not wait on another part of the project."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    try:
        import_string(settings.SOURCES_EXTRACTOR)
    except ImportError:
        return ""
    return settings.SOURCES_EXTRACTOR


# Module scope: the worker must be gone before other modules start workers of their own,
# or it would take their tasks.
@pytest.fixture(scope="module")
def _ingest_worker_process(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    worker = ConfiguredWorkerProcess(
        extra_env={
            "SOURCES_FETCH_ALLOWED_HOSTS": LOCAL_HOSTS,
            "SOURCES_EXTRACTOR": default_extractor(),
        }
    )
    yield worker
    worker.stop()


@pytest.fixture
def ingest_worker(
    _ingest_worker_process: WorkerProcess, _worker_process: WorkerProcess, transactional_db
) -> WorkerProcess:
    """A real worker that may fetch from the local test server. The shared worker is
    stopped first so that this one receives the tasks."""
    _worker_process.stop()
    _ingest_worker_process.start()
    return _ingest_worker_process


def wait_until(condition: Callable[[], bool], timeout: float = 60, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message or f"condition not met within {timeout}s")
