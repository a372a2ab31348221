from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import Invitation, User
from actionset.accounts.services import invitation_send
from actionset.core.models import AuditEvent
from actionset.organisations.models import StaffRole
from conftest import Cast

NEW_PASSWORD = "river-lantern-orchard-42"


def token_from_last_email() -> str:
    match = re.search(r"/accounts/invitations/([^/\s]+)/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.fixture
def invited(cast: Cast, django_capture_on_commit_callbacks):
    person = cast.people["a_admin"].organisation.people.create(name="Nia Jones", email="nia@org.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("a_admin").post(
            reverse(
                "organisations:person_invite", kwargs={"organisation": cast.org_a.public_id, "person": person.public_id}
            )
        )
    assert response.status_code == 302
    return person


def test_an_organisation_admin_invites_a_person_by_email_with_text_and_html_parts(cast: Cast, invited) -> None:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["nia@org.test"]
    assert "Northwind Test" in message.subject
    assert message.alternatives
    assert message.alternatives[0][1] == "text/html"
    assert AuditEvent.objects.filter(action="invitation.sent", actor=cast.users["a_admin"]).exists()


def test_the_invitee_sets_a_password_and_is_signed_in_and_linked_to_their_directory_entry(cast: Cast, invited) -> None:
    url = reverse("accounts:invitation", kwargs={"token": token_from_last_email()})
    response = cast.client("anonymous").post(
        url, {"name": "Nia Jones", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nia@org.test")
    assert user.check_password(NEW_PASSWORD)
    invited.refresh_from_db()
    assert invited.user == user
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=user).exists()


def test_an_invitation_link_works_only_once(cast: Cast, invited) -> None:
    url = reverse("accounts:invitation", kwargs={"token": token_from_last_email()})
    data = {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert cast.client("anonymous").post(url, data).status_code == 302
    second = cast.client("anonymous").post(url, data)
    assert second.status_code == 410
    assert b"already been used" in second.content


def test_an_expired_invitation_is_refused_with_an_explanation(cast: Cast, invited) -> None:
    token = token_from_last_email()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = cast.client("anonymous").get(reverse("accounts:invitation", kwargs={"token": token}))
    assert response.status_code == 410
    assert b"expired" in response.content


def test_a_new_invitation_replaces_the_old_link(cast: Cast, invited, django_capture_on_commit_callbacks) -> None:
    first = token_from_last_email()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(invited_by=cast.users["a_admin"], email="nia@org.test", organisation=cast.org_a, person=invited)
    response = cast.client("anonymous").get(reverse("accounts:invitation", kwargs={"token": first}))
    assert response.status_code == 410


def test_an_unknown_token_is_not_found(cast: Cast) -> None:
    assert cast.client("anonymous").get(reverse("accounts:invitation", kwargs={"token": "nope"})).status_code == 404


def test_mismatched_or_weak_passwords_re_render_the_form_with_errors(cast: Cast, invited) -> None:
    url = reverse("accounts:invitation", kwargs={"token": token_from_last_email()})
    response = cast.client("anonymous").post(url, {"name": "Nia", "password1": NEW_PASSWORD, "password2": "different"})
    assert response.status_code == 200
    assert b"not the same" in response.content
    response = cast.client("anonymous").post(url, {"name": "Nia", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(email="nia@org.test").exists()


def test_a_staff_invitation_grants_the_chosen_roles(cast: Cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("administrator").post(
            reverse("staff:invite"), {"email": "new.trainer@provider.test", "roles": ["trainer", "facilitator"]}
        )
    assert response.status_code == 302
    url = reverse("accounts:invitation", kwargs={"token": token_from_last_email()})
    cast.client("anonymous").post(url, {"name": "New Trainer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user = User.objects.get(email="new.trainer@provider.test")
    assert set(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == {"trainer", "facilitator"}


def test_a_staff_invitation_needs_a_role(cast: Cast) -> None:
    response = cast.client("administrator").post(reverse("staff:invite"), {"email": "x@provider.test"})
    assert response.status_code == 200
    assert b"Choose at least one role" in response.content
    assert not Invitation.objects.exists()
