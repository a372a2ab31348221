"""Single sign-on through each organisation's OpenID Connect provider, and the provider's own for its staff.

Identity providers are rows of `SingleSignOn`, configured in the app by a provider administrator; allauth's
`openid_connect` provider is handed each enabled row as an unsaved `SocialApp` (`SingleSignOnAdapter.list_apps`), so
nothing about them lives in settings and no secret sits in allauth's own table in the clear.

Who a sign-in may reach is decided here, on every sign-in, before allauth logs anyone in (`sso_login_for`):

* an organisation's provider reaches only an **existing** directory entry of that organisation whose address the ID
  token vouches for (`email_verified`) and lies in one of the configured domains; it never signs anyone up, never
  crosses into another organisation, and never reaches a login used anywhere else (staff, or another organisation's
  directory), which that organisation's identity provider has no say over;
* the provider's staff provider reaches only an existing login that holds a staff role;
* an identity (issuer and subject) stays with the login it was first linked to, and a login has one identity per
  provider.

Every refusal says why, in words the person can act on, and is audited. A directory entry without a login gets one
at its first sign-in: its organisation's identity provider is then the proof that the person is who the entry says,
as the invitation's link is otherwise.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from actionset.accounts.models import SingleSignOn, User
from actionset.accounts.services import person_link
from actionset.accounts.tasks import origin, sso_check
from actionset.core.audit import AuditAction, audit_record
from actionset.organisations.models import Organisation, Person, StaffRole

logger = logging.getLogger("actionset.accounts")

PROVIDER = "openid_connect"
PREFIX = "sso-"


class SignOnRefused(Exception):
    """A single sign-on that may not reach any login here; `code` for the audit log, `message` for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sso_from_provider_id(provider_id: str) -> SingleSignOn | None:
    if not provider_id.startswith(PREFIX):
        return None
    try:
        public_id = uuid.UUID(provider_id.removeprefix(PREFIX))
    except ValueError:
        return None
    return SingleSignOn.objects.select_related("organisation").filter(public_id=public_id).first()


def social_app(sso: SingleSignOn) -> SocialApp:
    """allauth's view of one identity provider: never saved, built from the row each time it is asked for."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=sso.provider_id,
        name=sso.name,
        client_id=sso.client_id,
        secret=sso.secret,
        settings={
            "server_url": sso.issuer,
            # What a sign-in is judged on is the ID token's claims (email, email_verified): the userinfo endpoint is
            # not asked, so a provider whose userinfo says otherwise cannot change the outcome.
            "fetch_userinfo": False,
            "oauth_pkce_enabled": True,
        },
    )


def sso_for_email(email: str) -> SingleSignOn | None:
    """The enabled provider that vouches for this address's domain: staff's first, then an organisation's."""
    domain = email.strip().rpartition("@")[2]
    found = list(SingleSignOn.objects.for_domain(domain).select_related("organisation").order_by("-for_staff")[:1])
    return found[0] if found else None


def sso_only_for(user: Any) -> SingleSignOn | None:
    """The provider that is the only way in for this login, if one is: its staff's when it holds a staff role, or the
    organisation's of any directory entry it belongs to."""
    if not getattr(user, "pk", None):
        return None
    only = SingleSignOn.objects.enabled().filter(only=True).select_related("organisation")
    staff = only.filter(for_staff=True).first()
    if staff is not None and StaffRole.objects.filter(user=user.pk).exists():
        return staff
    return only.filter(organisation__people__user=user.pk).order_by("organisation__name").first()


def sso_form_action_origins() -> list[str]:
    """Where the sign-in pages' buttons lead: each enabled provider's issuer origin, and its authorization endpoint's
    when the last test of the connection found it elsewhere."""
    origins: set[str] = set()
    for issuer, authorization in SingleSignOn.objects.enabled().values_list("issuer", "authorization_origin"):
        origins.update(o for o in (origin(issuer), authorization) if o)
    return sorted(origins)


