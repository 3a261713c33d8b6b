"""An article full of markup is shown as text on every page: nothing in it runs."""

from __future__ import annotations

import pytest

from tests.factories import (
    ActorFactory,
    AnnotationFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    index_for_search,
)

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned = 'script'; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">"
LINK = "<a href=\"javascript:window.__pwned = 'link'; alert('link')\">read more</a>"
SVG = "<svg onload=\"window.__pwned = 'svg'\"></svg>"
HOSTILE = f"Breaking airstrike {SCRIPT} near the bridge {IMG} says {LINK} and {SVG} end."

# What would show that something ran, or could run on a click or a hover.
EVIDENCE = """() => ({
    pwned: window.__pwned ?? null,
    scripts: document.querySelectorAll("script").length,
    images: document.querySelectorAll("img").length,
    handlers: [...document.querySelectorAll("*")].flatMap(
        el => [...el.attributes].filter(a => a.name.startsWith("on")).map(a => a.name)),
    scriptLinks: [...document.querySelectorAll("[href], [src], [action]")].filter(el =>
        /^\\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src")
            || el.getAttribute("action") || "")).length,
})"""


@pytest.fixture
def hostile(transactional_db):
    source = SourceFactory(
        title=f"Report {SCRIPT}",
        publisher=f"Wire {IMG}",
        url="javascript:alert('url')",
        text=HOSTILE,
    )
    actor = ActorFactory(name=f"Brigade {IMG}", slug="hostile-brigade", aliases=["bridge"])
    place = PlaceFactory(name=f"Town {SCRIPT}", slug="hostile-town")
    event = EventFactory(
        title=f"Breaking airstrike {SCRIPT}",
        slug="hostile-event",
        summary=f"Summary {IMG} {LINK}",
        place=place,
    )
    EventActorFactory(event=event, actor=actor)
    start = HOSTILE.index("<img")
    CitationFactory(event=event, source=source, start=start, end=start + len(IMG))
    AnnotationFactory(source=source, start=0, end=8, body=f"Note {LINK} {SCRIPT}")
    index_for_search(event)
    return source


def test_an_article_full_of_markup_is_inert_on_every_page(page, hostile):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [
        "/",
        "/?q=breaking",
        "/?q=breaking&sort=time",
        "/events/hostile-event/",
        f"/sources/{hostile.pk}/",
        "/sources/",
        "/actors/",
        "/actors/hostile-brigade/",
        "/places/",
        "/places/hostile-town/",
    ]
    for url in urls:
        page.goto(url)
        found = page.evaluate(EVIDENCE)
        assert found == {
            "pwned": None,
            "scripts": 0,
            "images": 0,
            "handlers": [],
            "scriptLinks": 0,
        }, f"{url}: markup from the article became live: {found}"
        shown = page.locator("main").inner_text()
        assert "<script>" in shown or "<img" in shown, f"{url}: the markup is not shown as text"

    # The markup reads as text, and clicking its link text goes nowhere.
    page.goto(f"/sources/{hostile.pk}/")
    text = page.locator(".source-text").inner_text()
    assert SCRIPT in text and IMG in text and LINK in text
    page.get_by_text("read more", exact=False).first.click()
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/sources/{hostile.pk}/")
    assert page.evaluate("window.__pwned ?? null") is None
    assert dialogs == [], f"dialogs opened: {dialogs}"
