"""Logins and how people come by them: invitations, a person's own change of sign-in address, and the help staff can
start for someone locked out, which only that person can finish.

The rule every function here keeps: nobody but the person can make a login theirs. Staff and organisation admins keep
the directory, but a directory entry is linked to a login only by someone signed in as that login, a login's password
is set only by its owner, and a login's address changes only when its owner, signed in, confirms it from the new
mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionset.accounts.models import EmailChange, Invitation, TwoFactorReset, User, new_token
from actionset.core.audit import AuditAction, audit_record
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


class LinkUnusable(Exception):
    """A sign-in address or two-factor link that has been used, replaced or has expired."""


class AddressInUse(Exception):
    """The new sign-in address has become another login's."""


class WrongPassword(Exception):
    """The password given to clear two-factor authentication is not the login's."""


@dataclass
class PasswordTooRecent(Exception):
    """The login's password was chosen too recently to be enough, alone, to clear two-factor authentication."""

    usable_from: datetime


class RecoveryRefused(Exception):
    """This member of staff may not start this help for this login; the message says why."""


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
    invited_by: User | None,
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
        # Reminders name who asked for them; only `bootstrap` invites with nobody asking, and never a directory entry.
        assert invited_by is not None, "a directory entry is invited by someone"
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
            action=AuditAction.INVITATION_SENT,
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
            action=AuditAction.ACCOUNT_SIGN_IN_REMINDER_SENT,
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
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .get(pk=invitation.pk)
    )
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
        user = User.objects.create_user(invitation.email, password, name=name, password_changed_at=timezone.now())
        audit_record(
            actor=user,
            action=AuditAction.ACCOUNT_CREATED,
            target=user,
            organisation=invitation.organisation,
            request=request,
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


def person_link(*, person: Person, user: User, by: str, request: HttpRequest | None = None) -> None:
    """Make `user` the login of the directory entry `person` (locked by the caller), audited with how it happened."""
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=user,
        action=AuditAction.PERSON_LINKED,
        target=person,
        organisation=person.organisation,
        detail={"login": str(user.public_id), "by": by},
        request=request,
    )


