"""Sign-in security in the browser: the staff list, deactivating a leaver, and the two-factor hold."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


def test_an_administrator_deactivates_a_member_of_staff_whose_open_session_then_ends(
    demo_world: None, new_page: Any
) -> None:
    leaver = new_page()
    sign_in(leaver, "developer@provider.example")

    admin = new_page()
    sign_in(admin, "admin@provider.example")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(admin.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    screenshot(admin, "staff-list")
    assert serious_accessibility_violations(admin) == []
    admin.get_by_role("link", name="Deactivate Sunil Mehra").click()
    screenshot(admin, "staff-deactivate")
    assert serious_accessibility_violations(admin) == []
    admin.get_by_role("button", name="Deactivate Sunil Mehra").click()
    expect(admin.get_by_text("Sunil Mehra is deactivated")).to_be_visible()

    leaver.reload()
    # Signed out: the page either is the sign-in page or offers to sign in.
    if "/accounts/login/" not in leaver.url:
        expect(leaver.get_by_role("link", name="Sign in").first).to_be_visible()

    admin.get_by_role("button", name="Reactivate Sunil Mehra").click()
    expect(admin.get_by_text("Sunil Mehra can sign in again")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, "admin@provider.example")
    phone.goto("/provider/staff/")
    screenshot(phone, "staff-list-phone")


def test_an_organisation_admin_requires_two_factor_and_is_then_held_until_they_set_it_up(
    demo_world: None, new_page: Any
) -> None:
    page = new_page()
    sign_in(page, "orgadmin@northwind.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Northwind").first.click()
    screenshot(page, "organisation-two-factor")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="People directory").click()
    screenshot(page, "directory-sign-in")
    page.get_by_role("link", name="David Osei").click()
    expect(page.get_by_role("heading", name="Sign-in security")).to_be_visible()
    screenshot(page, "person-login")
    assert serious_accessibility_violations(page) == []
    phone_admin = new_page(PHONE)
    sign_in(phone_admin, "orgadmin@northwind.example")
    phone_admin.goto(page.url)
    screenshot(phone_admin, "person-login-phone")
    phone_admin.get_by_role("link", name="Deactivate login").click()
    screenshot(phone_admin, "person-deactivate-phone")
    assert serious_accessibility_violations(phone_admin) == []
    page.get_by_role("link", name="Northwind").first.click()
    page.get_by_label("Require two-factor authentication for admins and sponsors").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/two-factor-required/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication to carry on")).to_be_visible()
    screenshot(page, "two-factor-hold")
    assert serious_accessibility_violations(page) == []
    page.goto("/programmes/")
    assert page.url.endswith("/two-factor-required/")

    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/totp/activate/")
    screenshot(page, "two-factor-activate")

    phone = new_page(PHONE)
    sign_in(phone, "sponsor@northwind.example")
    phone.goto("/")
    assert phone.url.endswith("/two-factor-required/")
    screenshot(phone, "two-factor-hold-phone")
