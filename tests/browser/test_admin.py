"""The Django admin in a browser: reached through the app's sign-in, read-only for people, left through the app's
sign-out."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, PHONE, screenshot


def test_an_administrator_signs_in_to_the_admin_through_the_app_and_signs_out_again(
    demo_world: None, new_page: Any
) -> None:
    from actionset.organisations.models import Person

    person = Person.objects.filter(user__email="participant@northwind.example").get()
    page = new_page(DESKTOP)
    page.goto("/admin/")
    # The app's own sign-in, not the admin's form; it brings the administrator back to the admin.
    page.wait_for_url("**/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill("admin@provider.example")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    screenshot(page, "admin-index-desktop")

    page.goto(f"/admin/organisations/person/{person.pk}/change/")
    # Read-only: no save button, and no delete link.
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.get_by_role("link", name="Delete").count() == 0
    screenshot(page, "admin-person-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "admin-person-phone")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/admin/")
    page.wait_for_url("**/accounts/login/?next=/admin/")
