"""The directory as an organisation, in a browser: a manager found by typing part of a name, and the reporting lines."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.organisations.models import Organisation, Person
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_accessibility_violations, sign_in


def test_an_admin_finds_a_manager_by_name_and_walks_the_reporting_lines(demo_world: None, new_page: Any) -> None:
    northwind = Organisation.objects.get(name__startswith="Northwind")
    # Someone no one reports to, so any manager keeps the lines free of loops; and a manager they do not have yet.
    person = Person.objects.filter(organisation=northwind, reports__isnull=True, user__isnull=True).first()
    assert person is not None
    managers = Person.objects.filter(organisation=northwind, reports__isnull=False).distinct()
    manager = managers.exclude(pk=person.line_manager_id or 0).first()
    assert manager is not None
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "orgadmin@northwind.example")
        page.goto(f"/organisations/{northwind.public_id}/people/{person.public_id}/")
        box = page.get_by_label("Line manager")
        box.fill("")
        # Typed as a person would, so the suggestions are fetched as they go.
        box.press_sequentially(manager.name.split()[-1][:5], delay=40)
        expect(page.locator(f'#line-manager-options option[value="{manager.email}"]')).to_have_count(1)
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"person-manager-{size}")
        box.fill(manager.email)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text(f"{person.name}'s details saved.")).to_be_visible()
        page.goto(f"/organisations/{northwind.public_id}/people/")
        page.get_by_role("link", name="Reporting lines").click()
        expect(page.get_by_role("heading", name="Reporting lines", level=1)).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"reporting-lines-{size}")
        page.goto(f"/organisations/{northwind.public_id}/people/chart/?under={manager.public_id}")
        expect(page.get_by_text(person.name)).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"reporting-lines-under-{size}")
    person.refresh_from_db()
    assert person.line_manager == manager
