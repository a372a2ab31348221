"""A designer reads the board in words (sizes and why, each set's share of its best, what makes it diverse) and
invites an internal facilitator who has no login yet, at 1280 and 390 pixels."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.organisations.models import Organisation
from actionset.sets.tests.factories import large_programme
from tests.browser.conftest import PHONE, SCREENSHOTS, screenshot, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, UserFactory


def test_the_board_in_words_and_an_internal_facilitator_invited(new_page: Any, transactional_db: Any) -> None:
    org = Organisation.objects.create(name="Riverford Council")
    designer = UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    big = large_programme(org, sets=6, designer=designer)
    waiting = PersonFactory.create(
        organisation=org, name="Wanda Waiting", email="wanda@riverford.test", roles=["facilitator"]
    )
    page = new_page()
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.goto(f"/sets/programme/{big.programme.public_id}/")

    expect(page.get_by_test_id("sizes-explained")).to_contain_text("Sizes: 6 sets of 7.")
    expect(page.get_by_test_id("set-sentence").first).to_contain_text("departments")
    expect(page.get_by_test_id("set-score").first).to_contain_text("%")
    first_set = page.locator(".set-card").first
    expect(first_set).to_contain_text("of the most diverse a set of 7")
    options = first_set.locator("option[disabled]")
    expect(options.first).to_have_text("Wanda Waiting (internal facilitator): invite to sign in first")
    box = page.get_by_test_id("waiting-facilitators")
    expect(box).to_contain_text("Not invited yet")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sets-board-explained")
    page.locator(".board-summary").screenshot(path=str(SCREENSHOTS / "sets-board-explained-summary.png"))
    first_set.screenshot(path=str(SCREENSHOTS / "sets-board-explained-set.png"))

    phone = new_page(PHONE)
    sign_in(phone, "designer@provider.test", TEST_PASSWORD)
    phone.goto(f"/sets/programme/{big.programme.public_id}/")
    phone.locator(".board-summary").screenshot(path=str(SCREENSHOTS / "sets-board-explained-phone-summary.png"))
    phone.locator(".set-card").first.screenshot(path=str(SCREENSHOTS / "sets-board-explained-phone-set.png"))

    box.get_by_role("button", name="Invite to sign in Wanda Waiting").click()
    expect(page.get_by_text("Invitation sent to wanda@riverford.test")).to_be_visible()
    assert waiting.invitations.pending().exists()
    page.goto(f"/sets/programme/{big.programme.public_id}/")
    expect(page.get_by_test_id("waiting-facilitators")).to_contain_text("Invited: waiting for them to sign in")
