"""A person changes the address they sign in with; someone who already signs in accepts an invitation by signing in."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.urls import reverse

from actionset.accounts.models import User
from actionset.accounts.services import invitation_send
from actionset.organisations.models import Organisation, Person
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


def path_of(pattern: str) -> str:
    match = re.search(rf"https?://\S+({re.escape(pattern)}\S+/)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_a_person_changes_their_sign_in_address(demo_world: None, new_page: Any) -> None:
    page = new_page()
    sign_in(page, "participant@northwind.example")
    page.goto(reverse("accounts:email"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sign-in-address")
    page.get_by_label("New sign-in address").fill("nia.new@example.org")
    page.get_by_role("button", name="Send the link").click()
    # Asked for the password before anything is sent.
    page.locator("input[name=password]").fill("demo")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("We have sent a link to nia.new@example.org").is_visible()
    assert page.get_by_text("is waiting").is_visible()
    screenshot(page, "sign-in-address-waiting")

    page.goto(path_of("/accounts/email/confirm/"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sign-in-address-confirm")
    page.get_by_role("button", name="Confirm the change").click()
    assert page.get_by_text("You now sign in as nia.new@example.org").is_visible()
    assert User.objects.filter(email="nia.new@example.org").exists()

    phone = new_page(PHONE)
    sign_in(phone, "nia.new@example.org")
    phone.goto(reverse("accounts:email"))
    screenshot(phone, "sign-in-address-phone")


def test_someone_who_already_signs_in_accepts_an_invitation_by_signing_in(demo_world: None, new_page: Any) -> None:
    northwind = Organisation.objects.get(name__icontains="Northwind")
    login = User.objects.get(email="participant@southfield.example")
    entry = Person.objects.create(organisation=northwind, name=login.name, email=login.email)
    invitation_send(
        invited_by=User.objects.get(email="orgadmin@northwind.example"),
        email=entry.email,
        organisation=northwind,
        person=entry,
    )
    page = new_page(PHONE)
    page.goto(path_of("/accounts/invitations/"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "invitation-sign-in-phone")
    assert page.locator("input[name=password1]").count() == 0
    page.get_by_role("link", name="Sign in to accept").click()
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept the invitation").click()
    assert page.get_by_text("Invitation accepted").is_visible()
    entry.refresh_from_db()
    assert entry.user == login
