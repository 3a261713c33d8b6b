"""End to end with a real Celery worker: a file, a text, a web page and a feed each end
as a done Source."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sources import tasks
from sources.models import Feed, Source
from sources.services import submit_file, submit_source
from tests.sources.conftest import Page, wait_until
from tests.sources.test_feeds import rss
from tests.sources.test_processing import ARTICLE

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("allow_local")]

FINISHED = {"done", "failed"}


def finished(*source_ids: int) -> bool:
    statuses = Source.objects.filter(pk__in=source_ids).values_list("status", flat=True)
    return len(statuses) == len(source_ids) and set(statuses) <= FINISHED


def assert_done(source_id: int) -> Source:
    wait_until(lambda: finished(source_id), message=f"source {source_id} never finished")
    source = Source.objects.get(pk=source_id)
    assert source.status == "done", source.error
    return source


def test_a_file_ends_done(ingest_worker):
    (submission,) = submit_file(
        data=b"date 2016-09-17 Strike\n\nAircraft struck positions.", filename="a.txt"
    )
    source = assert_done(submission.source.pk)
    assert source.attempts == 1 and source.text == "Strike\n\nAircraft struck positions."


def test_a_text_ends_done(ingest_worker):
    submission = submit_source(text="Aircraft struck positions near the airport.")
    assert_done(submission.source.pk)


def test_a_web_page_ends_done(ingest_worker, site):
    site.pages["/story.html"] = Page(ARTICLE)
    submission = submit_source(url=site.url("/story.html"))
    source = assert_done(submission.source.pk)
    assert "Coalition aircraft struck army positions" in source.text
    assert source.publisher == "Example Wire" and "SCRIPT" not in source.text


def test_a_404_ends_failed_with_its_reason(ingest_worker, site):
    submission = submit_source(url=site.url("/nothing-here"))
    wait_until(lambda: finished(submission.source.pk))
    source = Source.objects.get(pk=submission.source.pk)
    assert source.status == "failed" and "answered 404" in source.error


def test_a_feed_item_ends_done(ingest_worker, site):
    site.pages["/story.html"] = Page(ARTICLE)
    site.pages["/feed.xml"] = Page(rss(site, "/story.html"), content_type="application/rss+xml")
    feed = Feed.objects.create(url=site.url("/feed.xml"))
    tasks.poll_feeds.delay()
    wait_until(lambda: Source.objects.filter(url=site.url("/story.html")).exists())
    source = assert_done(Source.objects.get(url=site.url("/story.html")).pk)
    assert source.title == "Item /story.html"
    feed.refresh_from_db()
    assert feed.last_polled and not feed.last_error


def test_ingest_wait_reports_the_final_status(ingest_worker, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("date 2016-09-17 Strike\n\nAircraft struck positions.")
    (tmp_path / "b.txt").write_text("Second article text.")
    (tmp_path / "c.txt").write_text("")
    call_command("ingest", "--wait", "--timeout", "60", str(tmp_path), verbosity=0)
    out, err = capsys.readouterr()
    assert "3 sources: 2 done, 0 duplicate, 1 failed" in out
    assert "c.txt: The file is empty" in err
    assert set(Source.objects.values_list("status", flat=True)) == {"done"}
