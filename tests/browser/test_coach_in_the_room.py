"""The question coach in the room: a member sees the coach's label only on their own questions, the facilitator sees
every label, and the set's profile is counts by label — at desktop width and on a phone."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.meetings import live
from actionset.room import airtime
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.browser.test_set_content import build_world
from tests.factories import TEST_PASSWORD


def test_labels_are_private_to_the_asker_and_the_facilitator(new_page: Any, transactional_db: Any) -> None:
    learning_set, first, _ = build_world()
    members = {e.person.name: e for e in learning_set.active_members()}
    amara, ben = members["Amara Okafor"], members["Ben Shah"]
    airtime.bid_save(meeting=first, enrolment=ben, needs_time=True, minutes=40, urgency=2)
    notes = airtime.notes_for(first, ben)
    airtime.question_add(notes=notes, text="What would success look like for you?", asked_by=amara)
    airtime.question_add(notes=notes, text="Don't you think the director already knows?", asked_by=amara)
    airtime.question_add(notes=notes, text="Could you try asking finance first?", asked_by=members["Chloe Brown"])
    airtime.question_add(notes=notes, text="so what happened after that", asked_by=None)

    for width, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport)
        sign_in(page, "amara@riverford.test", TEST_PASSWORD)
        page.goto(f"/sets/meetings/{first.public_id}/work/")
        panel = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Ben Shah"))
        expect(panel.get_by_text("Could you try asking finance first?")).to_be_visible()
        expect(panel.locator(".coach-label")).to_have_count(2)
        expect(panel.locator('.coach-label[data-label="leading"]')).to_have_text("leading")
        expect(page.locator(".question-profile")).to_contain_text("4 questions noted")
        panel.scroll_into_view_if_needed()
        assert serious_accessibility_violations(page) == [], width
        screenshot(page, f"coach-room-member-{width}")

        page = new_page(viewport)
        sign_in(page, "fola@provider.test", TEST_PASSWORD)
        page.goto(f"/sets/meetings/{first.public_id}/work/")
        panel = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Ben Shah"))
        expect(panel.locator(".coach-label")).to_have_count(4)
        expect(panel.locator('.coach-label[data-label="advice"]')).to_have_text("may sound like advice")
        profile = page.locator(".question-profile")
        expect(profile).to_contain_text("1 leading")
        expect(profile).to_contain_text("Could you try asking finance first?")
        panel.scroll_into_view_if_needed()
        assert serious_accessibility_violations(page) == [], width
        screenshot(page, f"coach-room-facilitator-{width}")


def test_on_the_live_page_a_member_sees_their_own_labels_and_the_profile_waits_for_the_review(
    new_page: Any, transactional_db: Any
) -> None:
    learning_set, first, _ = build_world()
    members = {e.person.name: e for e in learning_set.active_members()}
    amara, ben = members["Amara Okafor"], members["Ben Shah"]
    facilitator = learning_set.facilitators.get().user
    airtime.bid_save(meeting=first, enrolment=ben, needs_time=True, minutes=40, urgency=2)
    run = live.live_start(actor=facilitator, meeting=first, early=True)
    while live.live_state(first).phase.kind != "airtime":  # type: ignore[union-attr]
        run = live.live_next(actor=facilitator, meeting=first, version=run.version)
    run = live.live_presenter(actor=facilitator, meeting=first, version=run.version, presenter=ben)
    notes = airtime.notes_for(first, ben)
    airtime.question_add(notes=notes, text="Wouldn't it be easier to say no, right?", asked_by=amara)
    airtime.question_add(notes=notes, text="I'm curious. What made you take it on", asked_by=members["Dev Patel"])

    for width, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport)
        sign_in(page, "amara@riverford.test", TEST_PASSWORD)
        page.goto(f"/meetings/{first.public_id}/live/")
        panel = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Ben Shah"))
        expect(panel.get_by_text("What made you take it on")).to_be_visible()
        expect(panel.locator(".coach-label")).to_have_count(1)
        expect(panel.locator(".coach-label")).to_have_text("leading")
        panel.scroll_into_view_if_needed()
        assert serious_accessibility_violations(page) == [], width
        screenshot(page, f"coach-live-member-{width}")
