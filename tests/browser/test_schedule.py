"""A designer schedules a programme's sets and moves a meeting; a member sees their next meeting and takes its .ics."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.core import mail
from playwright.sync_api import expect

from actionset.meetings.models import Meeting
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import (
    TEST_PASSWORD,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")


def build_programme() -> tuple[Any, Any]:
    """A published programme of two sets: one whose people share Wednesday afternoons, one with no common slot."""
    organisation = OrganisationFactory.create(name="Northwind Health")
    designer = UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    facilitator = UserFactory.create(email="fac@provider.test", name="Femi Facilitator", staff_roles=["facilitator"])
    programme = ProgrammeFactory.create(
        organisation=organisation,
        title="Leading through change",
        status="running",
        designer=designer,
        number_of_meetings=4,
        cadence_weeks=4,
        start_date=dt.date.today() + dt.timedelta(days=14),
        location="Board room, Riverside House",
    )
    member_user = UserFactory.create(email="maya@northwind.test", name="Maya Singh")
    set_one = LearningSetFactory.create(programme=programme, name="Set 1", position=1)
    set_two = LearningSetFactory.create(programme=programme, name="Set 2", position=2)
    people = [
        (set_one, "Maya Singh", ["wed-pm", "thu-am"], member_user),
        (set_one, "Tom Reid", ["mon-am", "wed-pm"], None),
        (set_one, "Priya Shah", [], None),
        (set_two, "Asha Patel", ["mon-am"], None),
        (set_two, "Ben Okafor", ["fri-pm", "tue-am"], None),
        (set_two, "Cara Lewis", ["fri-pm"], None),
    ]
    for learning_set, name, availability, user in people:
        person = PersonFactory.create(
            organisation=organisation,
            name=name,
            user=user,
            email=user.email if user else f"{name.split()[0].lower()}@northwind.test",
        )
        enrolment = EnrolmentFactory.create(programme=programme, person=person, availability=availability)
        MembershipFactory.create(learning_set=learning_set, enrolment=enrolment)
    FacilitatorAssignmentFactory.create(learning_set=set_one, user=facilitator)
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    return programme, set_one


def test_a_designer_schedules_and_moves_a_meeting_and_a_member_takes_it_to_their_calendar(
    transactional_db: Any, new_page: Any, live_server: Any
) -> None:
    programme, set_one = build_programme()

    designer = new_page(locale="en-GB")
    sign_in(designer, "designer@provider.test", TEST_PASSWORD)
    designer.goto(f"/programmes/{programme.public_id}/schedule/")
    expect(designer.get_by_text("No slot suits everyone.")).to_be_visible()
    expect(designer.get_by_text(re.compile("Cannot attend: .*Asha Patel"))).to_be_visible()
    screenshot(designer, "schedule-plan")
    assert serious_accessibility_violations(designer) == []

    # The second set has no facilitator yet: scheduling it is a choice the designer confirms.
    expect(designer.get_by_text("1 set has no facilitator: its members would meet without one.")).to_be_visible()
    designer.get_by_label("Schedule them all the same").check()
    designer.get_by_role("button", name="Schedule all sets").click()
    expect(designer.get_by_text("Scheduled 2 sets.")).to_be_visible()
    assert Meeting.objects.filter(learning_set=set_one).count() == 4
    assert set_one.meetings.order_by("starts_at").first().starts_at.astimezone(LONDON).strftime("%a %H:%M") == (
        "Wed 13:30"
    )
    invitations = [m for m in mail.outbox if "maya@northwind.test" in m.to]
    assert len(invitations) == 1
    screenshot(designer, "schedule-done")
    assert serious_accessibility_violations(designer) == []

    designer.get_by_role("link", name="Move or cancel Set 1 meeting 1").click()
    first = set_one.meetings.order_by("starts_at").first()
    new_day = first.starts_at.astimezone(LONDON).date() + dt.timedelta(days=1)
    designer.get_by_label("Date").fill(new_day.isoformat())
    designer.get_by_label("Starts").fill("14:00")
    designer.get_by_label("Ends").fill("12:00")
    designer.get_by_label("Location").fill("Training room 2")
    designer.get_by_role("button", name="Move meeting and tell the set").click()
    expect(designer.get_by_text("The meeting must end after it starts.")).to_be_visible()
    assert designer.get_by_label("Location").input_value() == "Training room 2"
    screenshot(designer, "meeting-change-error")
    assert serious_accessibility_violations(designer) == []
    designer.get_by_label("Ends").fill("17:00")
    designer.get_by_role("button", name="Move meeting and tell the set").click()
    expect(designer.get_by_text("moved. Everyone in the set has been sent the new invitation.")).to_be_visible()
    first.refresh_from_db()
    assert first.sequence == 1
    assert first.starts_at.astimezone(LONDON).replace(tzinfo=None) == dt.datetime.combine(new_day, dt.time(14))

    designer.get_by_role("link", name="Move or cancel Set 2 meeting 4").click()
    designer.get_by_label("Reason (optional)").fill("The closing conference replaces it.")
    designer.get_by_role("button", name="Cancel meeting and tell the set").click()
    # A second step, which names the meeting and keeps the reason.
    expect(designer.get_by_test_id("cancel-confirm")).to_contain_text("The closing conference replaces it.")
    expect(designer.get_by_role("button", name="Yes, cancel the meeting")).to_be_focused()
    designer.keyboard.press("Enter")
    expect(designer.get_by_text("cancelled. Everyone in the set has been told.")).to_be_visible()
    expect(designer.get_by_text("Not available on Friday afternoon: Asha Patel.")).to_be_visible()
    screenshot(designer, "schedule-changed")

    phone = new_page(PHONE, locale="en-GB")
    sign_in(phone, "designer@provider.test", TEST_PASSWORD)
    phone.goto(f"/programmes/{programme.public_id}/schedule/")
    screenshot(phone, "schedule-phone")
    assert serious_accessibility_violations(phone) == []

    member = new_page(PHONE, locale="en-GB", accept_downloads=True)
    sign_in(member, "maya@northwind.test", TEST_PASSWORD)
    member.goto("/calendar/")
    next_meetings = member.locator(".next-meeting")
    expect(next_meetings.first.get_by_text("Set 1", exact=True)).to_be_visible()
    expect(next_meetings.first.get_by_text(f"{new_day:%A} {new_day.day} {new_day:%B %Y}, 14:00")).to_be_visible()
    screenshot(member, "calendar-phone")
    assert serious_accessibility_violations(member) == []
    with member.expect_download() as download_info:
        next_meetings.first.get_by_role("link", name=re.compile("Add to calendar")).click()
    download = download_info.value
    assert download.suggested_filename == "set-1-meeting-1.ics"
    with open(download.path(), "rb") as f:
        calendar = icalendar.Calendar.from_ical(f.read())
    (event,) = calendar.events
    assert event.uid == first.calendar_uid
    assert event["SEQUENCE"] == 1
    assert event.start == first.starts_at
    assert event["LOCATION"] == "Training room 2"

    member.get_by_role("button", name="Create my calendar address").click()
    feed_url = member.get_by_label("Your calendar address").input_value()
    assert "/calendar/" in feed_url
    screenshot(member, "calendar-address-phone")
    assert serious_accessibility_violations(member) == []

    desktop = new_page(locale="en-GB")
    sign_in(desktop, "maya@northwind.test", TEST_PASSWORD)
    desktop.goto("/calendar/")
    screenshot(desktop, "calendar-desktop")
