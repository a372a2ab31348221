"""A designer checks a programme's events against its meetings, edits one, and clones the programme for next year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from actionset.programmes.models import Programme, ProgrammeEvent
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_accessibility_violations, sign_in


def test_a_designer_fixes_an_event_and_clones_the_programme(demo_world: None, new_page: Any) -> None:
    programme = Programme.objects.get(title="Leading through change")
    assert programme.start_date is not None
    # A closing conference a week after the first meetings: out of step with the plan.
    day = programme.start_date + dt.timedelta(weeks=1)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(13)))
    ProgrammeEvent.objects.create(
        programme=programme,
        kind="closing",
        title="Early close",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "designer@provider.example")
        page.goto(f"/programmes/{programme.public_id}/events/")
        expect(page.get_by_text("before the last meetings")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"events-out-of-step-{size}")
    page.get_by_role("link", name="Change it").click()
    expect(page.get_by_role("heading", name="Edit Early close")).to_be_visible()
    last = programme.start_date + dt.timedelta(weeks=(programme.number_of_meetings - 1) * programme.cadence_weeks + 2)
    page.get_by_label("Starts").fill(f"{last:%Y-%m-%d}T13:00")
    page.get_by_label("Ends").fill(f"{last:%Y-%m-%d}T16:00")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("Event saved.")).to_be_visible()
    expect(page.get_by_text("out of step")).to_have_count(0)
    page.goto(f"/programmes/{programme.public_id}/")
    page.get_by_role("link", name="Clone for the next cohort").click()
    page.get_by_label("Title").fill("Leading through change, cohort 2")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "clone-phone")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", name="Leading through change, cohort 2")).to_be_visible()
    screenshot(page, "cloned-phone")
    clone = Programme.objects.get(title="Leading through change, cohort 2")
    assert clone.status == Programme.Status.DRAFT
    assert clone.events.count() == programme.events.count()


def test_a_designer_adds_a_venue_and_gives_it_to_a_programme(demo_world: None, new_page: Any) -> None:
    programme = Programme.objects.get(title="Leading through change")
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "designer@provider.example")
        page.goto("/programmes/venues/")
        if size == "desktop":
            expect(page.get_by_text("No venues yet")).to_be_visible()
            page.get_by_label("Name").fill("Harbour Road conference centre")
            page.get_by_label("Address").fill("2 Harbour Road")
            page.get_by_label("Sets at once").fill("3")
            page.get_by_role("button", name="Add venue").click()
            expect(page.get_by_text("Harbour Road conference centre saved.")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"venues-{size}")
    page.goto(f"/programmes/{programme.public_id}/edit/")
    page.get_by_label("Venue").select_option(label="Harbour Road conference centre")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Programme design saved.")).to_be_visible()
    programme.refresh_from_db()
    assert programme.venue is not None
    assert programme.venue.rooms == 3


def test_closing_a_programme_with_meetings_to_come_is_confirmed_first(demo_world: None, new_page: Any) -> None:
    programme = Programme.objects.get(title="Leading through change")
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "designer@provider.example")
        page.goto(f"/programmes/{programme.public_id}/")
        page.get_by_role("button", name="Move to closed").click()
        expect(page.get_by_text("Closing the programme cancels them")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"close-confirm-{size}")
    page.get_by_role("link", name="Keep it as it is").click()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.RUNNING
