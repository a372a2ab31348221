"""Only a person can become able to sign in as themselves.

Staff and organisation admins keep the directory, but nothing they can do there (edit an address, import, invite)
hands them a way to sign in as someone else, replaces anyone's password or gets round their second factor.
"""

from __future__ import annotations

import re
import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import Invitation, User
from actionset.core.factories import TEST_PASSWORD, PersonFactory
from actionset.core.models import AuditEvent
from actionset.organisations.models import Person, StaffRole
from conftest import Cast

NEW_PASSWORD = "river-lantern-orchard-42"
ATTACKER_INBOX = "admin-reads-this@org.test"


def links_in(message: Any, path: str) -> list[str]:
    return re.findall(rf"{re.escape(path)}[^\s\"<]+/", str(message.body))


def mail_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def person_url(person: Person, name: str = "organisations:person") -> str:
    return reverse(name, kwargs={"organisation": person.organisation.public_id, "person": person.public_id})


def directory_data(person: Person, **changes: str) -> dict[str, str]:
    data = {
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "level": person.level,
        "site": person.site,
        "line_manager": "",
    }
    data.update(changes)
    return data


def turn_on_two_factor(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_org_admin_cannot_take_over_a_member_by_changing_their_directory_email(
    programme_world: Cast, django_capture_on_commit_callbacks
) -> None:
    cast = programme_world
    member = cast.people["a_participant"]
    work = reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})  # type: ignore[union-attr]
    admin = cast.client("a_admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(person_url(member), directory_data(member, email=ATTACKER_INBOX)).status_code == 302
        assert admin.post(person_url(member, "organisations:person_invite")).status_code == 302

    # Whatever reached the address the admin reads, it is no way in.
    for message in mail_to(ATTACKER_INBOX):
        for link in links_in(message, "/accounts/invitations/"):
            attacker = Client()
            attacker.post(link, {"name": "Not Them", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
            assert attacker.get(work).status_code == 404
    member.refresh_from_db()
    assert member.user == cast.users["a_participant"]
    login = User.objects.get(pk=cast.users["a_participant"].pk)
    assert login.email == "a_participant@org.test"
    assert login.check_password(TEST_PASSWORD)
    assert not User.objects.filter(email=ATTACKER_INBOX).exists()
    # The member still signs in as before and reaches their set's work.
    client = Client()
    client.post(reverse("account_login"), {"login": "a_participant@org.test", "password": TEST_PASSWORD})
    assert client.get(work).status_code == 200


def test_inviting_someone_who_has_a_login_reminds_them_at_their_login_address_and_links_nothing(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    member = cast.people["a_participant"]
    Person.objects.filter(pk=member.pk).update(email="directory-only@org.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("a_admin").post(person_url(member, "organisations:person_invite"))
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert [m.to for m in mail.outbox] == [["a_participant@org.test"]]
    assert "/accounts/invitations/" not in mail.outbox[0].body
    assert reverse("account_login") in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="account.sign_in_reminder_sent", target_id=str(member.public_id)).exists()


def test_an_invitation_to_an_address_that_has_a_login_never_sets_its_password_or_skips_its_second_factor(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    # Organisation A's admin adds someone whose address is already a login (here organisation B's participant,
    # who has two-factor authentication on) and invites them: whoever reads that mailbox gets the link.
    victim = cast.users["b_participant"]
    turn_on_two_factor(victim)
    entry = PersonFactory.create(organisation=cast.org_a, email=victim.email, name="Same Address")
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("a_admin").post(person_url(entry, "organisations:person_invite"))
    [link] = links_in(mail_to(victim.email)[-1], "/accounts/invitations/")
    stranger = Client()
    page = stranger.get(link)
    assert page.status_code == 200
    assert b"password1" not in page.content
    stranger.post(link, {"name": "Not Them", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    victim.refresh_from_db()
    assert victim.check_password(TEST_PASSWORD)
    assert not victim.check_password(NEW_PASSWORD)
    assert stranger.get(reverse("accounts:profile")).status_code == 302  # not signed in
    entry.refresh_from_db()
    assert entry.user is None


def test_a_staff_invitation_to_an_existing_login_never_resets_its_password(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("administrator").post(
            reverse("core:staff_invite"), {"email": "a_participant@org.test", "roles": ["trainer"]}
        )
    [link] = links_in(mail.outbox[-1], "/accounts/invitations/")
    stranger = Client()
    stranger.post(link, {"name": "Not Them", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    login = User.objects.get(email="a_participant@org.test")
    assert login.check_password(TEST_PASSWORD)
    assert not StaffRole.objects.filter(user=login).exists()
    assert stranger.get(reverse("accounts:profile")).status_code == 302


def test_an_invitation_to_an_existing_login_is_accepted_by_signing_in_as_that_login(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    login = cast.users["b_participant"]
    entry = PersonFactory.create(organisation=cast.org_a, email=login.email, name="Same Person")
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("a_admin").post(person_url(entry, "organisations:person_invite"))
    [link] = links_in(mail.outbox[-1], "/accounts/invitations/")

    # Someone else who is signed in links nothing.
    other = cast.client("a_sponsor")
    assert other.get(link).status_code == 200
    other.post(link)
    entry.refresh_from_db()
    assert entry.user is None

    client = cast.client("b_participant")
    page = client.get(link)
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    entry.refresh_from_db()
    assert entry.user == login
    assert Invitation.objects.get().accepted_at is not None
    assert AuditEvent.objects.filter(action="person.linked", target_id=str(entry.public_id), actor=login).exists()
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=login).exists()
    assert mail_to(login.email)[-1].subject  # told, at the login's own address


def test_an_invitation_for_a_directory_entry_that_has_since_got_a_login_is_unusable(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    entry = PersonFactory.create(organisation=cast.org_a, email="nia@org.test", name="Nia Jones")
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("a_admin").post(person_url(entry, "organisations:person_invite"))
    [link] = links_in(mail.outbox[-1], "/accounts/invitations/")
    Person.objects.filter(pk=entry.pk).update(user=cast.users["b_participant"])
    response = Client().post(link, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="nia@org.test").exists()


def test_a_directory_email_change_or_import_leaves_the_login_alone(cast: Cast) -> None:
    member = cast.people["a_participant"]
    admin = cast.client("a_admin")
    assert admin.post(person_url(member), directory_data(member, email="new-directory@org.test")).status_code == 302
    member.refresh_from_db()
    assert member.email == "new-directory@org.test"
    assert member.user == cast.users["a_participant"]
    assert User.objects.get(pk=member.user.pk).email == "a_participant@org.test"
    event = AuditEvent.objects.get(action="person.updated", target_id=str(member.public_id))
    assert event.detail["email"] == {"before": "a_participant@org.test", "after": "new-directory@org.test"}


def test_mail_about_a_set_goes_to_a_members_login_address_not_the_directory_address(programme_world: Cast) -> None:
    from actionset.meetings.services import set_recipients

    cast = programme_world
    Person.objects.filter(pk=cast.people["a_participant"].pk).update(email=ATTACKER_INBOX)
    addresses = {r.email for r in set_recipients(cast.learning_set)}  # type: ignore[arg-type]
    assert "a_participant@org.test" in addresses
    assert ATTACKER_INBOX not in addresses


def test_two_factor_is_untouched_by_anything_staff_do_in_the_directory(cast: Cast) -> None:
    login = cast.users["a_participant"]
    turn_on_two_factor(login)
    member = cast.people["a_participant"]
    cast.client("administrator").post(person_url(member), directory_data(member, email="x@org.test"))
    cast.client("administrator").post(person_url(member, "organisations:person_invite"))
    assert Authenticator.objects.filter(user=login).exists()
