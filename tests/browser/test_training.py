"""A member of the public books from the catalogue (and joins a waitlist); the trainer sees the cohort's candidates."""

from __future__ import annotations

from typing import Any

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import expect

from actionset.accounts.models import User
from actionset.core.demo import DEMO_PASSWORD
from actionset.organisations.models import StaffRole
from actionset.training import demo
from actionset.training.models import Booking, Cohort
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


@pytest.fixture
def catalogue(transactional_db: Any, settings: Any, tmp_path: Any) -> None:
    """The training demo: four courses, a running foundation cohort, a full taster with a waitlist."""
    settings.MEDIA_ROOT = tmp_path
    # A test fills the public booking form faster than any person could (actionset.core.bots).
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    trainer = User.objects.create_user("trainer@provider.example", DEMO_PASSWORD, name="Helen Okoro")
    StaffRole.objects.create(user=trainer, role="trainer")
    User.objects.create_user("participant@northwind.example", DEMO_PASSWORD, name="Sam Carter")
    User.objects.create_user("facilitator@provider.example", DEMO_PASSWORD, name="Rachel Finch")
    demo.seed()
    mail.outbox.clear()


def test_booking_a_place_from_the_public_catalogue(new_page: Any, catalogue: None) -> None:
    page = new_page()
    page.goto("/training/")
    expect(page.get_by_role("heading", name="Facilitator training", level=1)).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-catalogue-desktop")

    page.get_by_role("link", name="Dates, outcomes and booking for Action learning taster").click()
    page.wait_for_url("**/training/courses/taster-workshop/")
    expect(page.get_by_text("Full · waitlist open")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-course-desktop")

    page.get_by_label("Online taster").check()
    page.get_by_label("Your name").fill("Morgan Hale")
    page.get_by_label("Email address").fill("morgan.hale@example.org")
    page.get_by_label("Organisation (optional)").fill("Pennine College")
    page.get_by_label("I agree to be contacted").check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url("**/training/booking/**")
    expect(page.get_by_role("heading", name="Your place is booked")).to_be_visible()
    screenshot(page, "training-booked-desktop")

    booking = Booking.objects.get(email="morgan.hale@example.org")
    assert (booking.status, booking.cohort.name, booking.consent_to_contact) == ("confirmed", "Online taster", True)
    (message,) = mail.outbox
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert len(calendar.walk("VEVENT")) == booking.cohort.sessions.count()

    # The full Leeds taster: first refused with a question, then queued when the box is ticked.
    page.goto("/training/courses/taster-workshop/")
    page.get_by_label("Spring taster, Leeds").check()
    page.get_by_label("Your name").fill("Nia Brooks")
    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("I agree to be contacted").check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("That cohort has just filled up")).to_be_visible()
    # What was typed is still there.
    assert page.get_by_label("Your name").input_value() == "Nia Brooks"
    screenshot(page, "training-full-desktop")
    page.get_by_label("If the cohort is full, put me on the waitlist").check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url("**/training/booking/**")
    expect(page.get_by_role("heading", name="You are on the waitlist")).to_be_visible()
    leeds = Cohort.objects.get(name="Spring taster, Leeds")
    assert leeds.held_places_count() == leeds.capacity

    # Leaving the waitlist from the booking page.
    page.get_by_text("Leave the waitlist", exact=True).click()
    page.get_by_role("button", name="Yes, leave the waitlist").click()
    expect(page.get_by_role("heading", name="This booking is cancelled")).to_be_visible()


def test_the_catalogue_and_booking_form_at_phone_width(new_page: Any, catalogue: None) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/training/")
    screenshot(page, "training-catalogue-phone")
    page.goto("/training/courses/advanced-practitioner-award/")
    # Nothing wider than the screen: the layout stacks.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-course-phone")


def test_the_trainer_sees_the_running_cohort(new_page: Any, catalogue: None) -> None:
    for viewport, name in ((None, "desktop"), (PHONE, "phone")):
        page = new_page(viewport=viewport)
        sign_in(page, "trainer@provider.example")
        page.get_by_role("link", name="Training", exact=True).click()
        page.get_by_role("link", name=demo.RUNNING_FOUNDATION_COHORT).click()
        expect(page.get_by_role("heading", name="Candidates")).to_be_visible()
        expect(page.get_by_text("Ruth Adeyemi").first).to_be_visible()
        assert serious_accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"training-cohort-{name}")


def test_a_candidate_sees_their_cohort_and_attendance(new_page: Any, catalogue: None) -> None:
    page = new_page()
    sign_in(page, "participant@northwind.example")
    page.goto("/training/bookings/")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-my-bookings-desktop")
    page.get_by_role("link", name=f"Open the cohort {demo.RUNNING_FOUNDATION_COHORT}").click()
    expect(page.get_by_role("heading", name="Materials")).to_be_visible()
    assert page.get_by_role("heading", name="Candidates").count() == 0
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-candidate-desktop")


def test_the_trainer_adds_a_session_and_records_its_attendance(new_page: Any, catalogue: None) -> None:
    page = new_page()
    sign_in(page, "trainer@provider.example")
    page.goto("/training/manage/")
    page.get_by_role("link", name="Spring cohort, Leeds").click()
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Title").fill("Day 4: supervision")
    page.get_by_label("Starts").fill("2030-03-04T09:30")
    page.get_by_label("Ends").fill("2030-03-04T12:30")
    page.get_by_label("Online joining link").fill("https://meet.example.org/day4")
    screenshot(page, "training-session-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Session added.")).to_be_visible()
    expect(page.get_by_text("Mon 4 Mar 2030")).to_be_visible()

    page.goto("/training/manage/")
    page.get_by_role("link", name=demo.RUNNING_FOUNDATION_COHORT).click()
    assert page.get_by_role("link", name="Attendance for session 5").count() == 0  # still to come
    page.get_by_role("link", name="Attendance for session 4").click()
    group = page.get_by_role("group", name="Jess Lowe")
    group.get_by_label("Absent").check()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance recorded for 4 candidates.")).to_be_visible()
    jess = Booking.objects.get(email="jess.lowe@northwind.example")
    assert [a.present for a in jess.attendance.order_by("session__starts_at")] == [True, True, True, False]

    # Cancelling a candidate's place asks once more.
    page.get_by_text("Cancel place of Owen Pryce").click()
    screenshot(page, "training-cancel-place")
    page.get_by_role("button", name="Yes, cancel Owen Pryce's place").click()
    expect(page.get_by_text("Owen Pryce's place is cancelled, and they have been emailed.")).to_be_visible()
    assert Booking.objects.get(email="owen.pryce@southfield.example").status == "cancelled"

    page.goto("/training/manage/courses/new/")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "training-course-form")