def _invitation_complete(*, invitation: Invitation, user: User, request: HttpRequest | None) -> None:
    person = None
    if invitation.person_id is not None:
        person = Person.objects.select_for_update().select_related("organisation").get(pk=invitation.person_id)
        if person.user_id is not None:
            raise InvitationUnusable("linked")
        person_link(person=person, user=user, by="invitation", request=request)
    granted = []
    for role in invitation.staff_roles:
        _, created = StaffRole.objects.get_or_create(user=user, role=role)
        if created:
            granted.append(role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit_record(
        actor=user,
        action=AuditAction.INVITATION_ACCEPTED,
        target=invitation,
        organisation=invitation.organisation,
        detail={"staff_roles_granted": granted} if granted else None,
        request=request,
    )
    roles = [StaffRole.Role(r).label for r in granted]
    context = {"user": user, "person": person, "organisation": invitation.organisation, "staff_roles": roles}
    _mail_after_commit(to=user.email, template="invitation_accepted", context=context)


# --- a login's sign-in address -------------------------------------------------------------------------------------


def email_change_request(
    *,
    user: User,
    new_email: str,
    started_by: User,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Start moving `user` to `new_email`: a link goes to the new address, and the move happens only when `user`'s
    owner opens it signed in and confirms with their password (`email_change_confirm`).

    `started_by` is the person themselves, or a member of staff helping someone who has lost their mailbox; staff get
    no further than this, and the old address is told. When the new address is already another login's, no link goes
    out: the new address is told so instead, and the caller cannot tell the difference, so asking reveals nobody's
    login.
    """
    new_email = new_email.strip().lower()
    now = timezone.now()
    by_staff = started_by.pk != user.pk
    if by_staff:
        recovery_check(actor=started_by, user=user, organisation=organisation)
    with transaction.atomic():
        EmailChange.objects.pending().filter(user=user).update(revoked_at=now)
        other = login_for_email(new_email)
        in_use = other is not None and other.pk != user.pk
        audit_record(
            actor=started_by,
            action=AuditAction.ACCOUNT_RECOVERY_STARTED if by_staff else AuditAction.ACCOUNT_EMAIL_CHANGE_REQUESTED,
            target=user,
            organisation=organisation,
            detail={"kind": "email", "new_email": new_email, **({"address_in_use": True} if in_use else {})},
            request=request,
        )
        context: dict[str, Any] = {
            "user": user,
            "old_email": user.email,
            "new_email": new_email,
            "started_by": started_by if by_staff else None,
        }
        if by_staff:
            _mail_after_commit(to=user.email, template="email_change_started", context=context)
        if in_use:
            _mail_after_commit(to=new_email, template="email_change_in_use", context=context)
            return
        token, token_hash = new_token()
        change = EmailChange.objects.create(
            user=user,
            token_hash=token_hash,
            started_by=started_by,
            organisation=organisation,
            old_email=user.email,
            new_email=new_email,
            expires_at=now + timedelta(days=settings.EMAIL_CHANGE_VALID_DAYS),
        )
        link = _absolute(reverse("accounts:email_confirm", kwargs={"token": token}))
        _mail_after_commit(
            to=new_email, template="email_change_confirm", context={**context, "link": link, "change": change}
        )


def email_change_confirm(*, change: EmailChange, user: User, request: HttpRequest | None = None) -> None:
    """Move `user` to the change's new address. The caller has made sure `user` is signed in and has just given their
    password (or second factor) again."""
    with transaction.atomic():
        change = EmailChange.objects.select_for_update().get(pk=change.pk)
        if change.user_id != user.pk or not change.is_usable:
            raise LinkUnusable(change.state)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email.lower() != change.old_email.lower():
            # The address moved some other way since the link was sent; this link is about an address of the past.
            raise LinkUnusable("revoked")
        if login_for_email(change.new_email) is not None:
            raise AddressInUse
        old_email = user.email
        user.email = change.new_email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:
            raise AddressInUse from None
        _allauth_addresses_follow(user)
        change.used_at = timezone.now()
        change.save(update_fields=["used_at", "updated_at"])
        audit_record(
            actor=user,
            action=AuditAction.ACCOUNT_EMAIL_CHANGED,
            target=user,
            organisation=change.organisation,
            detail={"before": old_email, "after": user.email, "started_by_staff": change.started_by_staff},
            request=request,
        )
        if change.started_by_staff:
            audit_record(
                actor=user,
                action=AuditAction.ACCOUNT_RECOVERY_COMPLETED,
                target=user,
                organisation=change.organisation,
                detail={"kind": "email"},
                request=request,
            )
        context = {"user": user, "old_email": old_email, "new_email": user.email}
        _mail_after_commit(to=old_email, template="email_changed", context=context)
        _mail_after_commit(to=user.email, template="email_changed", context=context)


def _allauth_addresses_follow(user: User) -> None:
    """allauth signs people in, and sends password resets, by its own table of addresses as well as by `User.email`:
    a row left for the old address would keep it working, and one left for the new address under another login would
    let that login be reset from this mailbox."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.filter(email__iexact=user.email).exclude(user=user).delete()


# --- help for someone locked out -----------------------------------------------------------------------------------


def recovery_check(*, actor: User, user: User, organisation: Organisation | None) -> None:
    """Raise RecoveryRefused unless `actor` may start help for `user`'s login.

    Provider administrators may help anyone. An organisation admin helps only people whose login is no business of
    anyone else's: it holds no staff role and belongs to no other organisation's directory.
    """
    if actor.pk == user.pk:
        raise RecoveryRefused(_("This is your own login: change your address or two-factor settings from Security."))
    if StaffRole.objects.filter(user=actor, role=StaffRole.Role.ADMINISTRATOR).exists():
        return
    if (
        organisation is None
        or StaffRole.objects.filter(user=user).exists()
        or Person.objects.filter(user=user).exclude(organisation=organisation).exists()
    ):
        raise RecoveryRefused(
            _(
                "This login is also used outside your organisation, so only the provider's administrators can help "
                "its owner back in."
            )
        )


def has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user).exists()


def two_factor_reset_start(
    *, actor: User, user: User, organisation: Organisation | None = None, request: HttpRequest | None = None
) -> TwoFactorReset:
    """Email `user`, at the address they sign in with, a link that clears their two-factor authentication once they
    give their password. Staff who start it get no further: they have neither that mailbox nor the password."""
    recovery_check(actor=actor, user=user, organisation=organisation)
    if not has_two_factor(user):
        raise RecoveryRefused(
            _(
                "There is no two-factor authentication to clear on this login. If they cannot sign in, they can "
                "reset their password from the sign-in page."
            )
        )
    now = timezone.now()
    with transaction.atomic():
        TwoFactorReset.objects.pending().filter(user=user).update(revoked_at=now)
        token, token_hash = new_token()
        reset = TwoFactorReset.objects.create(
            user=user,
            token_hash=token_hash,
            started_by=actor,
            organisation=organisation,
            email=user.email,
            expires_at=now + timedelta(days=settings.TWO_FACTOR_RESET_VALID_DAYS),
        )
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_RECOVERY_STARTED,
            target=user,
            organisation=organisation,
            detail={"kind": "two_factor"},
            request=request,
        )
        link = _absolute(reverse("accounts:two_factor_reset", kwargs={"token": token}))
        context = {"user": user, "started_by": actor, "link": link, "reset": reset}
        _mail_after_commit(to=user.email, template="two_factor_reset", context=context)
    return reset


