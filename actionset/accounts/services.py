from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import Invitation, User
from actionset.core.audit import audit_record
from actionset.core.email import email_send
from actionset.organisations.models import StaffRole

if TYPE_CHECKING:
    from actionset.organisations.models import Organisation, Person


class InvitationUnusable(Exception):
    """The link has been used, revoked or has expired."""


def invitation_send(
    *,
    invited_by: User,
    email: str,
    organisation: Organisation | None = None,
    person: Person | None = None,
    staff_roles: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone by email. Any earlier pending invitation for the same address and place is revoked,
    so only the newest link works."""
    email = email.strip().lower()
    with transaction.atomic():
        Invitation.objects.pending().filter(email=email, organisation=organisation).update(revoked_at=timezone.now())
        token, token_hash = Invitation.new_token()
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
        link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", kwargs={"token": token})
        context = {"invitation": invitation, "link": link, "invited_by": invited_by, "organisation": organisation}
        # Send after commit: a rolled-back invitation must not leave a working-looking email behind.
        transaction.on_commit(lambda: email_send(to=[email], template="invitation", context=context))
    return invitation


def invitation_accept(*, invitation: Invitation, name: str, password: str, request: HttpRequest | None = None) -> User:
    with transaction.atomic():
        # Lock the row so that two clicks on the same link cannot both succeed.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise InvitationUnusable(invitation.state)
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User.objects.create_user(invitation.email, password, name=name)
        else:
            user.name = name or user.name
            user.set_password(password)
            user.save(update_fields=["name", "password"])
        if invitation.person_id:
            person = invitation.person
            assert person is not None
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        for role in invitation.staff_roles:
            StaffRole.objects.get_or_create(user=user, role=role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at", "updated_at"])
        audit_record(
            actor=user,
            action="invitation.accepted",
            target=invitation,
            organisation=invitation.organisation,
            request=request,
        )
    return user
