"""The facilitator's guard rails in a browser: an early start is confirmed, a start is undone, the keyboard
runs the meeting, the room display follows it, and last meeting's process review is read at this check-in.

A facilitator at 1280 px and a member on a phone (390 px), with the room display on a third screen."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionset.meetings.models import Meeting, MeetingRun
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.browser.test_live_meeting import FOLLOW_MS, build_world, phase_title
from tests.factories import TEST_PASSWORD, MeetingFactory

#: Its members follow the facilitator within FOLLOW_MS: a claim about a machine serving the meeting, so `make test` runs
#: it after the others, one at a time (as test_live_every_panel.py).
pytestmark = pytest.mark.alone


def _two_meetings() -> tuple[Meeting, Meeting]:
    """Meeting 1 four weeks ago, held; meeting 2, a week from now, is the one run here."""
    upcoming, _ = build_world()
    Meeting.objects.filter(pk=upcoming.pk).update(number=2)
    upcoming.refresh_from_db()
    past = MeetingFactory.create(
        learning_set=upcoming.learning_set,
        number=1,
        starts_at=timezone.now() - dt.timedelta(weeks=4),
        status=Meeting.Status.HELD,
    )
    return past, upcoming


def _open(new_page: Any, email: str, path: str, viewport: dict[str, int] | None = None) -> Any:
    page = new_page(viewport)
    sign_in(page, email, TEST_PASSWORD)
    page.goto(path)
    return page


def test_early_start_undo_shortcuts_display_and_last_review_at_check_in(new_page: Any, transactional_db: Any) -> None:
    past, meeting = _two_meetings()

    # At meeting 1, Amara wrote her process review on her phone.
    amara = _open(new_page, "amara@riverford.test", f"/sets/meetings/{past.public_id}/work/", PHONE)
    review = amara.locator("#panel-review")
    review.get_by_text("8", exact=True).click()
    review.get_by_label("What helped?").fill("Nobody rushed to advise")
    review.get_by_label("What will we do differently?").fill("Keep the progress round short")
    review.get_by_role("button", name="Save my review").click()
    expect(amara.get_by_text("your process review is saved")).to_be_visible()

    live = f"/meetings/{meeting.public_id}/live/"
    facilitator = _open(new_page, "fola@provider.test", live)
    amara.goto(live)
    expect(phase_title(amara)).to_have_text("Waiting to start")

    # Start: a second step that says how early it is; going back starts nothing.
    facilitator.get_by_role("button", name="Start the meeting").click()
    confirm = facilitator.get_by_test_id("live-confirm")
    expect(confirm).to_contain_text(re.compile(r"This meeting is scheduled for \w{3} \d+ \w{3}, \d+ days away\."))
    screenshot(facilitator, "live-facilitator-start-early-confirm")
    confirm.get_by_role("link", name="Go back").click()
    expect(facilitator.get_by_role("button", name="Start the meeting")).to_be_visible()
    assert not MeetingRun.objects.filter(meeting=meeting).exists()
    facilitator.get_by_role("button", name="Start the meeting").click()
    expect(facilitator.get_by_role("button", name="Start early")).to_be_focused()
    facilitator.keyboard.press("Enter")
    expect(phase_title(facilitator)).to_have_text("Check-in")
    expect(phase_title(amara)).to_have_text("Check-in", timeout=FOLLOW_MS)

    # Last meeting's review, unsigned, at this check-in: on the member's phone and the facilitator's screen.
    for page in (amara, facilitator):
        look_back = page.get_by_test_id("review-look-back")
        expect(look_back).to_contain_text("How we worked at meeting 1")
        expect(look_back).to_contain_text("Nobody rushed to advise")
        expect(look_back).to_contain_text("Keep the progress round short")
    screenshot(amara, "live-member-checkin-review-phone")

    # Undo: confirmed, the meeting is scheduled again and the member's screen goes back to waiting.
    facilitator.get_by_role("button", name="Undo the start").click()
    expect(facilitator.get_by_test_id("live-confirm")).to_contain_text("does not count as held")
    facilitator.get_by_test_id("live-confirm").get_by_role("button", name="Undo the start").click()
    expect(facilitator.get_by_test_id("live-notice")).to_contain_text("The start is undone")
    expect(phase_title(facilitator)).to_have_text("Waiting to start")
    expect(phase_title(amara)).to_have_text("Waiting to start", timeout=FOLLOW_MS)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert not MeetingRun.objects.filter(meeting=meeting).exists()

    # Started again, the meeting is run from the keyboard; typing in a field is left alone.
    facilitator.get_by_role("button", name="Start the meeting").click()
    facilitator.get_by_role("button", name="Start early").click()
    expect(phase_title(facilitator)).to_have_text("Check-in")
    expect(facilitator.get_by_test_id("meeting-clock")).to_have_text(re.compile(r"^(2 h 5\d|3 h 00) left$"))
    notes = facilitator.get_by_role("textbox", name="My private notes")
    notes.press_sequentially("nn+p")
    expect(notes).to_have_value("nn+p")
    expect(phase_title(facilitator)).to_have_text("Check-in")
    facilitator.locator("body").click(position={"x": 5, "y": 5})
    facilitator.keyboard.press("?")
    expect(facilitator.locator("#live-shortcuts dl")).to_be_visible()
    facilitator.keyboard.press("n")
    expect(phase_title(facilitator)).to_have_text("Progress round")
    expect(phase_title(amara)).to_have_text("Progress round", timeout=FOLLOW_MS)
    facilitator.keyboard.press("p")
    expect(amara.locator(".live-step")).to_contain_text("Paused", timeout=FOLLOW_MS)
    # P again means "resume" once the facilitator's own page shows the pause: a member's page may show it first.
    expect(facilitator.get_by_role("button", name="Resume")).to_be_visible()
    facilitator.keyboard.press("p")
    expect(facilitator.get_by_role("button", name="Pause")).to_be_visible()
    facilitator.keyboard.press("+")
    expect(amara.locator("[data-timer-label]")).to_have_text("left of 25:00", timeout=FOLLOW_MS)
    screenshot(facilitator, "live-facilitator-guard-desktop")
    assert serious_accessibility_violations(facilitator) == []

    # The room display, opened from the facilitator's page, follows the meeting like every other screen.
    with facilitator.context.expect_page() as opened:
        facilitator.get_by_role("link", name="Open the room display").click()
    display = opened.value
    display.set_viewport_size({"width": 1280, "height": 720})
    expect(phase_title(display)).to_have_text("Progress round")
    facilitator.keyboard.press("n")
    expect(phase_title(display)).to_have_text("Bids for airtime", timeout=FOLLOW_MS)
    expect(display.get_by_role("button")).to_have_count(0)
    screenshot(display, "live-room-display-desktop")
    assert serious_accessibility_violations(display) == []

    phone_display = _open(new_page, "amara@riverford.test", f"/meetings/{meeting.public_id}/live/display/", PHONE)
    expect(phase_title(phone_display)).to_have_text("Bids for airtime")
    screenshot(phone_display, "live-room-display-phone")

    facilitator_phone = _open(new_page, "fola@provider.test", live, PHONE)
    expect(facilitator_phone.get_by_test_id("meeting-clock")).to_be_visible()
    screenshot(facilitator_phone, "live-facilitator-guard-phone")
    assert serious_accessibility_violations(facilitator_phone) == []