def sso_password_refused(*, user: Any, sso: SingleSignOn, by: str, request: HttpRequest | None) -> None:
    """Audit a password sign-in (`by="sign_in"`) or reset (`"password_reset"`) refused: single sign-on only."""
    audit_record(
        actor=None,
        action=AuditAction.SSO_PASSWORD_REFUSED,
        target=user,
        organisation=sso.organisation,
        detail={"provider": sso.name, "by": by},
        request=request,
    )


def sso_only_for_invitation(invitation: Any) -> SingleSignOn | None:
    """The identity provider that is the only way in for the directory entry an invitation is for, if one is.

    Staff invitations keep their password: the staff provider reaches only an existing staff login, which accepting
    the invitation is what creates."""
    if invitation.organisation_id is None or invitation.person_id is None:
        return None
    return SingleSignOn.objects.enabled().filter(only=True, organisation=invitation.organisation_id).first()


def signed_in_through_sso(request: HttpRequest) -> bool:
    """This session was begun by one of our identity providers: its second factor is the identity provider's."""
    return any(
        record.get("method") == "socialaccount" and str(record.get("provider", "")).startswith(PREFIX)
        for record in get_authentication_records(request, getattr(request, "user", None))
    )


def _refuse(code: str, message: str) -> SignOnRefused:
    return SignOnRefused(code, message)


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    claims = data.get("id_token")
    return claims if isinstance(claims, dict) else {}


