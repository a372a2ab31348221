"""A person changes the address they sign in with; an organisation admin starts help for someone locked out, which
only that person can finish."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

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
    expect(page.get_by_text("We have sent a link to nia.new@example.org")).to_be_visible()
    expect(page.get_by_text("is waiting")).to_be_visible()
    screenshot(page, "sign-in-address-waiting")

    page.goto(path_of("/accounts/email/confirm/"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sign-in-address-confirm")
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.get_by_text("You now sign in as nia.new@example.org")).to_be_visible()
    assert User.objects.filter(email="nia.new@example.org").exists()

    phone = new_page(PHONE)
    sign_in(phone, "nia.new@example.org")
    phone.goto(reverse("accounts:email"))
    screenshot(phone, "sign-in-address-phone")


def test_an_org_admin_helps_a_participant_back_in(demo_world: None, new_page: Any) -> None:
    person = Person.objects.select_related("organisation", "user").get(email="participant@northwind.example")
    assert person.user is not None
    TOTP.activate(person.user, generate_totp_secret())
    admin = new_page()
    sign_in(admin, "orgadmin@northwind.example")
    admin.goto(
        reverse(
            "organisations:person", kwargs={"organisation": person.organisation.public_id, "person": person.public_id}
        )
    )
    screenshot(admin, "person-with-login")
    admin.get_by_role("link", name="Help them back in").click()
    assert serious_accessibility_violations(admin) == []
    screenshot(admin, "recovery-start")
    admin.get_by_label("Their authenticator app and recovery codes").check()
    admin.get_by_role("button", name="Send the link").click()
    expect(admin.get_by_text("A link is on its way")).to_be_visible()
    assert mail.outbox[-1].to == ["participant@northwind.example"]

    phone_admin = new_page(PHONE)
    sign_in(phone_admin, "orgadmin@northwind.example")
    phone_admin.goto(
        reverse(
            "organisations:person_recovery",
            kwargs={"organisation": person.organisation.public_id, "person": person.public_id},
        )
    )
    screenshot(phone_admin, "recovery-start-phone")

    # The person, who cannot sign in, opens the link on their phone and gives their password.
    reset = new_page(PHONE)
    reset.goto(path_of("/accounts/two-factor/reset/"))
    assert serious_accessibility_violations(reset) == []
    screenshot(reset, "two-factor-reset-phone")
    reset.get_by_label("Your password").fill("demo")
    reset.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(reset.get_by_text("Two-factor authentication is off")).to_be_visible()
    sign_in(reset, "participant@northwind.example")


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
    expect(page.get_by_text("Invitation accepted")).to_be_visible()
    entry.refresh_from_db()
    assert entry.user == login