def two_factor_reset_complete(*, reset: TwoFactorReset, password: str, request: HttpRequest | None = None) -> None:
    """Clear the login's authenticators and recovery codes, given its password.

    The password must be unchanged since the link was sent and at least TWO_FACTOR_RESET_PASSWORD_AGE_DAYS old:
    otherwise whoever reads the person's mailbox could reset the password and then this. Wrong passwords are counted,
    and after a few the link stops working.
    """
    failure: Exception | None = None
    with transaction.atomic():
        reset = TwoFactorReset.objects.select_for_update().get(pk=reset.pk)
        user = User.objects.select_for_update().get(pk=reset.user_id)
        if not reset.is_usable or not user.is_active or user.email.lower() != reset.email.lower():
            raise LinkUnusable(reset.state)
        if not user.check_password(password):
            reset.failed_attempts += 1
            fields = ["failed_attempts", "updated_at"]
            if reset.failed_attempts >= TwoFactorReset.MAX_FAILED_ATTEMPTS:
                reset.revoked_at = timezone.now()
                fields.append("revoked_at")
            reset.save(update_fields=fields)
            # Raised after the transaction, which must keep the count.
            failure = WrongPassword()
        else:
            changed_at = user.password_changed_at
            age = timedelta(days=settings.TWO_FACTOR_RESET_PASSWORD_AGE_DAYS)
            if changed_at is not None and changed_at > reset.created_at:
                reset.revoked_at = timezone.now()
                reset.save(update_fields=["revoked_at", "updated_at"])
                failure = LinkUnusable("revoked")
            elif changed_at is not None and changed_at > timezone.now() - age:
                failure = PasswordTooRecent(usable_from=changed_at + age)
            else:
                removed = sorted(set(Authenticator.objects.filter(user=user).values_list("type", flat=True)))
                Authenticator.objects.filter(user=user).delete()
                reset.used_at = timezone.now()
                reset.save(update_fields=["used_at", "updated_at"])
                audit_record(
                    actor=user,
                    action=AuditAction.ACCOUNT_RECOVERY_COMPLETED,
                    target=user,
                    organisation=reset.organisation,
                    detail={"kind": "two_factor", "removed": removed},
                    request=request,
                )
                _mail_after_commit(to=user.email, template="two_factor_reset_done", context={"user": user})
    if failure is not None:
        raise failure


def password_changed(*, user: User, request: HttpRequest | None = None) -> None:
    """Note that the person has just chosen a new password (changed, or reset through their mailbox)."""
    with transaction.atomic():
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password_changed_at"])
        audit_record(actor=user, action=AuditAction.ACCOUNT_PASSWORD_CHANGED, target=user, request=request)
