"""Headless Chromium against the live test server, and the demo article ingested through
the real pipeline (submit_source, the Celery worker, the extraction library)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.db import connections

from tests.support.gazetteer import reseed_gazetteer
from tests.support.worker import ConfiguredWorkerProcess, WorkerProcess

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# where a loop is running unless told this is safe (it is: each test is single-threaded).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = BASE_DIR / "artifacts" / "screenshots"
DEMO_ARTICLE = BASE_DIR / "demo" / "000_73eb78c82d909216.txt"
DEMO_TITLE = "US admits airstrike hit Syrian Army positions near Deir ez-Zor"
PROCESSING_TIMEOUT = 90
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


_playwright: dict = {}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium for the browser tests. Stopped as soon as the last of them ends (see
    pytest_runtest_teardown): while Playwright's loop is alive, Django treats the thread
    as async, and the tests after ours must not run that way."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    _playwright["playwright"] = playwright
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    _playwright["browser"] = browser
    yield browser
    _stop_browser()


def _stop_browser() -> None:
    browser = _playwright.pop("browser", None)
    playwright = _playwright.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()
        connections.close_all()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem) -> None:
    here = Path(__file__).parent
    if nextitem is None or Path(nextitem.path).parent != here:
        _stop_browser()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    # While Playwright's loop runs, the test's ORM calls get a connection of their own
    # (Django keys connections by async context); close it, or the test database cannot
    # be dropped at the end of the run.
    connections.close_all()


@pytest.fixture(autouse=True)
def _count_chart_afresh(monkeypatch) -> None:
    # The live server shares this process: each test must see its own rows in the chart.
    from events import pages

    monkeypatch.setattr(pages, "CHART_CACHE_SECONDS", 0)


@pytest.fixture
def screenshot(page):
    """Save a full-page PNG of the current page under artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="module")
def _reader_worker_process(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    # Everything extracted is published, so the reader's pages show what the pipeline made.
    worker = ConfiguredWorkerProcess(
        extra_env={
            "SOURCES_EXTRACTOR": "events.services.record_extraction",
            "EVENTS_AUTO_PUBLISH_CONFIDENCE": "0",
        }
    )
    yield worker
    worker.stop()


@pytest.fixture
def reader_worker(
    _reader_worker_process: WorkerProcess, _worker_process: WorkerProcess, transactional_db
) -> WorkerProcess:
    """A real Celery worker that publishes what it extracts; the shared worker is stopped
    first so that this one receives the task."""
    _worker_process.stop()
    _reader_worker_process.start()
    return _reader_worker_process


@pytest.fixture
def demo_site(reader_worker, live_server):
    """The live server with the demo article ingested: submitted as pasted text, processed
    by the worker, its events published. Returns the Source."""
    from sources.models import Source
    from sources.services import submit_source

    reseed_gazetteer()
    submission = submit_source(
        text=DEMO_ARTICLE.read_text(encoding="utf-8"),
        title=DEMO_TITLE,
        published=date(2016, 9, 17),
    )
    assert not submission.error, submission.error
    deadline = time.monotonic() + PROCESSING_TIMEOUT
    source = submission.source
    while time.monotonic() < deadline:
        source.refresh_from_db()
        if source.status in (Source.Status.DONE, Source.Status.FAILED):
            break
        time.sleep(0.25)
    assert source.status == Source.Status.DONE, (
        f"the demo article was not processed: status {source.status}, {source.error}"
    )
    return source
