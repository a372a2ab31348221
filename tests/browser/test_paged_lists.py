"""Lists that grow without bound go a page at a time, and the page links work from the keyboard."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.organisations.models import Organisation
from actionset.programmes.models import Programme
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_accessibility_violations, sign_in


def test_the_organisations_list_pages_from_the_keyboard(demo_world: None, new_page: Any) -> None:
    Organisation.objects.bulk_create([Organisation(name=f"Zeta client {n:02d}") for n in range(60)])
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "admin@provider.example")
        page.goto("/organisations/")
        expect(page.get_by_text("Page 1 of 2")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"organisations-paged-{size}")
        page.get_by_role("link", name="Next").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        expect(page.get_by_role("heading", name="Zeta client 59")).to_be_visible()
        expect(page.get_by_role("link", name="Previous")).to_be_visible()


def test_the_themes_page_and_the_board_after_their_queries_were_flattened(demo_world: None, new_page: Any) -> None:
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "developer@provider.example")
        page.goto("/learning/themes/?show=all")
        expect(page.get_by_role("heading", name="All shared items")).to_be_visible()
        expect(page.get_by_role("link", name="Working across sites")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"themes-{size}")
    page = new_page(viewport=DESKTOP)
    sign_in(page, "designer@provider.example")
    programme = Programme.objects.get(title="Leading through change")
    page.goto(f"/sets/programme/{programme.public_id}/")
    # Each set's facilitator is still shown chosen in its form, now that the choices are read once for the board.
    expect(page.locator("select[name=lead] option[selected]").first).to_have_text("Rachel Finch")
    screenshot(page, "board-desktop")


def test_the_programme_list_keeps_its_stages_on_a_page(demo_world: None, new_page: Any) -> None:
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport=viewport)
        sign_in(page, "designer@provider.example")
        page.goto("/programmes/")
        expect(page.get_by_role("heading", name="Running")).to_be_visible()
        expect(page.get_by_role("link", name="Leading through change")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"programme-list-{size}")
