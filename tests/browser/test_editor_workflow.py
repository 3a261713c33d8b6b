"""An editor's day in the admin, in headless Chromium: add a source by pasted text, watch
it processed by the Celery worker, annotate a passage, approve one candidate event, merge
another into an existing event, and find the result on the public timeline.

The source goes through the real pipeline: the Celery worker fetches nothing (pasted
text), runs the real extraction, and leaves its events as candidates for review.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from accounts.roles import EDITOR, REVIEWER
from tests.support.gazetteer import reseed_gazetteer
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PASSWORD = "correct horse battery"
PASTED = (
    "Coalition aircraft struck Syrian army positions near Deir ez-Zor airport on Saturday. "
    "Russia called an emergency meeting of the UN Security Council over the strike."
)
PROCESSING_TIMEOUT = 90


def _select_in_passage(page, needle: str) -> None:
    """Select `needle` in the source text as a reader's drag would, then release."""
    found = page.evaluate(
        """(needle) => {
            const passage = document.getElementById("source-passage");
            const walker = document.createTreeWalker(passage, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(needle);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + needle.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                passage.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return true;
            }
            return false;
        }""",
        needle,
    )
    assert found, f"“{needle}” is not in the source text shown on its admin page"


def test_an_editor_adds_annotates_approves_merges_and_publishes(
    page, celery_worker: WorkerProcess
) -> None:
    from events.models import Event, Status
    from sources.models import Source
    from tests.factories import EventFactory, UserFactory

    reseed_gazetteer()
    UserFactory(username="ed", password=PASSWORD, groups=[EDITOR, REVIEWER])
    # A week later than the pasted report, so extraction does not merge into it by itself:
    # joining the two is the editor's call.
    existing = EventFactory(
        title="UN Security Council emergency session",
        type="meeting",
        status=Status.PUBLISHED,
        edtf="2016-09-25",
        earliest=date(2016, 9, 25),
        latest=date(2016, 9, 25),
    )

    # Log in.
    page.goto("/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert page.locator("#user-tools").is_visible()

    # Add a source by pasted text.
    page.goto("/admin/sources/source/add/")
    page.fill("textarea[name=text]", PASTED)
    page.fill("input[name=title]", "Strike near the airport")
    page.fill("input[name=published]", "2016-09-17")
    page.click("input[type=submit][value='Add source']")
    page.wait_for_url(re.compile(r"/admin/sources/source/\d+/change/"))
    source = Source.objects.get(title="Strike near the airport")

    # The worker processes it: reload until its page says done.
    deadline = time.monotonic() + PROCESSING_TIMEOUT
    while page.locator("#id_status").input_value() != "done":
        assert time.monotonic() < deadline, (
            f"the source was still {page.locator('#id_status').input_value()} after "
            f"{PROCESSING_TIMEOUT}s; see {celery_worker.log_path}"
        )
        time.sleep(1)
        page.reload()
    assert page.locator("#source-passage .cited").count() >= 2  # extracted quotes marked

    # Annotate a passage: select it, say why, save.
    _select_in_passage(page, "Deir ez-Zor airport")
    row = page.locator("#annotations-group tr.passage-selected")
    row.locator("select[name$='-kind']").select_option("context")
    row.locator("textarea[name$='-body']").fill("The airport had been besieged since 2014.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    note = source.annotations.get()
    assert note.quote == "Deir ez-Zor airport"
    assert source.text[note.start : note.end] == "Deir ez-Zor airport"
    assert note.kind == "context"
    assert page.locator("#source-passage .annotated").inner_text() == "Deir ez-Zor airport"

    # The review queue shows the two candidates with their quotes.
    page.goto("/admin/events/event/")
    strike = Event.objects.filter(citations__source=source, type="airstrike").distinct().get()
    meeting = Event.objects.filter(citations__source=source, type="meeting").distinct().get()
    results = page.locator("#result_list")
    assert "Coalition aircraft struck Syrian army positions" in results.inner_text()
    assert "Russia called an emergency meeting" in results.inner_text()

    # Approve the strike from its page.
    page.click(f"#result_list a[href$='/event/{strike.pk}/change/']")
    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist .success")

    # Merge the meeting into the existing event, from the queue.
    page.check(f"#result_list input[name=_selected_action][value='{meeting.pk}']")
    page.select_option("select[name=action]", "merge_selected")
    page.click("button[name=index]")
    page.fill("input[name=other]", str(existing.pk))  # a week apart: not suggested
    page.click("input[type=submit][value=Merge]")
    page.wait_for_selector(".messagelist .success")

    strike.refresh_from_db()
    meeting.refresh_from_db()
    assert strike.status == Status.PUBLISHED
    assert meeting.status == Status.REJECTED
    assert existing.citations.filter(source=source).exists()

    # The public timeline shows the published strike and the existing event, not the
    # merged candidate.
    page.goto("/")
    timeline = page.locator("main").inner_text()
    assert strike.title in timeline
    assert "UN Security Council emergency session" in timeline
    assert meeting.title not in timeline