def _verified_email(sso: SingleSignOn, claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise _refuse(
            "no_email", _("Your identity provider did not say your email address, so we cannot tell who you are.")
        )
    if claims.get("email_verified") is not True:
        raise _refuse(
            "unverified_email",
            _("Your identity provider has not verified the address %(email)s, so it cannot sign you in with it.")
            % {"email": email},
        )
    if not sso.covers(email):
        raise _refuse(
            "wrong_domain",
            _("%(provider)s signs in addresses at %(domains)s only, not %(email)s.")
            % {"provider": sso.name, "domains": ", ".join(sso.domain_list), "email": email},
        )
    issuer = str(claims.get("iss") or "").rstrip("/")
    if issuer != sso.issuer.rstrip("/"):
        raise _refuse(
            "wrong_issuer",
            _("This sign-in came from another identity provider than the one set up for %(provider)s.")
            % {"provider": sso.name},
        )
    return email


def _check_identity(sso: SingleSignOn, uid: str, user: User) -> None:
    """An identity stays with the login it was first linked to, and a login has one identity per provider."""
    linked = SocialAccount.objects.filter(provider=sso.provider_id)
    elsewhere = linked.filter(uid=uid).exclude(user=user).first()
    if elsewhere is not None:
        raise _refuse(
            "identity_linked_elsewhere",
            _("This identity is already linked to another login here. Ask your organisation admin for help."),
        )
    if linked.filter(user=user).exclude(uid=uid).exists():
        raise _refuse(
            "login_linked_to_another_identity",
            _(
                "Your login here is already linked to another identity at %(provider)s. Sign in with that one, or "
                "ask your organisation admin for help."
            )
            % {"provider": sso.name},
        )
    if not user.is_active:
        raise _refuse("inactive", _("This login has been deactivated. Ask your organisation admin for help."))


def _staff_login(sso: SingleSignOn, email: str, uid: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not StaffRole.objects.filter(user=user).exists():
        raise _refuse(
            "not_staff",
            _("%(email)s is not the login of a member of staff here, so %(provider)s cannot sign it in.")
            % {"email": email, "provider": sso.name},
        )
    _check_identity(sso, uid, user)
    return user


def _organisation_login(sso: SingleSignOn, organisation: Organisation, email: str, uid: str) -> tuple[User, Person]:
    person = (
        # The entry's row only: PostgreSQL cannot lock the nullable side of the join to its login.
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(organisation=organisation, email__iexact=email)
        .first()
    )
    if person is None:
        raise _refuse(
            "unknown_person",
            _(
                "%(email)s is not in %(organisation)s's directory here. Ask your organisation admin to add you; "
                "single sign-on does not create people."
            )
            % {"email": email, "organisation": organisation.name},
        )
    user = person.user
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise _refuse(
                "address_is_another_login",
                _(
                    "%(email)s is already the sign-in of a login that is not linked to your directory entry. Ask "
                    "your organisation admin to invite you, and accept by signing in with that login."
                )
                % {"email": email},
            )
        return User(email=email, name=person.name), person
    if (
        StaffRole.objects.filter(user=user).exists()
        or Person.objects.filter(user=user).exclude(organisation=organisation).exists()
    ):
        raise _refuse(
            "login_used_elsewhere",
            _(
                "Your login is also used outside %(organisation)s, so %(organisation)s's identity provider cannot sign "
                "you in to it. Sign in with your password."
            )
            % {"organisation": organisation.name},
        )
    _check_identity(sso, uid, user)
    return user, person


def sso_login_for(*, sso: SingleSignOn | None, sociallogin: SocialLogin, request: HttpRequest | None) -> User:
    """The login this sign-in reaches, linked to the identity (and created for a directory entry that had none).

    Raises SignOnRefused, with the reason, for everything the rules in this module's docstring forbid.
    """
    if sso is None or not sso.enabled:
        raise _refuse("provider_off", _("This way of signing in is not available. Sign in another way."))
    if sociallogin.state.get("process", "login") != "login":
        raise _refuse("not_a_sign_in", _("Single sign-on only signs in; it cannot be linked to a login by hand."))
    claims = _claims(sociallogin)
    email = _verified_email(sso, claims)
    uid = sociallogin.account.uid
    with transaction.atomic():
        if sso.for_staff:
            user, person = _staff_login(sso, email, uid), None
        else:
            assert sso.organisation is not None
            user, person = _organisation_login(sso, sso.organisation, email, uid)
        if user.pk is None:
            assert person is not None
            if sociallogin.is_existing:
                # The identity already reaches another login; a new one would leave it pointing two ways.
                raise _refuse(
                    "identity_linked_elsewhere",
                    _("This identity is already linked to another login here. Ask your organisation admin for help."),
                )
            user = User.objects.create_user(email, None, name=person.name)
            audit_record(
                actor=user,
                action=AuditAction.ACCOUNT_CREATED,
                target=user,
                organisation=person.organisation,
                detail={"by": "single_sign_on", "provider": sso.name},
                request=request,
            )
            person_link(person=person, user=user, by="single_sign_on", request=request)
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
            audit_record(
                actor=user,
                action=AuditAction.SSO_LINKED,
                target=user,
                organisation=sso.organisation,
                detail={"provider": sso.name, "issuer": sso.issuer},
                request=request,
            )
    return user


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts, limited to our identity providers and to the linking rules above."""

    def list_apps(self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None) -> list:
        rows = SingleSignOn.objects.enabled()
        if provider and provider != PROVIDER:
            sso = sso_from_provider_id(provider)
            if sso is None:
                return []
            rows = rows.filter(pk=sso.pk)
        if client_id:
            rows = rows.filter(client_id=client_id)
        apps = []
        for sso in rows:
            try:
                apps.append(social_app(sso))
            except InvalidToken:
                # Stored under a SECRET_KEY that is neither current nor among SECRET_KEY_FALLBACKS: the button stays
                # away until an administrator enters the secret again, rather than every sign-in page failing.
                logger.error("The client secret of single sign-on %s cannot be decrypted", sso.public_id)
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Every sign-in reaches an existing login or a directory entry's (sso_login_for): nobody signs up here.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sso = sso_from_provider_id(sociallogin.account.provider)
        try:
            user = sso_login_for(sso=sso, sociallogin=sociallogin, request=request)
        except SignOnRefused as refusal:
            claims = _claims(sociallogin)
            audit_record(
                actor=None,
                action=AuditAction.SSO_SIGN_IN_REFUSED,
                target=sso,
                organisation=sso.organisation if sso is not None else None,
                detail={"reason": refusal.code, "email": str(claims.get("email") or "")[:254]},
                request=request,
            )
            messages.error(request, refusal.message)
            raise ImmediateHttpResponse(redirect("account_login")) from refusal
        sociallogin.user = user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        sso = sso_from_provider_id(getattr(getattr(provider, "app", None), "provider_id", "") or "")
        audit_record(
            actor=None,
            action=AuditAction.SSO_SIGN_IN_REFUSED,
            target=sso,
            organisation=sso.organisation if sso is not None else None,
            detail={"reason": f"provider_error:{error or 'unknown'}"},
            request=request,
        )
        messages.error(
            request,
            _("Signing in with %(provider)s did not work (%(error)s). Try again, or sign in another way.")
            % {
                "provider": sso.name if sso is not None else _("your identity provider"),
                "error": error or _("unknown"),
            },
        )
        raise ImmediateHttpResponse(redirect("account_login"))


# --- configuring a provider ----------------------------------------------------------------------------------------

#: The fields an administrator sets; the secret apart, since it is never shown back.
FIELDS = ("name", "issuer", "client_id", "domains", "enabled", "only")


@dataclass(frozen=True)
class SingleSignOnData:
    name: str
    issuer: str
    client_id: str
    domains: list[str]
    enabled: bool
    only: bool
    secret: str = ""


def sso_save(
    *,
    actor: User,
    organisation: Organisation | None,
    data: SingleSignOnData,
    request: HttpRequest | None = None,
) -> SingleSignOn:
    """Set up or change an organisation's identity provider (or, with no organisation, the staff's); audited with
    which fields changed, never with the secret. An empty `secret` keeps the stored one."""
    with transaction.atomic():
        if organisation is None:
            sso = SingleSignOn.objects.select_for_update().filter(for_staff=True).first() or SingleSignOn(
                for_staff=True
            )
        else:
            sso = SingleSignOn.objects.select_for_update().filter(organisation=organisation).first() or SingleSignOn(
                organisation=organisation
            )
        created = sso.pk is None
        values = {
            "name": data.name.strip(),
            "issuer": data.issuer.strip().rstrip("/"),
            "client_id": data.client_id.strip(),
            "domains": ",".join(sorted({d.strip().lower() for d in data.domains if d.strip()})),
            "enabled": data.enabled,
            "only": data.only and data.enabled,
        }
        changed = [field for field, value in values.items() if getattr(sso, field) != value]
        for field, value in values.items():
            setattr(sso, field, value)
        if data.secret:
            if created or not _same_secret(sso, data.secret):
                changed.append("secret")
            sso.set_secret(data.secret)
        if "issuer" in changed or "client_id" in changed or "secret" in changed:
            # The last test of the connection was of another configuration.
            sso.checked_at, sso.check_ok, sso.check_message = None, None, ""
        sso.save()
        if changed:
            audit_record(
                actor=actor,
                action=AuditAction.SSO_CONFIGURED,
                target=sso,
                organisation=organisation,
                detail={
                    "changed": changed,
                    "created": created,
                    "enabled": sso.enabled,
                    "only": sso.only,
                    "issuer": sso.issuer,
                    "domains": sso.domain_list,
                },
                request=request,
            )
    return sso


def _same_secret(sso: SingleSignOn, secret: str) -> bool:
    try:
        return sso.secret == secret
    except InvalidToken:
        return False


def sso_check_requested(*, actor: User, sso: SingleSignOn, request: HttpRequest | None = None) -> None:
    """Queue a test of the connection: the worker fetches the discovery document, never the request."""
    sso.checked_at, sso.check_ok, sso.check_message = None, None, ""
    sso.save(update_fields=["checked_at", "check_ok", "check_message", "updated_at"])
    transaction.on_commit(lambda: sso_check.enqueue(sso.pk))
