"""process_source as the worker runs it, here called in-process."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sources import services
from sources.fetching import TransientFetchError
from sources.models import Source, content_hash
from sources.services import process_source, requeue_stuck_sources, submit_source
from tests.sources import extractors
from tests.sources.conftest import Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_extraction")]

ARTICLE = b"""<!doctype html><html><head><title>Strike | Wire</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2016-09-18"></head><body>
<script>alert("SCRIPT")</script><article><h1>Strike near the airport</h1>
<p>Coalition aircraft struck army positions near the airport on Saturday, the ministry said.</p>
<p>The strike lasted an hour; the ceasefire agreed a week earlier was at risk.</p>
</article></body></html>"""


@pytest.fixture(autouse=True)
def _reset_calls():
    extractors.CALLS.clear()


def test_a_text_source_ends_done_and_is_extracted_once():
    source = submit_source(text="Aircraft struck positions.").source
    assert process_source(source.pk) == "done"
    source.refresh_from_db()
    assert source.status == Source.Status.DONE and source.attempts == 1 and not source.error
    assert [source.pk] == extractors.CALLS


def test_a_done_source_is_left_alone():
    source = submit_source(text="Aircraft struck positions.").source
    process_source(source.pk)
    assert process_source(source.pk) == "skipped"
    assert [source.pk] == extractors.CALLS
    assert Source.objects.get().attempts == 1


def test_a_source_being_worked_on_is_not_taken_twice():
    source = submit_source(text="Aircraft struck positions.").source
    Source.objects.filter(pk=source.pk).update(status=Source.Status.FETCHING, attempts=1)
    assert process_source(source.pk) == "skipped"
    assert extractors.CALLS == []


def test_a_missing_source_is_ignored():
    assert process_source(987654) == "skipped"


def test_a_url_source_is_fetched_and_described(site, allow_local):
    site.pages["/story"] = Page(ARTICLE)
    source = submit_source(url=site.url("/story")).source
    assert process_source(source.pk) == "done"
    source.refresh_from_db()
    assert "Coalition aircraft struck army positions" in source.text
    assert "SCRIPT" not in source.text and "alert" not in source.text
    assert source.author == "Jane Doe" and source.publisher == "Example Wire"
    assert source.published.isoformat() == "2016-09-18"
    assert source.content_hash


def test_a_404_fails_with_the_reason(site, allow_local):
    source = submit_source(url=site.url("/gone")).source
    assert process_source(source.pk) == "failed"
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED
    assert "answered 404" in source.error


def test_an_unsupported_content_type_fails_with_the_reason(site, allow_local):
    site.pages["/photo"] = Page(b"\x89PNG", content_type="image/png")
    source = submit_source(url=site.url("/photo")).source
    process_source(source.pk)
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED and "image/png" in source.error


def test_a_host_name_on_a_private_address_fails(site, settings):
    settings.SOURCES_FETCH_ALLOWED_HOSTS = []
    source = submit_source(url=site.url("/x").replace("127.0.0.1", "localhost")).source
    process_source(source.pk)
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED and "loopback" in source.error


def test_a_redirect_to_the_metadata_address_fails(site, allow_local):
    site.pages["/r"] = Page(
        status=302, content_type="", headers={"Location": "http://169.254.169.254/latest"}
    )
    source = submit_source(url=site.url("/r")).source
    process_source(source.pk)
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED and "169.254.169.254" in source.error


def test_a_page_full_of_scripts_fails_with_the_reason(site, allow_local):
    site.pages["/js"] = Page(b"<html><body>" + b"<script>x()</script>" * 30 + b"</body></html>")
    source = submit_source(url=site.url("/js")).source
    process_source(source.pk)
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED and "No article text" in source.error
    assert source.text == ""


def test_a_timeout_is_retried_then_fails(site, allow_local):
    source = submit_source(url=site.url("/slow")).source
    timeout = TransientFetchError("http://x did not answer in time (timed out).")
    with mock.patch("sources.fetching.fetch", side_effect=timeout):
        with pytest.raises(TransientFetchError):
            process_source(source.pk, final_attempt=False)
        source.refresh_from_db()
        assert source.status == Source.Status.QUEUED and "Trying again" in source.error
        assert process_source(source.pk, final_attempt=True) == "failed"
    source.refresh_from_db()
    assert source.status == Source.Status.FAILED
    assert "timed out" in source.error and source.attempts == 2


def test_a_fetched_page_with_known_text_is_a_duplicate(site, allow_local):
    site.pages["/story"] = Page(ARTICLE)
    site.pages["/copy"] = Page(ARTICLE)
    first = submit_source(url=site.url("/story")).source
    process_source(first.pk)
    copy = submit_source(url=site.url("/copy")).source
    process_source(copy.pk)
    copy.refresh_from_db()
    assert copy.status == Source.Status.FAILED
    assert f"already stored as source {first.pk}" in copy.error
    assert copy.content_hash is None


def test_an_extractor_error_fails_the_source_and_writes_nothing(settings):
    settings.SOURCES_EXTRACTOR = "tests.sources.extractors.fail"
    source = submit_source(text="Aircraft struck positions.").source
    assert process_source(source.pk) == "failed"
    source.refresh_from_db()
    assert "the extractor broke" in source.error


def test_a_missing_extractor_is_named(settings):
    settings.SOURCES_EXTRACTOR = "nowhere.to.be.found"
    source = submit_source(text="Aircraft struck positions.").source
    process_source(source.pk)
    source.refresh_from_db()
    assert "SOURCES_EXTRACTOR=nowhere.to.be.found" in source.error


def test_stuck_sources_are_queued_again(django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(hours=2)
    stuck = submit_source(text="Stuck one.").source
    fresh = submit_source(text="Fresh one.").source
    crashed = submit_source(text="Crashed often.").source
    Source.objects.filter(pk=stuck.pk).update(status="extracting", status_changed=old)
    Source.objects.filter(pk=crashed.pk).update(
        status="fetching", status_changed=old, attempts=services.MAX_ATTEMPTS
    )
    with (
        mock.patch("sources.services.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert requeue_stuck_sources() == 1
    enqueue.assert_called_once_with(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == "queued" and stuck.status_changed > old
    assert Source.objects.get(pk=fresh.pk).status == "queued"
    crashed.refresh_from_db()
    assert crashed.status == "failed" and "Gave up" in crashed.error
    # A stuck source can be claimed; its old claim can no longer finish.
    assert process_source(stuck.pk) == "done"


def test_a_superseded_worker_cannot_finish():
    source = submit_source(text="Two workers.").source
    token = services._claim(source.pk).attempts
    Source.objects.filter(pk=source.pk).update(attempts=token + 1)  # someone took over
    assert services._extract_once(source.pk, token, None) == "skipped"
    assert Source.objects.get().status == "extracting"


def test_text_edited_since_submission_is_normalised_before_extraction():
    source = submit_source(text="Plain words.").source
    Source.objects.filter(pk=source.pk).update(text="Plain  words.\r\n\r\n\r\nMore.")
    assert process_source(source.pk) == "done"
    source.refresh_from_db()
    assert source.text == "Plain words.\n\nMore."
    assert source.content_hash == content_hash(source.text)


RACES = {"calls": 0}


def collide_once(source) -> None:
    """Stand-in extractor that loses a race the first time, as concurrent sources do."""
    RACES["calls"] += 1
    if RACES["calls"] == 1:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$"
            )


def test_extraction_losing_a_race_is_run_again(settings):
    RACES["calls"] = 0
    settings.SOURCES_EXTRACTOR = "tests.sources.test_processing.collide_once"
    source = submit_source(text="Two sources about one event.").source
    assert process_source(source.pk) == "done"
    assert RACES["calls"] == 2
