"""A reader's visit, in headless Chromium, to the timeline built from the demo article by
the real pipeline: browse, filter by actor and date, search a quote, open an event, follow
a citation to its passage, open an actor's page. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.worker]

AIRSTRIKE = re.compile(r"^Airstrike .*Deir ez-Zor airport")
WORD = re.compile(r"[A-Za-z]{7,}")


def _quote_only_word() -> str:
    """A word found in some published event's quotes but in no title or summary, so that
    finding it proves the search reads quotes."""
    from events.models import Citation, Event

    elsewhere = " ".join(
        f"{title} {summary}"
        for title, summary in Event.objects.filter(status="published").values_list(
            "title", "summary"
        )
    ).lower()
    quotes = Citation.objects.filter(event__status="published").values_list("quote", flat=True)
    for word in sorted({w for q in quotes for w in WORD.findall(q)}):
        if word.lower() not in elsewhere:
            return word
    raise AssertionError("every word of the quotes is also in a title or summary")


def test_the_timeline_shows_the_ingested_events(page, demo_site, screenshot):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Timeline"
    titles = page.locator(".event-title").all_inner_texts()
    assert any(AIRSTRIKE.match(t) for t in titles), titles
    assert page.get_by_text("≈ 10 Sep 2016").count() >= 1, "the approximate ceasefire date"
    assert page.locator("h2", has_text="Saturday 17 September 2016").count() == 1
    assert page.locator(".chart svg a").count() >= 2, "the overview chart has bars"
    screenshot("timeline-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("timeline-360")


def test_filtering_by_actor_and_date(page, demo_site):
    page.goto("/")
    page.get_by_label("Actor").select_option(label="US-led coalition")
    page.get_by_role("textbox", name="From (YYYY-MM-DD)").fill("2016-09-15")
    page.get_by_role("textbox", name="To (YYYY-MM-DD)").fill("2016-09-18")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url(re.compile(r"actor=us-led-coalition"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == ["2016-09-15"] and query["end"] == ["2016-09-18"]
    titles = page.locator(".event-title").all_inner_texts()
    assert titles and all("coalition" in t.lower() for t in titles), titles
    assert not any("Ceasefire" in t for t in titles)
    # The state is the URL: reloading it shows the same selection.
    page.reload()
    assert page.get_by_label("Actor").input_value() == "us-led-coalition"


def test_a_chart_bar_narrows_the_range(page, demo_site):
    page.goto("/")
    page.locator(".chart svg a").first.click()
    page.wait_for_url(re.compile(r"start=\d{4}-\d\d-\d\d&end=\d{4}-\d\d-\d\d"))
    assert page.locator(".event-title").count() >= 1


def test_searching_a_word_from_a_quote(page, demo_site):
    word = _quote_only_word()
    page.goto("/")
    page.get_by_label("Search titles, summaries and quotes").fill(word)
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url(re.compile(r"q="))
    hit = page.locator(".quote-hit mark").first
    assert hit.inner_text().lower() == word.lower()


def test_from_event_to_the_quoted_passage_and_an_actor(page, demo_site, screenshot):
    page.goto("/")
    page.get_by_role("link", name=AIRSTRIKE).click()
    assert AIRSTRIKE.match(page.locator("h1").inner_text())
    assert (
        page.get_by_role("link", name="map on OpenStreetMap")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/?mlat=35.28")
    )
    assert page.locator(".role", has_text="perpetrator").count() >= 1
    screenshot("event-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("event-360")
    page.set_viewport_size(DESKTOP)

    event_url = page.url
    quote = page.locator(".citations blockquote").first.inner_text().strip("“”")
    page.get_by_role("link", name="Read this passage in the source").first.click()
    page.wait_for_url(re.compile(r"/sources/\d+/#c\d+$"))
    # The quote's own <mark>, or the one it shares with an overlapping quote.
    target = page.locator("mark.cite:target, mark.cite:has(:target)")
    assert target.count() == 1, "the passage is the page's target"
    assert quote[:40] in target.inner_text()
    assert target.evaluate("m => getComputedStyle(m).outlineStyle") != "none", "highlighted"
    box = target.bounding_box()
    assert box and 0 <= box["y"] < DESKTOP["height"], "scrolled into view"
    assert page.locator("a.mention--actor").count() >= 1, "actors in the text are linked"

    page.goto(event_url)
    page.get_by_role("link", name="US-led coalition", exact=True).first.click()
    page.wait_for_url(re.compile(r"/actors/us-led-coalition/$"))
    assert page.locator("h1").inner_text() == "US-led coalition"
    assert page.get_by_text("Also called:").count() == 1
    assert any(AIRSTRIKE.match(t) for t in page.locator(".event-title").all_inner_texts())


def test_everything_works_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Type").select_option("airstrike")
        page.get_by_role("button", name="Show events").click()
        page.wait_for_url(re.compile(r"type=airstrike"))
        page.get_by_role("link", name=AIRSTRIKE).click()
        page.get_by_role("link", name="Read this passage in the source").first.click()
        page.wait_for_url(re.compile(r"/sources/\d+/#c\d+$"))
        assert page.locator("mark.cite").count() >= 1
    finally:
        context.close()
