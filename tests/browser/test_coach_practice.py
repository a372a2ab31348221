"""A facilitator in training practises questions and gets feedback on each, at desktop and phone width."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


def test_a_trainee_practises_questions_and_sees_why_each_lands_as_it_does(demo_world: None, new_page: Any) -> None:
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport)
        sign_in(page, "trainer@provider.example")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Question coach").click()
        page.get_by_role("textbox").first.fill(
            "What would success look like for you?\nHave you thought about talking to HR?\nDid you tell her?\n"
            "Don't you think the rota is the real problem?"
        )
        page.get_by_role("button", name="See how they land").click()
        items = page.locator(".feedback-item")
        items.first.wait_for()
        assert [items.nth(i).get_attribute("data-label") for i in range(items.count())] == [
            "open",
            "advice",
            "closed",
            "leading",
        ]
        screenshot(page, f"coach-practice-{label}")
        assert serious_accessibility_violations(page) == []
