"""The programme designer's whole job, end to end, through the browser.

From a template to a published programme: import 40 participants with availability, compose 6 sets with a
progress bar, move one person and see the scores change, lock a set, re-optimise, assign facilitators, publish
and schedule; then a member signs in, sees their set and next meeting, and downloads an .ics that parses.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import icalendar
from playwright.sync_api import expect

from actionset.organisations.models import Person
from actionset.sets.models import CompositionRun
from actionset.sets.tasks import composition_execute
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in

MEMBER = "participant@northwind.example"
SLOT_PATTERNS = ["tue-am; thu-am", "tue-am; wed-pm", "thu-am; tue-am; fri-am", "wed-pm; tue-am", ""]


def forty_participants(tmp_path: Path) -> Path:
    people = list(
        Person.objects.filter(organisation__name="Northwind")
        .exclude(level__in=["Executive", "Director"])
        .exclude(email=MEMBER)
        .order_by("name")[:39]
    )
    people.append(Person.objects.get(email=MEMBER))
    rows = [f"{p.email},{SLOT_PATTERNS[i % len(SLOT_PATTERNS)]}" for i, p in enumerate(people)]
    path = tmp_path / "participants.csv"
    path.write_text("Email,Availability\n" + "\n".join(rows) + "\n")
    return path


def work_the_queue() -> None:
    """Stand in for `manage.py db_worker`: run the queued composition in another thread, as a worker would."""
    run = CompositionRun.objects.filter(status=CompositionRun.Status.QUEUED).latest("created_at")
    thread = threading.Thread(target=composition_execute.call, args=(run.pk,))
    thread.start()
    thread.join()


def scores(page: Any) -> list[str]:
    return list(page.get_by_test_id("set-score").all_inner_texts())


def test_from_template_to_a_member_with_their_next_meeting_in_their_calendar(
    demo_world: None, new_page: Any, tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, "designer@provider.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Northwind").click()
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Title").fill("Thinking together")
    page.get_by_text("Six monthly half-days").click()
    page.get_by_role("button", name="Create draft").click()
    page.get_by_label("Aims").fill("Work on the problems no single department can solve.")
    page.get_by_label("Location").fill("Castlegate, seminar room")
    # The demo's facilitators already facilitate sets in the demo's running programmes, and capacity counts them.
    page.get_by_label("Sets per facilitator, at most").fill("6")
    page.get_by_role("button", name="Save design").click()
    page.get_by_role("button", name="Move to recruiting").click()

    tabs = page.get_by_role("navigation", name="Programme")
    tabs.get_by_role("link", name="Participants").click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Spreadsheet").set_input_files(str(forty_participants(tmp_path)))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("40 enrolled, 0 updated.")).to_be_visible()

    tabs.get_by_role("link", name="Sets").click()
    page.get_by_label("Number of sets").fill("6")
    page.get_by_label("Search time (seconds)").fill("2")
    page.get_by_role("button", name="Compose sets").click()
    expect(page.locator("progress#composition-bar")).to_be_visible()
    screenshot(page, "e2e-composing")
    work_the_queue()
    page.wait_for_selector(".set-card", timeout=15_000)
    assert page.locator(".set-card").count() == 6

    before = scores(page)
    # The chooser offers only the sets that keep every rule: take the first member it offers a set to.
    movable = False
    for member in page.locator(".set-card .member").all():
        mover = member.locator("strong").first.inner_text()
        member.get_by_role("link", name=f"Move {mover}").click()
        chooser = member.locator(".move-choices")
        expect(chooser).to_be_visible()
        movable = chooser.locator(".choice-list").count() > 0
        if movable:
            break
    assert movable
    chooser.get_by_role("button", name=f"Move {mover}").click()
    page.wait_for_selector(f"text={mover} moved to")
    assert scores(page) != before

    page.get_by_role("button", name="Lock Set 1").click()
    page.wait_for_selector("text=Set 1 locked")
    page.wait_for_selector(".set-card.is-locked .member strong")
    locked = sorted(page.locator(".set-card.is-locked .member strong").all_inner_texts())
    page.get_by_role("button", name="Re-optimise the unlocked sets").click()
    work_the_queue()
    page.reload()
    page.wait_for_selector(".set-card")
    assert sorted(page.locator(".set-card.is-locked .member strong").all_inner_texts()) == locked

    facilitators = ["Rachel Finch", "Rachel Finch", "Tom Achebe", "Tom Achebe", "Helen Okoro", "Helen Okoro"]
    for index, name in enumerate(facilitators):
        card = page.locator(".set-card").nth(index)
        card.get_by_label("Facilitator", exact=True).select_option(label=name)
        card.get_by_role("button", name="Save facilitators of").click()
        page.wait_for_selector(f"text=Facilitators of Set {index + 1} saved")
    screenshot(page, "e2e-board")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Publish sets").click()
    page.wait_for_selector("text=Sets published")

    tabs = page.get_by_role("navigation", name="Programme")
    tabs.get_by_role("link", name="Schedule").click()
    page.get_by_role("button", name="Schedule all sets").click()
    screenshot(page, "e2e-schedule")
    assert serious_accessibility_violations(page) == []

    member = new_page(PHONE)
    sign_in(member, MEMBER)
    my_sets = member.get_by_role("region", name="Your action learning set")
    expect(my_sets.get_by_text("Thinking together")).to_be_visible()
    next_meetings = member.get_by_role("region", name="Your next meetings")
    expect(next_meetings).to_be_visible()
    screenshot(member, "e2e-member-home-phone")
    with member.expect_download() as download:
        next_meetings.get_by_role("link", name=re.compile("Add to calendar")).first.click()
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert str(calendar["METHOD"]) == "PUBLISH" or str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]).startswith("meeting-")
    assert event.decoded("DTSTART").tzinfo is not None
    assert "Castlegate" in str(event.get("LOCATION", "")) or "Harbour Road" in str(event.get("LOCATION", ""))
