"""A facilitator runs a whole UK/Revans meeting and a WIAL meeting while two members follow on their own
devices; every phase change reaches the members within two seconds, and notes typed offline are not lost."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from actionset.meetings.methods import phases_for
from actionset.meetings.models import FacilitatorNote, Meeting
from actionset.organisations.models import Organisation
from actionset.room.models import Action
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import (
    TEST_PASSWORD,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

#: Members must see a change within this many milliseconds.
FOLLOW_MS = 2000


def build_meeting(org: Organisation, method: str, facilitator: Any, members: list[tuple[str, str]]) -> Meeting:
    programme = ProgrammeFactory.create(
        organisation=org, title=f"Leading through change ({method})", method=method, status="running"
    )
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    learning_set = LearningSetFactory.create(programme=programme, name=f"Riverside set ({method})")
    for name, email in members:
        user = UserFactory.create(email=email, name=name) if email else None
        person = PersonFactory.create(organisation=org, name=name, user=user, **({"email": email} if email else {}))
        MembershipFactory.create(
            learning_set=learning_set, enrolment=EnrolmentFactory.create(programme=programme, person=person)
        )
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=facilitator)
    return MeetingFactory.create(learning_set=learning_set, location="Riverside room 2")


def build_world() -> tuple[Meeting, Meeting]:
    org = Organisation.objects.create(name="Riverford Council")
    facilitator = UserFactory.create(email="fola@provider.test", name="Fola Facilitator", staff_roles=["facilitator"])
    uk = build_meeting(
        org,
        "uk",
        facilitator,
        [
            ("Amara Okafor", "amara@riverford.test"),
            ("Ben Shah", "ben@riverford.test"),
            ("Chloe Brown", ""),
            ("Dev Patel", ""),
        ],
    )
    wial = build_meeting(
        org,
        "wial",
        facilitator,
        [("Ella Green", "ella@riverford.test"), ("Femi Adeyemi", "femi@riverford.test"), ("Grace Hall", "")],
    )
    return uk, wial


def phase_title(page: Any) -> Any:
    return page.get_by_test_id("phase-title")


def step(facilitator: Any, members: list[Any], title: str, button: str | re.Pattern[str]) -> None:
    """The facilitator presses `button`; their page and then every member's shows `title`."""
    facilitator.locator("#live-state").get_by_role("button", name=button).click()
    expect(phase_title(facilitator)).to_have_text(title)
    for member in members:
        expect(phase_title(member)).to_have_text(title, timeout=FOLLOW_MS)


def start_meeting(facilitator: Any, members: list[Any], title: str) -> None:
    """Start, and confirm in the second step: these meetings are a week away, so it is an early start."""
    facilitator.locator("#live-state").get_by_role("button", name="Start the meeting").click()
    confirm = facilitator.get_by_role("button", name=re.compile("^Start (early|now)$"))
    expect(confirm).to_be_focused()
    confirm.click()
    expect(phase_title(facilitator)).to_have_text(title)
    for member in members:
        expect(phase_title(member)).to_have_text(title, timeout=FOLLOW_MS)


def hand_over(facilitator: Any, members: list[Any], name: str) -> None:
    facilitator.get_by_label("Presenter", exact=True).select_option(label=name)
    facilitator.get_by_role("button", name=re.compile("Hand over airtime|Set presenter")).click()
    expect(facilitator.get_by_test_id("presenter")).to_contain_text(name)
    for member in members:
        expect(member.get_by_test_id("presenter")).to_contain_text(name, timeout=FOLLOW_MS)


def end_meeting(facilitator: Any, members: list[Any]) -> None:
    facilitator.get_by_role("button", name="End the meeting", exact=True).click()
    facilitator.get_by_role("button", name="End the meeting now").click()
    expect(phase_title(facilitator)).to_have_text("Meeting ended")
    for member in members:
        expect(phase_title(member)).to_have_text("Meeting ended", timeout=FOLLOW_MS)


