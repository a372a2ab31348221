"""Single sign-on's pages: setting up an identity provider, testing its connection, the sign-in page's button."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actionset.accounts.models import SingleSignOn
from actionset.core.audit import AuditAction, AuditEvent
from conftest import Cast


def settings_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Northwind Microsoft account",
        "issuer": "https://login.microsoftonline.com/tenant-1/v2.0/",
        "client_id": "client-1",
        "secret": "a-client-secret-wxyz",
        "domains": "Northwind.example, @nw.example",
        "enabled": "on",
        **overrides,
    }


@pytest.fixture
def page(cast: Cast) -> str:
    return reverse("organisations:sso", kwargs={"organisation": cast.org_a.public_id})


def test_an_administrator_sets_up_an_organisations_provider_and_never_sees_the_secret_again(
    cast: Cast, page: str
) -> None:
    client = cast.client("administrator")
    response = client.post(page, settings_form())
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(organisation=cast.org_a)
    assert sso.issuer == "https://login.microsoftonline.com/tenant-1/v2.0"
    assert sso.domain_list == ["northwind.example", "nw.example"]
    assert sso.secret == "a-client-secret-wxyz"
    shown = client.get(page).content.decode()
    assert "a-client-secret-wxyz" not in shown
    assert "wxyz" in shown  # the last four, to tell which secret is stored
    assert f"/accounts/oidc/{sso.provider_id}/login/callback/" in shown
    event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURED)
    assert event.organisation == cast.org_a
    assert "a-client-secret" not in str(event.detail)


def test_the_settings_are_checked(cast: Cast, page: str) -> None:
    client = cast.client("administrator")
    response = client.post(page, settings_form(issuer="http://idp.example", secret="", domains="not a domain"))
    errors = response.context["form"].errors
    assert set(errors) == {"issuer", "secret", "domains"}
    assert not SingleSignOn.objects.exists()


def test_a_domain_has_one_identity_provider(cast: Cast, page: str) -> None:
    client = cast.client("administrator")
    client.post(page, settings_form())
    other = reverse("organisations:sso", kwargs={"organisation": cast.org_b.public_id})
    response = client.post(other, settings_form(name="Southfield", domains="nw.example"))
    assert "already vouched for by Northwind Microsoft account" in response.content.decode()


def test_testing_the_connection_is_queued_for_the_worker(
    cast: Cast, page: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = cast.client("administrator")
    client.post(page, settings_form())
    with_check = reverse("organisations:sso_check", kwargs={"organisation": cast.org_a.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(with_check)
    assert response.status_code == 302
    # Queued, not fetched in the request (the database backend holds it for `db_worker`).
    assert DBTaskResult.objects.filter(task_path="actionset.accounts.tasks.sso_check").count() == 1


def test_the_organisations_admins_see_how_their_people_sign_in_but_cannot_change_it(cast: Cast, page: str) -> None:
    cast.client("administrator").post(page, settings_form())
    detail = reverse("organisations:detail", kwargs={"organisation": cast.org_a.public_id})
    admin_view = cast.client("a_admin").get(detail).content.decode()
    assert "people at northwind.example, nw.example can sign in with Northwind Microsoft account" in admin_view
    assert page not in admin_view
    assert page in cast.client("administrator").get(detail).content.decode()
    assert "Single sign-on" not in cast.client("a_sponsor").get(detail).content.decode()


def test_the_sign_in_page_offers_the_button_for_an_address_at_a_domain_with_single_sign_on(
    cast: Cast, page: str, client: Any
) -> None:
    cast.client("administrator").post(page, settings_form())
    discover = reverse("accounts:sso_discover")
    sso = SingleSignOn.objects.get()
    fragment = client.get(discover, {"login": "anyone@NW.example"}, headers={"HX-Request": "true"}).content.decode()
    assert "Sign in with Northwind Microsoft account" in fragment
    assert reverse("openid_connect_login", kwargs={"provider_id": sso.provider_id}) in fragment
    assert "<html" not in fragment
    other = client.get(discover, {"login": "someone@elsewhere.example"}, headers={"HX-Request": "true"})
    assert "No single sign-on for this address" in other.content.decode()
    # Without JavaScript, the same address on the page of its own.
    assert (
        "Sign in with Northwind Microsoft account" in client.get(discover, {"login": "a@nw.example"}).content.decode()
    )


def test_a_provider_that_is_off_offers_no_button(cast: Cast, page: str, client: Any) -> None:
    cast.client("administrator").post(page, settings_form(enabled=""))
    response = client.get(reverse("accounts:sso_discover"), {"login": "a@nw.example"})
    assert "Sign in with Northwind" not in response.content.decode()


def test_the_sign_in_pages_let_the_button_reach_the_identity_provider_and_no_other_page_does(
    cast: Cast, page: str, client: Any
) -> None:
    """The button's form is answered with a redirect to the identity provider, which browsers hold to the page's
    `form-action`: without the provider's origin there, pressing it does nothing (as tests/browser/test_sso.py
    found)."""
    cast.client("administrator").post(page, settings_form())
    SingleSignOn.objects.update(authorization_origin="https://login.example")
    login = client.get(reverse("account_login"))["Content-Security-Policy"]
    form_action = next(d for d in login.split(";") if d.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", "https://login.example", "https://login.microsoftonline.com"]
    discover = client.get(reverse("accounts:sso_discover"))["Content-Security-Policy"]
    assert "https://login.microsoftonline.com" in discover
    home = cast.client("a_participant").get(reverse("core:home"))["Content-Security-Policy"]
    assert "login.microsoftonline.com" not in home


def test_the_list_of_ones_own_links_names_no_other_organisations_provider(cast: Cast, page: str) -> None:
    cast.client("administrator").post(page, settings_form())
    response = cast.client("b_participant").get(reverse("socialaccount_connections"))
    assert response.status_code == 200
    assert "Northwind Microsoft account" not in response.content.decode()
