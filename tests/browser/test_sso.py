"""Single sign-on in the browser: an administrator sets up Northwind's identity provider, and a participant signs in
through the identity provider's own page (the suite's OpenID Connect provider, tests/oidc_provider.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from actionset.accounts.models import SingleSignOn
from actionset.accounts.tasks import sso_check
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.oidc_provider import IdentityProvider, identity_provider


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    with identity_provider() as provider:
        yield provider


def test_a_participant_signs_in_through_their_organisations_identity_provider(
    demo_world: None, new_page: Any, idp: IdentityProvider
) -> None:
    client = idp.add_client("actionset-northwind")
    idp.add_person("participant@northwind.example", name="Priya")

    admin = new_page()
    sign_in(admin, "admin@provider.example")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    admin.get_by_role("link", name="Northwind").first.click()
    expect(admin.get_by_role("heading", name="Single sign-on")).to_be_visible()
    admin.get_by_role("link", name="Set up single sign-on").click()
    admin.get_by_label("Name on the sign-in button").fill("Northwind account")
    admin.get_by_label("Issuer URL").fill(idp.issuer)
    admin.get_by_label("Client ID").fill(client.client_id)
    admin.get_by_label("Client secret").fill(client.secret)
    admin.get_by_label("Email domains").fill("northwind.example")
    admin.get_by_label("Offer this sign-in").check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_text("Single sign-on saved.")).to_be_visible()
    admin.get_by_role("button", name="Test the connection").click()
    expect(admin.get_by_text("Testing the connection in the background")).to_be_visible()
    # The worker's part, run here: the request only queued it.
    sso = SingleSignOn.objects.get(name="Northwind account")
    sso_check.call(sso.pk)
    admin.reload()
    expect(admin.get_by_text("Discovery document and signing keys read.")).to_be_visible()
    screenshot(admin, "sso-settings")
    assert serious_accessibility_violations(admin) == []
    phone_admin = new_page(PHONE)
    sign_in(phone_admin, "admin@provider.example")
    phone_admin.goto(admin.url)
    screenshot(phone_admin, "sso-settings-phone")
    admin.get_by_role("link", name="Northwind").first.click()
    expect(admin.get_by_text("people at northwind.example can sign in with Northwind account")).to_be_visible()
    screenshot(admin, "sso-organisation-card")
    phone_admin.goto(admin.url)
    screenshot(phone_admin, "sso-organisation-card-phone")
    admin.goto("/provider/staff/")
    expect(admin.get_by_role("link", name="Set up single sign-on")).to_be_visible()
    screenshot(admin, "sso-staff-card")

    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("participant@northwind.example")
    button = page.get_by_role("button", name="Sign in with Northwind account")
    expect(button).to_be_visible()
    screenshot(page, "sso-sign-in")
    assert serious_accessibility_violations(page) == []
    button.click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Email").fill("participant@northwind.example")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    phone = new_page(PHONE)
    phone.goto("/accounts/login/")
    phone.get_by_label("Email").fill("someone@northwind.example")
    expect(phone.get_by_role("button", name="Sign in with Northwind account")).to_be_visible()
    screenshot(phone, "sso-sign-in-phone")
