"""Logins and how people come by them.

The rule every function here keeps: nobody but the person can make a login theirs. Staff and organisation admins keep
the directory, but a directory entry is linked to a login only by someone signed in as that login, and a login's
password is set only by its owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import Invitation, User, new_token
from actionset.core.audit import audit_record
from actionset.core.email import email_send
from actionset.organisations.models import Person, StaffRole

if TYPE_CHECKING:
    from actionset.organisations.models import Organisation


class InvitationUnusable(Exception):
    """The link has been used, revoked or has expired, or its directory entry has been linked meanwhile."""


class InvitationNeedsSignIn(Exception):
    """The invitation's address already belongs to a login: its owner accepts by signing in as it."""


class InvitationNotForYou(Exception):
    """The signed-in login's address is not the one the invitation was sent to."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail_after_commit(*, to: str, template: str, context: dict[str, Any]) -> None:
    # After commit: a rolled-back change must not leave a working-looking email behind.
    transaction.on_commit(lambda: email_send(to=[to], template=template, context=context))


def login_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


# --- invitations ---------------------------------------------------------------------------------------------------


def invitation_send(
    *,
    invited_by: User,
    email: str,
    organisation: Organisation | None = None,
    person: Person | None = None,
    staff_roles: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> Invitation | None:
    """Invite someone by email. Any earlier pending invitation for the same address and place is revoked,
    so only the newest link works.

    A directory entry that already has a login is not invited again: its owner is reminded, at the address they sign
    in with, that they can sign in, and None is returned. Whatever the directory now says their address is, no link
    goes there.
    """
    if person is not None and person.user is not None:
        sign_in_reminder_send(sent_by=invited_by, person=person, request=request)
        return None
    email = email.strip().lower()
    with transaction.atomic():
        Invitation.objects.pending().filter(email=email, organisation=organisation).update(revoked_at=timezone.now())
        token, token_hash = new_token()
        invitation = Invitation.objects.create(
            email=email,
            token_hash=token_hash,
            invited_by=invited_by,
            organisation=organisation,
            person=person,
            staff_roles=sorted(set(staff_roles)),
            expires_at=Invitation.default_expiry(),
        )
        audit_record(
            actor=invited_by,
            action="invitation.sent",
            target=invitation,
            organisation=organisation,
            detail={"email": email, "staff_roles": invitation.staff_roles},
            request=request,
        )
        link = _absolute(reverse("accounts:invitation", kwargs={"token": token}))
        context = {
            "invitation": invitation,
            "link": link,
            "invited_by": invited_by,
            "organisation": organisation,
            # Said in the email, so that someone who already signs in knows to sign in rather than look for a form.
            "has_login": login_for_email(email) is not None,
        }
        _mail_after_commit(to=email, template="invitation", context=context)
    return invitation


def sign_in_reminder_send(*, sent_by: User, person: Person, request: HttpRequest | None = None) -> None:
    """Remind someone who has a login that they can sign in, at the address they sign in with."""
    login = person.user
    assert login is not None, "a reminder is for someone who has a login"
    with transaction.atomic():
        audit_record(
            actor=sent_by,
            action="account.sign_in_reminder_sent",
            target=person,
            organisation=person.organisation,
            request=request,
        )
        context = {
            "name": login.name or person.name,
            "organisation": person.organisation,
            "sent_by": sent_by,
            "login_url": _absolute(reverse("account_login")),
            "reset_url": _absolute(reverse("account_reset_password")),
        }
        _mail_after_commit(to=login.email, template="sign_in_reminder", context=context)


def _invitation_locked(invitation: Invitation) -> Invitation:
    # Lock the row so that two clicks on the same link cannot both succeed.
    locked = Invitation.objects.select_for_update().select_related("person", "organisation").get(pk=invitation.pk)
    if not locked.is_usable:
        raise InvitationUnusable(locked.state)
    return locked


def invitation_accept(*, invitation: Invitation, name: str, password: str, request: HttpRequest | None = None) -> User:
    """Accept an invitation by creating the login it was sent for, with the password its recipient chose.

    Never for an address that already has a login: that login's password is its owner's, and so is the decision to
    link it; raises InvitationNeedsSignIn.
    """
    with transaction.atomic():
        invitation = _invitation_locked(invitation)
        if login_for_email(invitation.email) is not None:
            raise InvitationNeedsSignIn
        user = User.objects.create_user(invitation.email, password, name=name)
        audit_record(
            actor=user, action="account.created", target=user, organisation=invitation.organisation, request=request
        )
        _invitation_complete(invitation=invitation, user=user, request=request)
    return user


def invitation_accept_as(*, invitation: Invitation, user: User, request: HttpRequest | None = None) -> None:
    """Accept an invitation as the signed-in login whose address it was sent to: links the directory entry to it and
    grants the staff roles it names. Nothing about the login itself changes."""
    with transaction.atomic():
        invitation = _invitation_locked(invitation)
        if user.email.lower() != invitation.email.lower():
            raise InvitationNotForYou
        _invitation_complete(invitation=invitation, user=user, request=request)


def _invitation_complete(*, invitation: Invitation, user: User, request: HttpRequest | None) -> None:
    person = None
    if invitation.person_id is not None:
        person = Person.objects.select_for_update().select_related("organisation").get(pk=invitation.person_id)
        if person.user_id is not None:
            raise InvitationUnusable("linked")
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit_record(
            actor=user,
            action="person.linked",
            target=person,
            organisation=person.organisation,
            detail={"login": str(user.public_id), "by": "invitation"},
            request=request,
        )
    granted = []
    for role in invitation.staff_roles:
        _, created = StaffRole.objects.get_or_create(user=user, role=role)
        if created:
            granted.append(role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit_record(
        actor=user,
        action="invitation.accepted",
        target=invitation,
        organisation=invitation.organisation,
        detail={"staff_roles_granted": granted} if granted else None,
        request=request,
    )
    roles = [StaffRole.Role(r).label for r in granted]
    context = {"user": user, "person": person, "organisation": invitation.organisation, "staff_roles": roles}
    _mail_after_commit(to=user.email, template="invitation_accepted", context=context)
