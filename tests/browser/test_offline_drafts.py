"""Text typed in a set's meeting survives a dropped connection: it is kept until the server has it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.room.models import ProcessReview
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_live_meeting import build_world
from tests.factories import TEST_PASSWORD

WORDS = "Slower questions helped; nobody rushed to advise."


def review_typed(new_page: Any) -> Any:
    """Amara's phone, on the meeting's work page, with a rating chosen and words typed in her review."""
    meeting, _ = build_world()
    page = new_page(PHONE)
    sign_in(page, "amara@riverford.test", TEST_PASSWORD)
    page.goto(f"/sets/meetings/{meeting.public_id}/work/")
    review = page.locator("#panel-review")
    review.get_by_text("7", exact=True).click()
    review.get_by_label("What helped?").fill(WORDS)
    return page


def test_a_review_typed_offline_is_kept_and_saved_when_the_connection_returns(
    new_page: Any, transactional_db: Any
) -> None:
    page = review_typed(new_page)
    review = page.locator("#panel-review")

    page.context.set_offline(True)
    # The save fails in the browser, never reaching the server: wait for that failure, not for a guessed time.
    with page.expect_event("requestfailed"):
        review.get_by_role("button", name="Save my review").click()
    assert not ProcessReview.objects.exists()
    expect(page.get_by_test_id("offline-banner")).to_contain_text("1 change waiting")
    page.context.set_offline(False)

    # Back online, the queued review is sent by itself, and the banner goes.
    expect(page.locator("#panel-review").get_by_role("button", name="Update my review")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    assert ProcessReview.objects.get().helped == WORDS
    # Once saved, the draft and the queue are forgotten: the field shows what the server holds.
    page.reload()
    expect(page.locator("#panel-review").get_by_label("What helped?")).to_have_value(WORDS)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('actionset-draft:'))") == []


def test_a_draft_typed_but_not_sent_comes_back_after_a_reload(new_page: Any, transactional_db: Any) -> None:
    page = review_typed(new_page)
    review = page.locator("#panel-review")
    page.reload()
    # The words and the rating chosen are both back, and nothing was sent.
    review = page.locator("#panel-review")
    expect(review.get_by_label("What helped?")).to_have_value(WORDS)
    expect(review.get_by_label("7")).to_be_checked()
    assert not ProcessReview.objects.exists()