def open_live(new_page: Any, email: str, meeting: Meeting, viewport: dict[str, int] | None = None) -> Any:
    page = new_page(viewport)
    sign_in(page, email, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.public_id}/live/")
    return page


def test_a_facilitator_runs_a_uk_meeting_and_the_members_follow(new_page: Any, transactional_db: Any) -> None:
    meeting, _ = build_world()
    facilitator = open_live(new_page, "fola@provider.test", meeting)
    amara = open_live(new_page, "amara@riverford.test", meeting)
    ben = open_live(new_page, "ben@riverford.test", meeting, PHONE)
    members = [amara, ben]
    for member in members:
        expect(phase_title(member)).to_have_text("Waiting to start")

    start_meeting(facilitator, members, "Check-in")
    # Attendance, recorded as people arrive.
    facilitator.get_by_role("group", name="Chloe Brown").get_by_label("Sent apologies").check()
    for name in ("Amara Okafor", "Ben Shah", "Dev Patel"):
        facilitator.get_by_role("group", name=name).get_by_label("Present").check()
    facilitator.get_by_role("button", name="Save attendance").click()
    expect(facilitator.locator("#live-attendance")).to_contain_text("Saved")

    titles = [p.title for p in phases_for("uk")]
    for title in titles[1:4]:
        step(facilitator, members, title, f"Next: {title} →")
    # Screen readers hear each change once, from a region that stays on the page.
    expect(amara.locator("#live-announce")).to_have_text(titles[3])
    hand_over(facilitator, members, "Amara Okafor")
    expect(amara.get_by_test_id("presenter")).to_contain_text("You")
    expect(amara.locator("#live-announce")).to_have_text(f"{titles[3]}. Presenter: Amara Okafor")

    # The clock: pause holds it for everyone, +5 min lengthens the turn.
    facilitator.get_by_role("button", name="Pause").click()
    for member in members:
        expect(member.locator(".live-step")).to_contain_text("Paused", timeout=FOLLOW_MS)
    facilitator.get_by_role("button", name="Resume").click()
    # Wait for the controls to carry the new version: a command sent with the old one is (rightly) refused.
    expect(facilitator.get_by_role("button", name="Pause")).to_be_visible()
    facilitator.get_by_role("button", name="+5 min").click()
    for member in members:
        expect(member.locator("[data-timer-label]")).to_have_text("left of 45:00", timeout=FOLLOW_MS)

    screenshot(facilitator, "live-facilitator-desktop")
    screenshot(amara, "live-member-desktop")
    screenshot(ben, "live-member-phone")
    assert serious_accessibility_violations(facilitator) == []
    assert serious_accessibility_violations(ben) == []

    # During her airtime Amara commits to an action, from her own device.
    airtime = amara.locator(".setwork-panel", has=amara.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_label("Action for Amara Okafor").fill("Ask the night team what gets in their way")
    airtime.get_by_label("By when").fill((timezone.localdate() + dt.timedelta(days=21)).isoformat())
    airtime.get_by_role("button", name="Add action").click()
    amara.get_by_text("Action added for Amara Okafor.").wait_for()

    hand_over(facilitator, members, "Ben Shah")
    for title in titles[4:]:
        step(facilitator, members, title, f"Next: {title} →")
    end_meeting(facilitator, members)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.presenter_turns.count() == 2

    # The next meeting: the action comes back in Amara's progress round, and she reports on it.
    second = MeetingFactory.create(
        learning_set=meeting.learning_set, number=2, starts_at=meeting.starts_at + dt.timedelta(weeks=4)
    )
    for page in (facilitator, amara):
        page.goto(f"/meetings/{second.public_id}/live/")
    start_meeting(facilitator, [amara], titles[0])
    step(facilitator, [amara], titles[1], f"Next: {titles[1]} →")
    progress = amara.locator("#panel-progress")
    progress.get_by_text("Ask the night team what gets in their way", exact=True).wait_for()
    progress.get_by_label("Done", exact=True).check()
    progress.get_by_label("What did you learn?").fill("They had been asked before, but nobody came back to them.")
    progress.get_by_role("button", name="Report").click()
    amara.get_by_text("Reported: done.").wait_for()
    screenshot(amara, "live-member-progress-round")
    action = Action.objects.get(text="Ask the night team what gets in their way")
    assert (action.meeting, action.status) == (meeting, "done")


def test_a_wial_meeting_keeps_its_closing_reflection(new_page: Any, transactional_db: Any) -> None:
    _, meeting = build_world()
    facilitator = open_live(new_page, "fola@provider.test", meeting)
    ella = open_live(new_page, "ella@riverford.test", meeting, PHONE)
    femi = open_live(new_page, "femi@riverford.test", meeting)
    members = [ella, femi]
    titles = [p.title for p in phases_for("wial")]

    start_meeting(facilitator, members, titles[0])
    # Past the progress round to the presentation, where Femi presents.
    for title in titles[1:3]:
        step(facilitator, members, title, f"Next: {title} →")
    hand_over(facilitator, members, "Femi Adeyemi")
    for title in titles[3:-1]:
        step(facilitator, members, title, f"Next: {title} →")
        # Until the reflection, the meeting cannot end: the method never drops it.
        expect(facilitator.get_by_role("button", name="End the meeting")).to_have_count(0)
    expect(facilitator.locator(".live-end")).to_contain_text("this method never drops it")
    expect(femi.get_by_test_id("presenter")).to_contain_text("Femi Adeyemi")
    step(facilitator, members, titles[-1], f"Next: {titles[-1]} →")
    screenshot(facilitator, "live-facilitator-wial-reflection")
    end_meeting(facilitator, members)


def test_notes_typed_while_offline_are_saved_when_the_connection_returns(new_page: Any, transactional_db: Any) -> None:
    meeting, _ = build_world()
    page = new_page()
    sign_in(page, "fola@provider.test", TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.public_id}/live/")
    notes = page.get_by_role("textbox", name="My private notes")
    notes.fill("Amara quieter than usual.")
    expect(page.get_by_test_id("note-saved")).to_be_visible()

    page.context.set_offline(True)
    notes.press("Control+End")
    notes.press_sequentially(" Ben came back to the budget question twice.")
    expect(page.get_by_test_id("note-offline")).to_be_visible()
    # Even a reload while offline-then-online keeps the draft: it is on the device until the server has it.
    page.context.set_offline(False)
    expect(page.get_by_test_id("note-saved")).to_be_visible(timeout=10_000)
    full = "Amara quieter than usual. Ben came back to the budget question twice."
    assert FacilitatorNote.objects.get(meeting=meeting).text == full

    page.reload()
    expect(page.get_by_role("textbox", name="My private notes")).to_have_value(full)
    screenshot(page, "live-facilitator-notes")

    # A second device saves in between: the first is told, sees both texts, and keeps both.
    phone = new_page(PHONE)
    sign_in(phone, "fola@provider.test", TEST_PASSWORD)
    phone.goto(f"/meetings/{meeting.public_id}/live/")
    phone_notes = phone.get_by_role("textbox", name="My private notes")
    phone_notes.fill(full + " Chloe: follow up by email.")
    expect(phone.get_by_test_id("note-saved")).to_be_visible()
    notes.press("Control+End")
    notes.press_sequentially(" Process review ran short.")
    conflict = page.get_by_test_id("note-conflict")
    expect(conflict).to_contain_text("changed on another device")
    expect(page.get_by_label("Saved from the other device")).to_have_value(full + " Chloe: follow up by email.")
    screenshot(page, "live-facilitator-notes-conflict")
    conflict.get_by_role("button", name="Keep both").click()
    expect(page.get_by_test_id("note-saved")).to_be_visible()
    saved = FacilitatorNote.objects.get(meeting=meeting).text
    assert saved.startswith(full + " Process review ran short.")
    assert saved.endswith("Chloe: follow up by email.")

    phone.reload()
    start_meeting(phone, [], "Check-in")
    screenshot(phone, "live-facilitator-phone")
    assert serious_accessibility_violations(phone) == []
