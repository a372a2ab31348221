"""Each demo login signs in and sees a home page made for their role, at desktop and phone width."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from actionset.core.demo import DEMO_LOGINS
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_accessibility_violations, sign_in

EXPECTED_HEADINGS = {
    "admin@provider.example": "Provider at a glance",
    "designer@provider.example": "Programme design",
    "facilitator@provider.example": "Sets you facilitate",
    "developer@provider.example": "Themes across sets",
    "trainer@provider.example": "Assessments",
    "orgadmin@northwind.example": "Northwind people directory",
    "sponsor@northwind.example": "Programmes you sponsor at Northwind",
    "participant@northwind.example": "Your action learning set",
    "participant@southfield.example": "Your action learning set",
    "jess.lowe@northwind.example": "Your awards",
}


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_each_demo_login_sees_their_home_page(demo_world: None, new_page: Any, email: str) -> None:
    slug = email.replace("@", "-at-").replace(".example", "")
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport)
        sign_in(page, email)
        heading = page.get_by_role("heading", name=EXPECTED_HEADINGS[email])
        expect(heading).to_be_visible()
        screenshot(page, f"home-{slug}-{label}")
        assert serious_accessibility_violations(page) == []


def test_the_sign_in_page_is_accessible_and_shows_errors(demo_world: None, new_page: Any) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Email").fill("admin@provider.example")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "sign-in-error")


PAGES_BY_LOGIN = [
    ("orgadmin@northwind.example", "People directory", "directory"),
    ("admin@provider.example", "Staff", "staff"),
    ("admin@provider.example", "Audit log", "audit"),
    ("designer@provider.example", "Organisations", "organisations"),
]


@pytest.mark.parametrize(("email", "link", "name"), PAGES_BY_LOGIN)
def test_main_pages_are_accessible(demo_world: None, new_page: Any, email: str, link: str, name: str) -> None:
    page = new_page()
    sign_in(page, email)
    if link == "People directory":
        page.get_by_role("link", name="Open the directory").click()
    else:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
    page.wait_for_load_state()
    screenshot(page, f"page-{name}")
    assert serious_accessibility_violations(page) == []


PATHS_BY_LOGIN = {
    "admin@provider.example": [
        "/accounts/profile/",
        "/accounts/2fa/",
        "/provider/staff/invite/",
        "/organisations/new/",
    ],
    "orgadmin@northwind.example": ["/organisations/"],
    "sponsor@northwind.example": ["/organisations/"],
    "anonymous": ["/", "/accounts/password/reset/"],
}


def test_other_pages_are_accessible(demo_world: None, new_page: Any) -> None:
    from actionset.organisations.models import Organisation

    northwind = Organisation.objects.get(name="Northwind")
    person = northwind.people.order_by("name").first()
    assert person is not None
    base = f"/organisations/{northwind.public_id}"
    paths = {
        **PATHS_BY_LOGIN,
        "designer@provider.example": [f"{base}/", f"{base}/edit/", f"{base}/people/new/", f"{base}/people/import/"],
        "orgadmin@northwind.example": [
            *PATHS_BY_LOGIN["orgadmin@northwind.example"],
            f"{base}/people/{person.public_id}/",
        ],
    }
    failures = {}
    for email, urls in paths.items():
        page = new_page()
        if email != "anonymous":
            sign_in(page, email)
        for url in urls:
            page.goto(url)
            name = re.sub(r"[0-9a-f-]{36}", "x", url).strip("/").replace("/", "-") or "welcome"
            screenshot(page, f"page-{email.split('@')[0]}-{name}")
            problems = serious_accessibility_violations(page)
            if problems:
                failures[f"{email} {url}"] = problems
    assert failures == {}
