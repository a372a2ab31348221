"""A composition whose search ran for less than it should have is shown to the designer as a first draft."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.sets.models import CompositionRun
from actionset.sets.tasks import composition_execute
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.browser.test_sets_board import build_world
from tests.factories import TEST_PASSWORD


def test_a_first_draft_says_so_on_the_board_at_both_widths(new_page: Any, transactional_db: Any) -> None:
    programme, _ = build_world()
    # A limit far too short for any search, as a cold, overloaded worker once had: the sets are the unsearched start.
    run = CompositionRun.objects.create(programme=programme, number_of_sets=6, time_limit=1e-6)
    composition_execute.call(run.pk)
    run.refresh_from_db()
    assert run.is_first_draft

    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport) if viewport else new_page()
        sign_in(page, "designer@provider.test", TEST_PASSWORD)
        page.goto(f"/sets/programme/{programme.public_id}/")
        notice = page.get_by_test_id("first-draft")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("This is only a first draft.")
        assert page.locator(".set-card").count() == 6
        assert serious_accessibility_violations(page) == []
        screenshot(page, f"sets-board-first-draft-{name}")
