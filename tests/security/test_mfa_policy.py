"""Two-factor policy: the provider can require it of its staff, and each organisation of its admins and sponsors.

A person a policy applies to who has no authenticator set up is held, once signed in, on a page that says why and
leads to allauth's set-up; every other page of ours, and the Django admin, is refused to them until it is done.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import User
from actionset.core.models import AuditEvent
from actionset.organisations.models import Organisation, Provider
from conftest import STAFF_ROLES, Cast
from tests.factories import TEST_PASSWORD


def hold() -> str:
    return reverse("accounts:two_factor_required")


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def require_for_staff() -> None:
    provider = Provider.current()
    provider.require_two_factor_for_staff = True
    provider.save()


def require_for_admins_and_sponsors(organisation: Organisation) -> None:
    organisation.require_two_factor_for_admins_and_sponsors = True
    organisation.save()


def give_two_factor(user: User) -> None:
    TOTP.activate(user, generate_totp_secret())


def signed_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


# Pages each staff role reaches today; the policy must hold every one of them back.
STAFF_PAGES = {
    "administrator": ["core:home", "staff:list", "core:audit", "organisations:list", "programmes:list"],
    "designer": ["core:home", "organisations:list", "programmes:list", "organisations:new"],
    "facilitator": ["core:home", "programmes:list", "meetings:calendar"],
    "developer": ["core:home", "organisations:list", "programmes:list"],
    "trainer": ["core:home", "programmes:list"],
}


def test_a_staff_member_without_two_factor_is_held_when_the_provider_requires_it(cast: Cast) -> None:
    require_for_staff()
    for role in STAFF_ROLES:
        client = signed_in(f"{role}@provider.test")
        for name in STAFF_PAGES[role]:
            response = client.get(reverse(name))
            assert response.status_code == 302, (role, name, response.status_code)
            assert response["Location"] == hold(), (role, name)


def test_the_django_admin_is_refused_to_a_held_administrator(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("administrator@provider.test")
    for url in (reverse("admin:index"), reverse("admin:core_auditevent_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == hold()


def test_a_held_person_posting_a_form_is_held_too_and_nothing_changes(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("administrator@provider.test")
    response = client.post(reverse("organisations:new"), {"name": "Should not exist", "sector": ""})
    assert response["Location"] == hold()
    assert not Organisation.objects.filter(name="Should not exist").exists()


def test_an_htmx_request_from_a_held_person_is_sent_to_the_hold_page(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("designer@provider.test")
    response = client.get(reverse("programmes:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == hold()


def test_the_hold_page_says_why_and_leads_to_two_factor_set_up(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("designer@provider.test")
    page = client.get(hold())
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("mfa_activate_totp") in html
    assert "every member of its staff" in html
    assert Provider.current().name in html


def test_a_held_person_may_sign_out_set_up_two_factor_and_load_static_files(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("designer@provider.test")
    assert client.get("/static/css/actionset.css").status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    # allauth asks for the password again before changing security settings: that page is open to them too.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("programmes:list"))["Location"].startswith(reverse("account_login"))


def test_setting_up_two_factor_releases_the_hold(cast: Cast) -> None:
    require_for_staff()
    client = signed_in("designer@provider.test")
    assert client.get(reverse("programmes:list"))["Location"] == hold()
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    # allauth shows the new recovery codes next: the hold lets that through, and then every page.
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("programmes:list")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


def test_staff_who_already_have_two_factor_are_not_held(cast: Cast) -> None:
    require_for_staff()
    give_two_factor(cast.users["designer"])
    assert cast.client("designer").get(reverse("programmes:list")).status_code == 200


def test_nobody_is_held_when_no_policy_asks_for_two_factor(cast: Cast) -> None:
    for role in ("designer", "a_admin", "a_sponsor"):
        assert cast.client(role).get(reverse("programmes:list")).status_code == 200


def test_the_staff_policy_does_not_hold_client_people(cast: Cast) -> None:
    require_for_staff()
    for role in ("a_participant", "a_sponsor", "a_admin", "b_participant"):
        assert cast.client(role).get(reverse("core:home")).status_code == 200, role


def test_an_organisation_requiring_two_factor_holds_its_admins_and_sponsors_and_nobody_else(cast: Cast) -> None:
    require_for_admins_and_sponsors(cast.org_a)
    for role in ("a_admin", "a_sponsor"):
        response = cast.client(role).get(reverse("core:home"))
        assert response.status_code == 302, role
        assert response["Location"] == hold()
    for role in ("a_participant", "b_participant", "administrator", "designer"):
        assert cast.client(role).get(reverse("core:home")).status_code == 200, role
    page = cast.client("a_sponsor").get(hold())
    assert "Northwind Test" in page.content.decode()


def test_a_provider_administrator_requires_two_factor_of_staff_and_it_is_audited(cast: Cast) -> None:
    client = cast.client("administrator")
    response = client.post(reverse("staff:two_factor"), {"require_two_factor_for_staff": "on"})
    assert response.status_code == 302
    assert Provider.current().require_two_factor_for_staff
    event = AuditEvent.objects.get(action="provider.two_factor_policy_changed")
    assert event.actor == cast.users["administrator"]
    assert event.detail == {"before": False, "after": True}
    # The administrator who has no second factor is held like everyone else.
    assert client.get(reverse("staff:list"))["Location"] == hold()


def test_only_provider_administrators_change_the_staff_policy(cast: Cast) -> None:
    for role in ("designer", "a_admin"):
        response = cast.client(role).post(reverse("staff:two_factor"), {"require_two_factor_for_staff": "on"})
        assert response.status_code in (403, 404), role
    assert not Provider.current().require_two_factor_for_staff


def test_an_organisation_admin_requires_two_factor_of_admins_and_sponsors_and_it_is_audited(cast: Cast) -> None:
    client = cast.client("a_admin")
    url = reverse("organisations:two_factor", kwargs={"organisation": cast.org_a.public_id})
    response = client.post(url, {"require_two_factor_for_admins_and_sponsors": "on"})
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.require_two_factor_for_admins_and_sponsors
    event = AuditEvent.objects.get(action="organisation.two_factor_policy_changed")
    assert event.organisation == cast.org_a
    assert event.detail == {"before": False, "after": True}


def test_a_provider_administrator_may_set_an_organisations_policy_but_a_designer_or_sponsor_may_not(
    cast: Cast,
) -> None:
    url = reverse("organisations:two_factor", kwargs={"organisation": cast.org_a.public_id})
    for role in ("designer", "a_sponsor", "a_participant"):
        response = cast.client(role).post(url, {"require_two_factor_for_admins_and_sponsors": "on"})
        assert response.status_code == 403, role
    assert cast.client("b_participant").post(url, {}).status_code == 404
    cast.org_a.refresh_from_db()
    assert not cast.org_a.require_two_factor_for_admins_and_sponsors
    assert cast.client("administrator").post(url, {"require_two_factor_for_admins_and_sponsors": "on"}).status_code
    cast.org_a.refresh_from_db()
    assert cast.org_a.require_two_factor_for_admins_and_sponsors


def test_turning_two_factor_off_under_a_policy_holds_the_person_again_until_it_is_set_up_again(cast: Cast) -> None:
    # Turning it off is how a person moves to a new phone, so it is allowed; the hold makes it the next thing they do.
    require_for_staff()
    user = cast.users["designer"]
    give_two_factor(user)
    client = cast.client("designer")
    assert client.get(reverse("programmes:list")).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("programmes:list"))["Location"] == hold()
