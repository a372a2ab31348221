"""A candidate books the foundation course, builds a portfolio (hours from meetings they facilitated here, hours and
supervision they log, a reflection), is observed by an assessor and submits; the assessor passes them; the certificate
verifies on the public page, signed in or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from actionset.accounts.models import User
from actionset.accreditation.awards import awards_load
from actionset.accreditation.models import Credential, Portfolio
from actionset.accreditation.services import word_count
from actionset.core.demo import DEMO_PASSWORD
from actionset.meetings import presence
from actionset.organisations.models import StaffRole
from actionset.training import demo
from actionset.training.models import Cohort, Course
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import (
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    ProgrammeFactory,
)

OPEN_COHORT = "Spring cohort, Leeds"
REFLECTION = " ".join(
    [
        "I noticed how quickly I wanted to fill the silence after the first round of questions, and held back.",
        "When I did, the presenter found their own next step.",
    ]
    * 60
)


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any) -> User:
    """The training catalogue with an open foundation cohort, and a candidate who already facilitates a set here."""
    settings.MEDIA_ROOT = tmp_path
    trainer = User.objects.create_user("trainer@provider.example", DEMO_PASSWORD, name="Helen Okoro")
    StaffRole.objects.create(user=trainer, role="trainer")
    User.objects.create_user("participant@northwind.example", DEMO_PASSWORD, name="Sam Carter")
    User.objects.create_user("facilitator@provider.example", DEMO_PASSWORD, name="Rachel Finch")
    demo.seed()
    awards_load()  # a flush by an earlier transactional test empties the migration's awards
    # The demo catalogue has an open foundation cohort to book on.
    assert Cohort.objects.filter(course__kind=Course.Kind.FOUNDATION, name=OPEN_COHORT, status="open").exists()

    candidate = User.objects.create_user("priya.nair@example.org", DEMO_PASSWORD, name="Priya Nair")
    programme = ProgrammeFactory.create(status="running")
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    learning_set = LearningSetFactory.create(programme=programme, name="Set Heron")
    for _ in range(5):
        MembershipFactory.create(learning_set=learning_set, enrolment__programme=programme)
    FacilitatorAssignmentFactory.create(
        learning_set=learning_set, user=candidate, assigned_at=timezone.now() - dt.timedelta(days=31 * 8)
    )
    # Six monthly meetings she has facilitated: eighteen hours over seven months, counted without her typing them.
    for months_ago in range(7, 1, -1):
        held = timezone.now() - dt.timedelta(days=31 * months_ago)
        meeting = MeetingFactory.create(
            learning_set=learning_set, starts_at=held, ends_at=held + dt.timedelta(hours=3), status="held"
        )
        # She was there: recorded when she started it in the live room (meetings/presence.py).
        assert presence.present(meeting, candidate)
    mail.outbox.clear()
    return candidate


def log_hours(page: Any, kind: str, day: dt.date, hours: str, extra: dict[str, str], shot: str = "") -> None:
    page.get_by_role("link", name="Log hours").click()
    if shot:
        screenshot(page, shot)
        assert serious_accessibility_violations(page) == []
    page.get_by_label("What kind of time").select_option(label=kind)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Hours").fill(hours)
    for label, value in extra.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Log").click()
    expect(page.get_by_text("Logged.")).to_be_visible()


def test_a_candidate_books_builds_a_portfolio_is_observed_submits_and_passes(new_page: Any, world: User) -> None:
    today = timezone.localdate()
    candidate = new_page(locale="en-GB")
    sign_in(candidate, "priya.nair@example.org", DEMO_PASSWORD)

    # Booking a place on the foundation course, signed in.
    candidate.goto("/training/courses/foundation-award/")
    candidate.get_by_label(OPEN_COHORT).check()
    candidate.get_by_label("I agree to be contacted").check()
    candidate.get_by_role("button", name="Book").click()
    candidate.wait_for_url("**/training/booking/**")

    # The Awards tab appears once she has a place on a course that leads to an award.
    candidate.goto("/")
    candidate.get_by_role("link", name="Awards", exact=True).click()
    assert serious_accessibility_violations(candidate) == []
    screenshot(candidate, "accreditation-awards-desktop")
    candidate.get_by_role("button", name="Start a portfolio").first.click()
    candidate.wait_for_url("**/portfolio/*/")
    portfolio = Portfolio.objects.get(candidate=world)
    assert portfolio.cohort is not None
    assert portfolio.cohort.name == OPEN_COHORT
    # The meetings she facilitated here are already counted.
    expect(candidate.get_by_text("18 of 20 hours")).to_be_visible()

    log_hours(
        candidate,
        "Facilitating",
        today - dt.timedelta(days=3),
        "3",
        {"Organisation (optional)": "Pennine College"},
        shot="accreditation-hours-form",
    )
    log_hours(
        candidate, "Supervision", today - dt.timedelta(days=40), "1", {"Supervisor (for supervision)": "Dr Anna Kovac"}
    )
    log_hours(
        candidate, "Supervision", today - dt.timedelta(days=10), "1", {"Supervisor (for supervision)": "Dr Anna Kovac"}
    )
    candidate.get_by_role("link", name="Write a reflection").click()
    candidate.get_by_label("Title").fill("Silence, and what I do with it")
    candidate.get_by_label("Reflection").fill(REFLECTION)
    candidate.get_by_role("button", name="Save reflection").click()
    expect(candidate.get_by_text(f"Reflection saved ({word_count(REFLECTION)} words).")).to_be_visible()
    expect(candidate.get_by_text("0 of 1 observations")).to_be_visible()
    screenshot(candidate, "accreditation-portfolio-desktop")
    assert serious_accessibility_violations(candidate) == []

    # The assessor observes her facilitating and records structured feedback.
    assessor = new_page(locale="en-GB")
    sign_in(assessor, "trainer@provider.example", DEMO_PASSWORD)
    assessor.get_by_role("link", name="Assessments", exact=True).click()
    assessor.get_by_role("link", name="Priya Nair").click()
    assessor.get_by_role("link", name="Record an observation").click()
    assessor.get_by_label("Date observed").fill((today - dt.timedelta(days=3)).isoformat())
    assessor.get_by_label("Hours observed").fill("3")
    for area in ("contracting", "questioning", "holding", "review"):
        assessor.locator(f"input[name='{area}_rating'][value='secure']").check()
        assessor.locator(f"textarea[name='{area}_comment']").fill("Clear and calm; the set owned its time.")
    screenshot(assessor, "accreditation-observation-desktop")
    assert serious_accessibility_violations(assessor) == []
    assessor.get_by_role("button", name="Record observation").click()
    expect(assessor.get_by_text("Observation of Priya Nair recorded.")).to_be_visible()

    # Every requirement met: she submits.
    candidate.reload()
    expect(candidate.get_by_text("Every requirement met")).to_be_visible()
    candidate.get_by_role("link", name="Submit for assessment").click()
    screenshot(candidate, "accreditation-submit-desktop")
    candidate.get_by_label("Note for the assessor (optional)").fill("Thank you for the observation.")
    candidate.get_by_role("button", name="Submit portfolio").click()
    expect(candidate.get_by_text("Submitted. An assessor will review")).to_be_visible()
    assert candidate.get_by_role("link", name="Log hours").count() == 0

    # The assessor passes her.
    assessor.goto("/assessments/")
    assert serious_accessibility_violations(assessor) == []
    screenshot(assessor, "accreditation-assessments-desktop")
    assessor.get_by_role("link", name="Priya Nair").first.click()
    assessor.get_by_label("Pass: issue the certificate").check()
    assessor.get_by_label("Feedback to the candidate").fill("Well evidenced and reflective.")
    screenshot(assessor, "accreditation-decision-desktop")
    assessor.get_by_role("button", name="Record decision").click()
    expect(assessor.get_by_text("Passed. Priya Nair's certificate has been issued.")).to_be_visible()
    credential = Credential.objects.get(portfolio__candidate=world)
    assert any(m.to == ["priya.nair@example.org"] and "passed" in m.subject for m in mail.outbox)

    # Her certificate verifies on the public page, for someone not signed in at all.
    candidate.reload()
    candidate.get_by_role("link", name="Verification page").click()
    expect(candidate.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    public = new_page(locale="en-GB")
    public.goto(f"/credentials/{credential.public_id}/")
    expect(public.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(public.get_by_text("Priya Nair")).to_be_visible()
    assert serious_accessibility_violations(public) == []
    screenshot(public, "accreditation-verify-desktop")
    with public.expect_download() as download:
        public.get_by_role("link", name="Open Badge credential (.jwt)").click()
    assert download.value.suggested_filename == f"credential-{credential.public_id}.jwt"

    phone = new_page(viewport=PHONE, locale="en-GB")
    phone.goto(f"/credentials/{credential.public_id}/")
    screenshot(phone, "accreditation-verify-phone")
    sign_in(phone, "priya.nair@example.org", DEMO_PASSWORD)
    phone.goto(f"/portfolio/{credential.portfolio.public_id}/")
    screenshot(phone, "accreditation-portfolio-phone")
    assert serious_accessibility_violations(phone) == []
