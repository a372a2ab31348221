from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
import zoneinfo
from datetime import timedelta
from typing import Any, ClassVar, Generic, TypeVar

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionset.core.models import BaseModel

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who can sign in. Email is the login; there is no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    # Checked against the zoneinfo database by the profile form rather than as model choices,
    # so that a tzdata update needs no migration.
    time_zone = models.CharField(max_length=64, default="Europe/London")
    # When the person last chose a password (accepting an invitation, changing or resetting it); empty for logins
    # older than this field. Clearing two-factor authentication asks for a password that has stood a while, so that
    # someone who reads the person's mailbox cannot reset the password and then remove the second factor with it.
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split(" ")[0]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A token for a link, and the hash of it that is all the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, _hash_token(token)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str) -> Invitation | None:
        return self.filter(token_hash=_hash_token(token)).select_related("person", "organisation").first()


class Invitation(BaseModel):
    """A single-use, expiring link that lets an invited person set a password.

    Only a hash of the token is stored: a leaked database does not leak working links.
    """

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    staff_roles: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        return new_token()

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.state == "pending"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        # Whoever the directory entry has been linked to meanwhile, this link must not link it again.
        if self.person is not None and self.person.user_id is not None:
            return "linked"
        return "pending"


L = TypeVar("L", bound="OneTimeLink")


class OneTimeLinkQuerySet(models.QuerySet[L], Generic[L]):
    def pending(self) -> OneTimeLinkQuerySet[L]:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str) -> L | None:
        return self.filter(token_hash=_hash_token(token)).select_related("user").first()


class OneTimeLink(BaseModel):
    """A link emailed to someone that works once and expires. Only a hash of its token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # Who asked for it: the person themselves, or a member of staff helping them back in.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The directory the help was started from, when it was: the audit log is then filed under it.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def started_by_staff(self) -> bool:
        return self.started_by_id is not None and self.started_by_id != self.user_id

    @property
    def is_usable(self) -> bool:
        return self.state == "pending"

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class EmailChange(OneTimeLink):
    """A move of a login to a new sign-in address. The link goes to the new address, and the move takes effect only
    when the login's owner opens it while signed in and confirms with their password (and second factor, if they
    have one), so neither whoever reads the new mailbox nor whoever asked for it can complete it alone."""

    old_email = models.EmailField()
    new_email = models.EmailField()

    objects = OneTimeLinkQuerySet["EmailChange"].as_manager()

    def __str__(self) -> str:
        return f"Change of sign-in address for {self.user_id}"


class TwoFactorReset(OneTimeLink):
    """Staff-started help for someone who has lost their authenticator and recovery codes. The link goes to the
    login's own sign-in address and clears two-factor authentication only with the login's password."""

    email = models.EmailField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    objects = OneTimeLinkQuerySet["TwoFactorReset"].as_manager()

    MAX_FAILED_ATTEMPTS: ClassVar[int] = 5

    def __str__(self) -> str:
        return f"Two-factor reset for {self.user_id}"


def _secret_keys() -> list[bytes]:
    """Fernet keys for identity providers' client secrets, derived from SECRET_KEY and then its fallbacks, so that a
    rotated key (moved to SECRET_KEY_FALLBACKS) still opens the secrets stored under it."""
    keys = []
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"actionset.sso.client_secret").derive(
            secret.encode()
        )
        keys.append(base64.urlsafe_b64encode(derived))
    return keys


class SingleSignOnQuerySet(models.QuerySet["SingleSignOn"]):
    def enabled(self) -> SingleSignOnQuerySet:
        return self.filter(enabled=True)

    def for_domain(self, domain: str) -> SingleSignOnQuerySet:
        """The enabled providers that vouch for addresses at `domain` (matched whole, in the comma-separated list)."""
        domain = domain.strip().lower()
        if not domain or "," in domain:
            return self.none()
        return self.enabled().filter(
            models.Q(domains=domain)
            | models.Q(domains__startswith=f"{domain},")
            | models.Q(domains__endswith=f",{domain}")
            | models.Q(domains__contains=f",{domain},")
        )


class SingleSignOn(BaseModel):
    """An OpenID Connect identity provider people sign in through: one per client organisation, for its people, and
    one for the provider's own staff (`for_staff`, with no organisation).

    Configured in the app by a provider administrator (`accounts/sso.py`), not in settings: allauth is handed each
    row as an unsaved `SocialApp` by the social account adapter. The client secret is stored encrypted under a key
    derived from SECRET_KEY and never shown back whole; only its last four characters are kept in the clear.
    """

    organisation = models.OneToOneField(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="single_sign_on",
    )
    for_staff = models.BooleanField(default=False, editable=False)
    name = models.CharField(
        _("name on the sign-in button"),
        max_length=80,
        help_text=_("People see “Sign in with” followed by this, e.g. “Northwind Microsoft account”."),
    )
    issuer = models.URLField(
        _("issuer URL"),
        max_length=300,
        help_text=_(
            "The identity provider's issuer, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0 or "
            "https://accounts.google.com. Its discovery document is read from /.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=200)
    secret_encrypted = models.TextField(editable=False)
    secret_last4 = models.CharField(max_length=4, editable=False)
    domains = models.CharField(
        _("email domains"),
        max_length=500,
        help_text=_("The domains whose addresses this provider vouches for, separated by commas."),
    )
    enabled = models.BooleanField(_("on"), default=False)
    only = models.BooleanField(
        _("single sign-on only"),
        default=False,
        help_text=_("Password sign-in and password reset are refused to the people it covers."),
    )
    # The last "test the connection", run in the background (accounts/tasks.py).
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_ok = models.BooleanField(null=True, editable=False)
    check_message = models.CharField(max_length=300, blank=True, editable=False)
    # Where the discovery document sends browsers to sign in, when it is not the issuer's own origin: the sign-in
    # pages allow it as a form's destination (accounts.middleware.SingleSignOnFormActionMiddleware).
    authorization_origin = models.CharField(max_length=300, blank=True, editable=False)

    objects = SingleSignOnQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["for_staff"], condition=models.Q(for_staff=True), name="one_staff_sso"),
            models.CheckConstraint(
                condition=models.Q(for_staff=True, organisation__isnull=True)
                | models.Q(for_staff=False, organisation__isnull=False),
                name="sso_for_staff_or_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provider_id(self) -> str:
        """allauth's id for this provider: in its URLs and on every linked `SocialAccount`."""
        return f"sso-{self.public_id}"

    @property
    def domain_list(self) -> list[str]:
        return [d for d in self.domains.split(",") if d]

    def covers(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domain_list

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = Fernet(_secret_keys()[0]).encrypt(secret.encode()).decode()
        self.secret_last4 = secret[-4:]

    @property
    def secret(self) -> str:
        return MultiFernet([Fernet(k) for k in _secret_keys()]).decrypt(self.secret_encrypted.encode()).decode()

    @property
    def secret_hint(self) -> str:
        """What is shown of the secret: enough to tell which one is stored, not enough to use."""
        return f"••••{self.secret_last4}" if self.secret_encrypted else ""

    def check_record(self, *, ok: bool, message: str, authorization_origin: str = "") -> None:
        """What the last test of the connection found (accounts/tasks.py)."""
        self.checked_at, self.check_ok, self.check_message = timezone.now(), ok, message[:300]
        fields = ["checked_at", "check_ok", "check_message", "updated_at"]
        if ok:
            self.authorization_origin = authorization_origin[:300]
            fields.append("authorization_origin")
        self.save(update_fields=fields)
