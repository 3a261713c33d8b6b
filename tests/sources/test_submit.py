"""submit_source / submit_file: what every entry point goes through."""

from __future__ import annotations

from unittest import mock

import pytest

from sources import services
from sources.models import Source
from sources.services import canonical_url, submit_file, submit_source

pytestmark = pytest.mark.django_db

SEED = b"date 2016-09-17 Strike near the airport\n\nAircraft struck positions on Saturday.\n"


def test_text_is_stored_queued_and_sent_after_commit(django_capture_on_commit_callbacks):
    with mock.patch("sources.tasks.process_source.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submission = submit_source(text="Aircraft struck positions.\n\nMore.")
        source = Source.objects.get()
        assert submission.outcome == "queued" and submission.source == source
        assert source.status == Source.Status.QUEUED
        assert source.text == "Aircraft struck positions.\n\nMore."
        assert source.content_hash
        send.assert_not_called()  # not before the commit
        for callback in callbacks:
            callback()
        send.assert_called_once_with((source.pk,), retry=False)


def test_seed_file_keeps_its_date_and_headline():
    (submission,) = submit_file(data=SEED, filename="demo/000.txt")
    source = submission.source
    assert source.published.isoformat() == "2016-09-17"
    assert source.title == "Strike near the airport"
    assert source.text.startswith("Strike near the airport\n\nAircraft")


def test_the_same_text_is_a_duplicate():
    first = submit_source(text="Aircraft struck positions.")
    again = submit_source(text="  Aircraft\u00a0struck positions.\r\n")
    assert again.duplicate and again.outcome == "duplicate"
    assert again.source.pk == first.source.pk
    assert Source.objects.count() == 1


def test_the_same_url_is_a_duplicate():
    first = submit_source(url="HTTPS://Example.org:443/story?id=5&utm_source=x#top")
    again = submit_source(url="https://example.org/story?id=5")
    assert first.source.url == "https://example.org/story?id=5"
    assert again.duplicate and again.source.pk == first.source.pk
    assert Source.objects.count() == 1


def test_a_race_on_insert_returns_the_winner():
    winner = submit_source(text="Same words.")
    with mock.patch.object(services, "_existing", return_value=winner.source) as lookup:
        again = submit_source(text="Same words.")
    lookup.assert_called_once()
    assert again.duplicate and again.source.pk == winner.source.pk
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 binary", "PDF"),
        ("Déjà vu".encode() + b"\xff", "not valid UTF-8"),
        (b"date 2016-02-31 Headline\n\nBody.", "2016-02-31 is not a real date"),
    ],
)
def test_bad_files_write_nothing(data, message):
    (submission,) = submit_file(data=data, filename="bad.txt")
    assert submission.outcome == "failed"
    assert message in submission.error
    assert Source.objects.count() == 0


def test_files_over_the_cap_are_refused(settings):
    settings.SOURCE_MAX_BYTES = 1000
    (submission,) = submit_file(data=b"x" * 1001, filename="big.txt")
    assert "at most" in submission.error
    assert Source.objects.count() == 0


def test_json_lines_become_several_sources_and_report_bad_lines():
    data = (
        b'{"url": "https://example.org/a", "title": "A", "published": "2016-09-17", '
        b'"text": "One."}\n'
        b'{"title": "B", "text": "Two."}\n'
        b'{"title": "C"}\n'
    )
    results = submit_file(data=data, filename="items.jsonl")
    assert [r.outcome for r in results] == ["queued", "queued", "failed"]
    assert results[2].label == "items.jsonl line 3"
    a = Source.objects.get(title="A")
    assert a.url == "https://example.org/a" and a.text == "One."


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://10.0.0.8/", "http://169.254.169.254/latest", "http://[::1]/"],
)
def test_literal_private_addresses_are_refused_at_once(settings, url):
    settings.SOURCES_FETCH_ALLOWED_HOSTS = []
    submission = submit_source(url=url)
    assert "Refused" in submission.error
    assert Source.objects.count() == 0


def test_other_schemes_are_refused():
    submission = submit_source(url="file:///etc/passwd")
    assert "Only http and https" in submission.error


def test_canonical_url_keeps_meaningful_parts():
    assert canonical_url("http://EXAMPLE.org") == "http://example.org/"
    assert (
        canonical_url("http://example.org:8080/a?b=1&fbclid=2") == "http://example.org:8080/a?b=1"
    )


def test_a_broker_outage_keeps_the_source_queued(caplog, monkeypatch):
    monkeypatch.setattr(services, "_broker_down_until", 0.0)  # restored afterwards
    with mock.patch(
        "sources.tasks.process_source.apply_async", side_effect=ConnectionError("no redis")
    ):
        submission = submit_source(text="Words while Redis is down.")
        services.enqueue(submission.source.pk)
    assert Source.objects.get().status == Source.Status.QUEUED
    assert "queued in the database only" in caplog.text
    # Further sends are skipped for a while instead of waiting on the broker each time.
    with mock.patch("sources.tasks.process_source.apply_async") as send:
        services.enqueue(submission.source.pk)
    send.assert_not_called()
