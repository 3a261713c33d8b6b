"""Feeds: polled at their interval, conditionally, new items submitted by URL."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sources import services, tasks
from sources.models import Feed, Source
from tests.sources.conftest import Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local")]


def rss(site, *paths: str) -> bytes:
    items = "".join(
        f"<item><title>Item {path}</title><link>{site.url(path)}</link>"
        "<pubDate>Sat, 17 Sep 2016 18:00:00 GMT</pubDate></item>"
        for path in paths
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example feed</title>'
        f"{items}</channel></rss>"
    ).encode()


def test_new_items_become_sources_and_304_is_handled(site):
    site.pages["/feed.xml"] = Page(
        rss(site, "/a", "/b"), content_type="application/rss+xml", etag='"v1"'
    )
    feed = Feed.objects.create(url=site.url("/feed.xml"))
    result = services.poll_feed(feed.pk)
    assert (result.new, result.duplicates, result.error) == (2, 0, "")
    assert set(Source.objects.values_list("url", flat=True)) == {site.url("/a"), site.url("/b")}
    a = Source.objects.get(url=site.url("/a"))
    assert a.title == "Item /a" and a.published.isoformat() == "2016-09-17"
    feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.title == "Example feed" and feed.last_polled

    again = services.poll_feed(feed.pk, force=True)
    assert again.not_modified
    assert site.requests[-1][1]["If-None-Match"] == '"v1"'
    assert Source.objects.count() == 2


def test_items_already_stored_are_duplicates(site):
    site.pages["/feed.xml"] = Page(rss(site, "/a"), content_type="application/rss+xml")
    feed = Feed.objects.create(url=site.url("/feed.xml"))
    services.poll_feed(feed.pk)
    site.pages["/feed.xml"] = Page(rss(site, "/a", "/c"), content_type="application/rss+xml")
    result = services.poll_feed(feed.pk, force=True)
    assert (result.new, result.duplicates) == (1, 1)
    assert Source.objects.count() == 2


def test_feeds_are_polled_only_when_due():
    now = timezone.now()
    due = Feed.objects.create(url="https://example.org/due.xml")
    recent = Feed.objects.create(url="https://example.org/recent.xml", last_polled=now)
    old = Feed.objects.create(
        url="https://example.org/old.xml", last_polled=now - timedelta(hours=1)
    )
    Feed.objects.create(url="https://example.org/off.xml", active=False)
    assert sorted(services.due_feeds()) == sorted([due.pk, old.pk])
    assert services.poll_feed(recent.pk) is None
    with mock.patch("sources.tasks.poll_feed.delay") as delay:
        assert tasks.poll_feeds() == 2
    assert delay.call_count == 2


def test_a_broken_feed_records_its_error(site):
    feed = Feed.objects.create(url=site.url("/missing.xml"))
    result = services.poll_feed(feed.pk)
    assert "answered 404" in result.error
    feed.refresh_from_db()
    assert "answered 404" in feed.last_error and feed.last_polled


def test_a_page_that_is_not_a_feed_is_an_error(site):
    site.pages["/notfeed"] = Page(b"just words", content_type="text/plain")
    feed = Feed.objects.create(url=site.url("/notfeed"))
    assert "not a readable RSS/Atom feed" in services.poll_feed(feed.pk).error
