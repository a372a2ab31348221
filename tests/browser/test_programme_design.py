"""A designer takes a programme from a template to a recruiting programme with a participant pool."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in

SLOT_PATTERNS = ["tue-am; thu-am", "tue-am; wed-pm", "thu-am; tue-am; fri-am", "wed-pm; tue-am", ""]


def pool_csv(tmp_path: Path, count: int) -> Path:
    from actionset.organisations.models import Person

    people = Person.objects.filter(organisation__name="Northwind").exclude(level__in=["Executive", "Director"])
    lines = ["Email,Availability"]
    for index, person in enumerate(people.order_by("name")[:count]):
        lines.append(f"{person.email},{SLOT_PATTERNS[index % len(SLOT_PATTERNS)]}")
    path = tmp_path / "pool.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_designer_designs_a_programme_and_builds_its_pool(demo_world: None, new_page: Any, tmp_path: Path) -> None:
    page = new_page()
    sign_in(page, "designer@provider.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Northwind").click()
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Title").fill("Leading through uncertainty")
    page.get_by_text("Online three-hour monthly").click()
    screenshot(page, "programme-new")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_text("Draft programme created from the template")).to_be_visible()
    assert page.get_by_label("Format").input_value() == "online"
    page.get_by_label("Aims").fill("Give managers a place to work on what is stuck, and tell leaders what they learn.")
    page.get_by_label("Why it matters").fill("Winter pressures arrive earlier each year.")
    page.get_by_label("Smallest set").fill("8")
    page.get_by_label("Largest set").fill("5")
    page.get_by_role("button", name="Save design").click()
    # The form re-renders with its error and keeps what was typed.
    expect(page.get_by_text("The largest set cannot be smaller than the smallest.")).to_be_visible()
    assert "Winter pressures" in page.get_by_label("Why it matters").input_value()
    page.get_by_label("Smallest set").fill("5")
    page.get_by_label("Largest set").fill("7")
    screenshot(page, "programme-design")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Programme design saved.")).to_be_visible()

    page.get_by_role("button", name="Move to recruiting").click()
    expect(page.get_by_text("The programme is now recruiting.")).to_be_visible()

    page.get_by_role("navigation", name="Programme").get_by_role("link", name="Participants").click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Spreadsheet").set_input_files(str(pool_csv(tmp_path, 40)))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("40 enrolled, 0 updated.")).to_be_visible()
    screenshot(page, "programme-pool")
    assert serious_accessibility_violations(page) == []

    phone = new_page(PHONE)
    sign_in(phone, "designer@provider.example")
    phone.goto(page.url)
    screenshot(phone, "programme-pool-phone")
    phone.get_by_role("link", name=re.compile(".+")).filter(has_text="Overview").click()
    screenshot(phone, "programme-overview-phone")
    assert serious_accessibility_violations(phone) == []
