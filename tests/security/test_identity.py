"""Only a person can become able to sign in as themselves.

Staff and organisation admins keep the directory, but nothing they can do there (edit an address, import, invite)
hands them a way to sign in as someone else, replaces anyone's password or gets round their second factor.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import Invitation, User
from actionset.core.models import AuditEvent
from actionset.organisations.models import Person, StaffRole
from conftest import Cast
from tests.factories import TEST_PASSWORD, PersonFactory

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
            reverse("staff:invite"), {"email": "a_participant@org.test", "roles": ["trainer"]}
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


def test_a_member_without_a_login_hears_at_their_old_address_when_the_directory_points_them_elsewhere(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """Someone with no login is known only by the directory's address: whoever keeps the directory could send their
    invitation elsewhere, so the address it had is told, and the person can say it is not theirs."""
    member = PersonFactory.create(organisation=cast.org_a, email="no-login@org.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("a_admin").post(person_url(member), directory_data(member, email=ATTACKER_INBOX))
    assert response.status_code == 302
    told = mail_to("no-login@org.test")
    assert len(told) == 1
    assert ATTACKER_INBOX in told[0].body
    assert not mail_to(ATTACKER_INBOX)


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


# --- a person changes their own sign-in address ---------------------------------------------------------------------


def reauthenticate(client: Client) -> None:
    assert client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD}).status_code == 302


def request_change(client: Client, new_email: str, capture: Any) -> Any:
    reauthenticate(client)
    with capture(execute=True):
        response = client.post(reverse("accounts:email"), {"new_email": new_email})
    assert response.status_code == 302
    return response


def test_changing_ones_address_asks_for_the_password_first(cast: Cast) -> None:
    client = cast.client("a_participant")
    response = client.post(reverse("accounts:email"), {"new_email": "nia.new@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not mail.outbox


def test_asking_for_links_to_new_addresses_is_throttled(
    cast: Cast, settings, django_capture_on_commit_callbacks
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"manage_email": "2/m/user"}
    client = cast.client("a_participant")
    reauthenticate(client)
    statuses = [
        client.post(reverse("accounts:email"), {"new_email": f"new{n}@example.org"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    cache.clear()


def test_a_person_changes_their_sign_in_address_by_a_link_to_the_new_one(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    client = cast.client("a_participant")
    request_change(client, "nia.new@example.org", django_capture_on_commit_callbacks)
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == "a_participant@org.test"
    [link] = links_in(mail_to("nia.new@example.org")[-1], "/accounts/email/confirm/")
    assert AuditEvent.objects.filter(action="account.email_change_requested").exists()

    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    login = User.objects.get(pk=cast.users["a_participant"].pk)
    assert login.email == "nia.new@example.org"
    event = AuditEvent.objects.get(action="account.email_changed")
    assert event.detail["before"] == "a_participant@org.test"
    assert event.detail["after"] == "nia.new@example.org"
    # The old address is told; the directory keeps its own record.
    assert any("nia.new@example.org" in m.body for m in mail_to("a_participant@org.test"))
    assert Person.objects.get(pk=cast.people["a_participant"].pk).email == "a_participant@org.test"

    # Only the new address signs in now, and a password reset for the old one sends nothing.
    fresh = Client()
    assert (
        fresh.post(reverse("account_login"), {"login": "nia.new@example.org", "password": TEST_PASSWORD}).status_code
        == 302
    )
    refused = Client().post(reverse("account_login"), {"login": "a_participant@org.test", "password": TEST_PASSWORD})
    assert refused.status_code == 200
    mail.outbox.clear()
    Client().post(reverse("account_reset_password"), {"email": "a_participant@org.test"})
    assert not any("/password/reset/key/" in m.body for m in mail.outbox)

    # The link worked once.
    assert client.get(link).status_code == 410


def test_a_link_to_a_new_address_does_nothing_for_anyone_but_its_login(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    request_change(cast.client("a_participant"), "typo@example.org", django_capture_on_commit_callbacks)
    [link] = links_in(mail_to("typo@example.org")[-1], "/accounts/email/confirm/")
    # Whoever reads the new mailbox is sent to sign in; signed in as anyone else, the link is not found.
    anonymous = Client().post(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    other = cast.client("a_admin")
    reauthenticate(other)
    assert other.post(link).status_code == 404
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == "a_participant@org.test"


def test_confirming_a_new_address_asks_for_the_password_again(cast: Cast, django_capture_on_commit_callbacks) -> None:
    client = cast.client("a_participant")
    with django_capture_on_commit_callbacks(execute=True):
        from actionset.accounts.services import email_change_request

        user = cast.users["a_participant"]
        email_change_request(user=user, new_email="nia.new@example.org", started_by=user)
    [link] = links_in(mail_to("nia.new@example.org")[-1], "/accounts/email/confirm/")
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.get(pk=user.pk).email == "a_participant@org.test"


def test_an_expired_link_to_a_new_address_is_refused(cast: Cast, django_capture_on_commit_callbacks) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from actionset.accounts.models import EmailChange

    client = cast.client("a_participant")
    request_change(client, "nia.new@example.org", django_capture_on_commit_callbacks)
    [link] = links_in(mail_to("nia.new@example.org")[-1], "/accounts/email/confirm/")
    EmailChange.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.post(link).status_code == 410
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == "a_participant@org.test"


def test_asking_for_another_logins_address_changes_nothing_and_reveals_nothing(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    client = cast.client("a_participant")
    response = request_change(client, "b_participant@org.test", django_capture_on_commit_callbacks)
    taken = client.get(response["Location"])
    free_client = cast.client("a_sponsor")
    free = free_client.get(
        request_change(free_client, "free@example.org", django_capture_on_commit_callbacks)["Location"]
    )
    # The same message either way (bar the address), and no link reaches the other login's mailbox.
    assert [str(m) for m in taken.context["messages"]] == [
        str(m).replace("free@example.org", "b_participant@org.test") for m in free.context["messages"]
    ]
    assert all("/accounts/email/confirm/" not in m.body for m in mail_to("b_participant@org.test"))
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == "a_participant@org.test"


# --- help for someone locked out, which only they can finish --------------------------------------------------------


def start_recovery(client: Client, url: str, capture: Any, **data: str) -> Any:
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return response


def test_an_org_admin_starts_a_two_factor_reset_that_only_the_person_can_finish(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    member = cast.people["a_participant"]
    login = cast.users["a_participant"]
    turn_on_two_factor(login)
    admin = cast.client("a_admin")
    start_recovery(
        admin,
        person_url(member, "organisations:person_recovery"),
        django_capture_on_commit_callbacks,
        kind="two_factor",
    )
    # The link goes to the address the person signs in with, never to the one who started it.
    assert not mail_to("a_admin@org.test")
    [link] = links_in(mail_to(login.email)[-1], "/accounts/two-factor/reset/")
    assert AuditEvent.objects.filter(action="account.recovery_started", actor=cast.users["a_admin"]).exists()

    # Without the password the link does nothing.
    wrong = Client().post(link, {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert Authenticator.objects.filter(user=login).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = Client().post(link, {"password": TEST_PASSWORD})
    assert done.status_code == 302
    assert not Authenticator.objects.filter(user=login).exists()
    assert AuditEvent.objects.filter(action="account.recovery_completed", actor=login).exists()
    assert "turned off" in mail_to(login.email)[-1].body
    # Nobody was signed in by it; the person signs in with their password as usual.
    fresh = Client()
    assert fresh.post(reverse("account_login"), {"login": login.email, "password": TEST_PASSWORD}).status_code == 302
    assert fresh.get(reverse("accounts:profile")).status_code == 200
    assert Client().get(link).status_code == 410


def test_a_two_factor_reset_stops_working_after_a_few_wrong_passwords(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    login = cast.users["a_participant"]
    turn_on_two_factor(login)
    start_recovery(
        cast.client("administrator"),
        person_url(cast.people["a_participant"], "organisations:person_recovery"),
        django_capture_on_commit_callbacks,
        kind="two_factor",
    )
    [link] = links_in(mail_to(login.email)[-1], "/accounts/two-factor/reset/")
    for _ in range(5):
        Client().post(link, {"password": "guess"})
    assert Client().post(link, {"password": TEST_PASSWORD}).status_code == 410
    assert Authenticator.objects.filter(user=login).exists()


def test_a_password_reset_through_the_mailbox_is_not_enough_to_clear_two_factor(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    # Whoever can read the person's mailbox can reset their password. They must not then be able to clear the
    # second factor with it: the reset needs a password that was not just chosen.
    login = cast.users["a_participant"]
    turn_on_two_factor(login)
    start_recovery(
        cast.client("a_admin"),
        person_url(cast.people["a_participant"], "organisations:person_recovery"),
        django_capture_on_commit_callbacks,
        kind="two_factor",
    )
    [link] = links_in(mail_to(login.email)[-1], "/accounts/two-factor/reset/")
    Client().post(reverse("account_reset_password"), {"email": login.email})
    [reset_link] = re.findall(r"http://\S+/accounts/password/reset/key/\S+/", str(mail.outbox[-1].body))
    client = Client()
    form = client.get(reset_link, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(pk=login.pk).check_password(NEW_PASSWORD)
    assert Client().post(link, {"password": NEW_PASSWORD}).status_code == 410
    assert Authenticator.objects.filter(user=login).exists()


def test_staff_move_a_lost_mailbox_to_a_new_address_only_when_the_person_signs_in(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    login = cast.users["a_participant"]
    secret = turn_on_two_factor(login)
    admin = cast.client("a_admin")
    start_recovery(
        admin,
        person_url(cast.people["a_participant"], "organisations:person_recovery"),
        django_capture_on_commit_callbacks,
        kind="email",
        new_email=ATTACKER_INBOX,
    )
    # The old address is told who started what.
    assert ATTACKER_INBOX in mail_to(login.email)[-1].body
    [link] = links_in(mail_to(ATTACKER_INBOX)[-1], "/accounts/email/confirm/")
    # Whoever reads the new mailbox (here, the admin who started it) gets nowhere without signing in as the person.
    admin_follows = admin.post(link)
    assert admin_follows.status_code == 404
    assert Client().get(link)["Location"].startswith(reverse("account_login"))
    assert User.objects.get(pk=login.pk).email == "a_participant@org.test"

    # The person signs in with the old address, password and second factor, and confirms.
    person = Client()
    person.post(reverse("account_login"), {"login": login.email, "password": TEST_PASSWORD})
    person.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    reauthenticate(person)
    with django_capture_on_commit_callbacks(execute=True):
        assert person.post(link).status_code == 302
    assert User.objects.get(pk=login.pk).email == ATTACKER_INBOX
    assert AuditEvent.objects.filter(action="account.recovery_completed", detail__kind="email").exists()


def test_an_org_admin_cannot_start_help_for_a_login_used_outside_their_organisation(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    # A provider administrator who is also in organisation A's directory is not organisation A's admin's to help.
    staff_login = cast.users["administrator"]
    turn_on_two_factor(staff_login)
    entry = PersonFactory.create(organisation=cast.org_a, email=staff_login.email, user=staff_login)
    url = person_url(entry, "organisations:person_recovery")
    page = cast.client("a_admin").get(url)
    assert page.status_code == 200
    assert b"only the provider" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("a_admin").post(url, {"kind": "two_factor"})
        cast.client("a_admin").post(url, {"kind": "email", "new_email": ATTACKER_INBOX})
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="account.recovery_started").exists()
    # The services refuse it too, whatever page calls them.
    from actionset.accounts.services import RecoveryRefused, email_change_request, two_factor_reset_start

    for start in (
        lambda: two_factor_reset_start(actor=cast.users["a_admin"], user=staff_login, organisation=cast.org_a),
        lambda: email_change_request(
            user=staff_login, new_email=ATTACKER_INBOX, started_by=cast.users["a_admin"], organisation=cast.org_a
        ),
    ):
        with pytest.raises(RecoveryRefused):
            start()


def test_a_provider_administrator_starts_help_from_the_staff_list(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    designer = cast.users["designer"]
    turn_on_two_factor(designer)
    staff_page = cast.client("administrator").get(reverse("staff:list"))
    url = reverse("accounts:recovery_for_staff", kwargs={"user": designer.public_id})
    assert url in staff_page.content.decode()
    start_recovery(cast.client("administrator"), url, django_capture_on_commit_callbacks, kind="two_factor")
    assert links_in(mail_to(designer.email)[-1], "/accounts/two-factor/reset/")


def test_a_two_factor_reset_waits_until_a_recently_chosen_password_has_stood_a_while(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    login = cast.users["a_participant"]
    turn_on_two_factor(login)
    User.objects.filter(pk=login.pk).update(password_changed_at=timezone.now() - timedelta(days=1))
    start_recovery(
        cast.client("a_admin"),
        person_url(cast.people["a_participant"], "organisations:person_recovery"),
        django_capture_on_commit_callbacks,
        kind="two_factor",
    )
    [link] = links_in(mail_to(login.email)[-1], "/accounts/two-factor/reset/")
    too_soon = Client().post(link, {"password": TEST_PASSWORD})
    assert too_soon.status_code == 200
    assert b"try again after" in too_soon.content
    assert Authenticator.objects.filter(user=login).exists()
    User.objects.filter(pk=login.pk).update(password_changed_at=timezone.now() - timedelta(days=8))
    assert Client().post(link, {"password": TEST_PASSWORD}).status_code == 302
    assert not Authenticator.objects.filter(user=login).exists()
