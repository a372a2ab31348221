"""The staff list, and deactivating a login in the app (not only in the Django admin).

Deactivation turns the login off, ends every session it has at once, revokes its pending invitations, is audited and
tells the person by email. A provider administrator deactivates staff and client people; an organisation admin only
people of their own organisation who are not staff, and never themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import Invitation, User
from actionset.core.models import AuditEvent
from actionset.organisations.models import Person
from conftest import Cast
from tests.factories import TEST_PASSWORD, OrganisationFactory, PersonFactory, UserFactory


def signed_in(email: str) -> Client:
    """A session begun through the real sign-in page, as a person's browser would have one."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    return client


def staff_url(name: str, user: User) -> str:
    return reverse(f"staff:{name}", kwargs={"user": user.public_id})


def person_url(name: str, person: Person) -> str:
    return reverse(
        f"organisations:person_{name}",
        kwargs={"organisation": person.organisation.public_id, "person": person.public_id},
    )


def login_is_active(person: Person) -> bool:
    assert person.user is not None
    person.user.refresh_from_db()
    return person.user.is_active


def is_sent_to_sign_in(client: Client) -> bool:
    response = client.get(reverse("organisations:list"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- the staff list ---------------------------------------------------------------------------------------------


def test_the_staff_list_shows_two_factor_last_sign_in_and_who_is_active(cast: Cast) -> None:
    designer, trainer, developer = cast.users["designer"], cast.users["trainer"], cast.users["developer"]
    TOTP.activate(designer, generate_totp_secret())
    User.objects.filter(pk=designer.pk).update(last_login=dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC))
    User.objects.filter(pk=trainer.pk).update(last_login=None)
    User.objects.filter(pk=developer.pk).update(is_active=False)
    page = cast.client("administrator").get(reverse("staff:list"))
    rows = {member.pk: member for member in page.context["people"]}
    assert rows[designer.pk].has_two_factor
    assert not rows[trainer.pk].has_two_factor
    html = page.content.decode()
    assert "4 Mar 2026" in html
    assert "Never" in html
    assert "Deactivated" in html
    assert "Two-factor on" in html


# --- deactivating staff -----------------------------------------------------------------------------------------


def test_a_deactivated_staff_members_existing_session_gets_a_sign_in_page_on_the_next_request(cast: Cast) -> None:
    designer = cast.users["designer"]
    browser = signed_in(designer.email)
    forced = cast.client("designer")  # a session begun without the sign-in page (as tests and some flows do)
    admin = cast.client("administrator")
    confirm = admin.get(staff_url("deactivate", designer))
    assert confirm.status_code == 200
    assert "Deactivate" in confirm.content.decode()
    response = admin.post(staff_url("deactivate", designer))
    assert response.status_code == 302
    designer.refresh_from_db()
    assert not designer.is_active
    assert is_sent_to_sign_in(browser)
    assert is_sent_to_sign_in(forced)


def test_deactivation_ends_the_sessions_in_the_session_store(cast: Cast) -> None:
    designer = cast.users["designer"]
    first, second = signed_in(designer.email), signed_in(designer.email)
    keys = [first.session.session_key, second.session.session_key]
    assert Session.objects.filter(session_key__in=keys).count() == 2
    cast.client("administrator").post(staff_url("deactivate", designer))
    assert not Session.objects.filter(session_key__in=keys).exists()


def test_deactivation_is_audited_revokes_pending_invitations_and_tells_the_person(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    designer = cast.users["designer"]
    pending = Invitation.objects.create(
        email=designer.email, token_hash="x" * 64, expires_at=Invitation.default_expiry(), staff_roles=["trainer"]
    )
    with_person = PersonFactory.create(organisation=cast.org_a, user=designer)
    pending_for_person = Invitation.objects.create(
        email="elsewhere@example.org",
        token_hash="y" * 64,
        expires_at=Invitation.default_expiry(),
        organisation=cast.org_a,
        person=with_person,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("administrator").post(staff_url("deactivate", designer))
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.actor == cast.users["administrator"]
    assert event.target_id == str(designer.public_id)
    assert event.detail["invitations_revoked"] == 2
    pending.refresh_from_db()
    pending_for_person.refresh_from_db()
    assert pending.revoked_at is not None
    assert pending_for_person.revoked_at is not None
    assert [m.to for m in mail.outbox] == [[designer.email]]
    assert "can no longer sign in" in mail.outbox[0].body


def test_a_deactivated_person_cannot_sign_in_and_reactivation_lets_them_in_again(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    designer = cast.users["designer"]
    admin = cast.client("administrator")
    old = signed_in(designer.email)
    admin.post(staff_url("deactivate", designer))
    refused = Client()
    refused.post(reverse("account_login"), {"login": designer.email, "password": TEST_PASSWORD})
    assert is_sent_to_sign_in(refused)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(staff_url("reactivate", designer))
    assert response.status_code == 302
    designer.refresh_from_db()
    assert designer.is_active
    assert AuditEvent.objects.filter(action="account.reactivated", target_id=str(designer.public_id)).exists()
    assert [m.to for m in mail.outbox] == [[designer.email]]
    signed_in(designer.email)
    # The session from before the deactivation stays ended: reactivating does not bring it back.
    assert is_sent_to_sign_in(old)


def test_nobody_deactivates_themselves(cast: Cast) -> None:
    admin = cast.users["administrator"]
    client = cast.client("administrator")
    client.post(staff_url("deactivate", admin))
    admin.refresh_from_db()
    assert admin.is_active
    assert not AuditEvent.objects.filter(action="account.deactivated").exists()


def test_the_last_active_provider_administrator_cannot_be_deactivated(cast: Cast) -> None:
    from actionset.organisations.services import AccessChangeRefused, account_deactivate

    only_admin = cast.users["administrator"]
    # Whoever asks (the view would have refused a non-administrator already), the service keeps one administrator.
    with pytest.raises(AccessChangeRefused):
        account_deactivate(actor=cast.users["designer"], user=only_admin)
    only_admin.refresh_from_db()
    assert only_admin.is_active


def test_one_of_two_provider_administrators_may_deactivate_the_other(cast: Cast) -> None:
    from actionset.organisations.services import AccessChangeRefused, account_deactivate

    second = UserFactory.create(email="second-admin@provider.test", staff_roles=["administrator"])
    cast.client("administrator").post(staff_url("deactivate", second))
    second.refresh_from_db()
    assert not second.is_active
    # Now the first is the last active administrator.
    with pytest.raises(AccessChangeRefused):
        account_deactivate(actor=second, user=cast.users["administrator"])


def test_only_provider_administrators_deactivate_staff(cast: Cast) -> None:
    trainer = cast.users["trainer"]
    for role in ("designer", "facilitator", "a_admin"):
        response = cast.client(role).post(staff_url("deactivate", trainer))
        assert response.status_code in (403, 404), role
    trainer.refresh_from_db()
    assert trainer.is_active


# --- deactivating a client organisation's people ----------------------------------------------------------------


def test_an_organisation_admin_deactivates_a_member_of_their_own_organisation(cast: Cast) -> None:
    member = cast.people["a_participant"]
    browser = signed_in(member.email)
    client = cast.client("a_admin")
    assert client.get(person_url("deactivate", member)).status_code == 200
    response = client.post(person_url("deactivate", member))
    assert response.status_code == 302
    assert is_sent_to_sign_in(browser)
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.organisation == cast.org_a
    client.post(person_url("reactivate", member))
    signed_in(member.email)


def test_a_session_begun_by_accepting_an_invitation_ends_too_and_stays_ended(cast: Cast) -> None:
    # Accepting an invitation signs the new person in with Django's own login(), not allauth's sign-in page.
    token, token_hash = Invitation.new_token()
    entry = PersonFactory.create(organisation=cast.org_a, email="nia@org.test")
    Invitation.objects.create(
        email=entry.email,
        token_hash=token_hash,
        expires_at=Invitation.default_expiry(),
        organisation=cast.org_a,
        person=entry,
    )
    browser = Client()
    password = "quiet-harbour-lantern-7"
    browser.post(
        reverse("accounts:invitation", kwargs={"token": token}),
        {"name": "Nia Jones", "password1": password, "password2": password},
    )
    assert browser.get(reverse("accounts:profile")).status_code == 200
    entry.refresh_from_db()
    admin = cast.client("a_admin")
    admin.post(person_url("deactivate", entry))
    assert is_sent_to_sign_in(browser)
    admin.post(person_url("reactivate", entry))
    assert is_sent_to_sign_in(browser)


def test_an_organisation_admin_cannot_deactivate_themselves(cast: Cast) -> None:
    own = cast.people["a_admin"]
    cast.client("a_admin").post(person_url("deactivate", own))
    assert login_is_active(own)


def test_an_organisation_admin_cannot_deactivate_staff_even_when_they_are_in_the_directory(cast: Cast) -> None:
    facilitator = cast.users["facilitator"]
    entry = PersonFactory.create(organisation=cast.org_a, user=facilitator, email=facilitator.email)
    page = cast.client("a_admin").get(person_url("deactivate", entry))
    assert "provider" in page.content.decode()
    cast.client("a_admin").post(person_url("deactivate", entry))
    facilitator.refresh_from_db()
    assert facilitator.is_active


def test_an_organisation_admin_cannot_deactivate_a_login_another_organisation_also_uses(cast: Cast) -> None:
    shared = UserFactory.create(email="shared@org.test")
    entry = PersonFactory.create(organisation=cast.org_a, user=shared, email=shared.email)
    PersonFactory.create(organisation=OrganisationFactory.create(), user=shared, email=shared.email)
    cast.client("a_admin").post(person_url("deactivate", entry))
    shared.refresh_from_db()
    assert shared.is_active
    # A provider administrator may: they answer for every organisation.
    cast.client("administrator").post(person_url("deactivate", entry))
    shared.refresh_from_db()
    assert not shared.is_active


def test_people_of_another_organisation_are_not_found(cast: Cast) -> None:
    other = cast.people["b_participant"]
    assert cast.client("a_admin").post(person_url("deactivate", other)).status_code == 404
    wrong_pair = reverse(
        "organisations:person_deactivate",
        kwargs={"organisation": cast.org_a.public_id, "person": other.public_id},
    )
    assert cast.client("a_admin").post(wrong_pair).status_code == 404
    assert login_is_active(other)


def test_sponsors_participants_and_designers_cannot_deactivate_client_people(cast: Cast) -> None:
    member = cast.people["a_participant"]
    for role in ("a_sponsor", "designer", "developer"):
        assert cast.client(role).post(person_url("deactivate", member)).status_code == 403, role
    assert login_is_active(member)


def test_a_directory_entry_without_a_login_has_nothing_to_deactivate(cast: Cast) -> None:
    entry = PersonFactory.create(organisation=cast.org_a)
    assert cast.client("a_admin").get(person_url("deactivate", entry)).status_code == 404


def test_the_directory_shows_two_factor_and_last_sign_in_for_admins_and_sponsors(cast: Cast) -> None:
    sponsor = cast.users["a_sponsor"]
    TOTP.activate(sponsor, generate_totp_secret())
    User.objects.filter(pk=sponsor.pk).update(last_login=timezone.make_aware(dt.datetime(2026, 2, 1, 10, 0)))
    User.objects.filter(pk=cast.users["a_participant"].pk).update(is_active=False)
    url = reverse("organisations:people", kwargs={"organisation": cast.org_a.public_id})
    html = cast.client("a_admin").get(url).content.decode()
    assert "Two-factor on" in html
    assert "Two-factor off" in html  # the admin themselves
    assert "1 Feb 2026" in html
    assert "Deactivated" in html
    # Designers keep the directory, not its people's sign-in security.
    assert "Two-factor" not in cast.client("designer").get(url).content.decode()
