from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from actionset.core.models import BaseModel
from actionset.core.request_memo import for_request_copy, forget

if TYPE_CHECKING:
    from actionset.accounts.models import User


#: The provider's row is read once a request under this name (core/request_memo.py).
PROVIDER_KEPT = "organisations.provider"


class Provider(models.Model):
    """The action learning provider that runs this instance (one row)."""

    name = models.CharField(max_length=150, default="Action learning provider")
    contact_email = models.EmailField(blank=True)
    # Changed only through `provider_two_factor_set`, which audits it; enforced by the two-factor policy middleware.
    require_two_factor_for_staff = models.BooleanField(
        _("require two-factor authentication for staff"),
        default=False,
        help_text=_("Every member of staff must set up an authenticator app before they can use the app."),
    )

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # Not domain logic: the rest of this request must read what was just saved (core/request_memo.py).
        forget(PROVIDER_KEPT)

    @classmethod
    def current(cls) -> Provider:
        """The one row, read once a request: the two-factor policy, every page's header and some pages ask for it.
        Each caller gets its own copy (a form may write into it before its service decides to save)."""
        return for_request_copy(PROVIDER_KEPT, cls._read)

    @classmethod
    def _read(cls) -> Provider:
        provider, _ = cls.objects.get_or_create(pk=1)
        return provider


class StaffRole(models.Model):
    """A role a person holds at the provider. A person may hold several."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Administrator"
        DESIGNER = "designer", "Programme designer"
        FACILITATOR = "facilitator", "Facilitator"
        DEVELOPER = "developer", "Organisational developer"
        TRAINER = "trainer", "Trainer / assessor"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_staff_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: User) -> OrganisationQuerySet:
        return self.filter(people__user=user).distinct()


class Organisation(BaseModel):
    """A client organisation the provider serves."""

    name = models.CharField(max_length=150, unique=True)
    sector = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True, help_text="Provider-only notes about the relationship.")
    # Changed only through `organisation_two_factor_set`, which audits it; enforced by the two-factor policy middleware.
    require_two_factor_for_admins_and_sponsors = models.BooleanField(
        _("require two-factor authentication for admins and sponsors"),
        default=False,
        help_text=_(
            "The organisation's admins and sponsors must set up an authenticator app before they can use the app."
        ),
    )

    #: What else the organisation records about its people (profession, tenure, location…), in its own words: a
    #: column each in the directory's import and export, a box each on a person's page, and mixed in composition
    #: beside department, level and site. Changed only through `organisation_attributes_set`, which audits it.
    attribute_names: models.JSONField[list[str], list[str]] = models.JSONField(default=list, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def in_directory_order(self) -> PersonQuerySet:
        return self.select_related("line_manager", "user").prefetch_related("roles").order_by(Lower("name"))


class Person(BaseModel):
    """An entry in an organisation's people directory.

    A person may or may not have a login: `user` is set once they accept an invitation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    department = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=100, blank=True)
    site = models.CharField(max_length=100, blank=True)
    line_manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    #: Attribute name (one of the organisation's `attribute_names`) → this person's value; a blank value is left out.
    attributes: models.JSONField[dict[str, str], dict[str, str]] = models.JSONField(default=dict, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="unique_person_email_per_organisation")
        ]
        indexes = [
            # The directory lists one organisation's people by name whatever its case (`in_directory_order`): with
            # this index a page of a 10,000-person directory is read in order rather than sorted whole.
            models.Index(models.F("organisation"), Lower("name"), name="person_directory_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mail_address(self) -> str:
        """Where mail for this person goes: once they have a login, the address they sign in with, which only they
        can change; until then, the directory's. An organisation admin who edits the directory must not be able to
        redirect a member's mail about their set."""
        return self.user.email if self.user is not None else self.email

    @property
    def role_names(self) -> list[str]:
        return sorted(r.get_role_display() for r in self.roles.all())

    @property
    def is_admin_or_sponsor(self) -> bool:
        """Whom the organisation's two-factor policy applies to. Reads the roles a list has prefetched."""
        return any(r.role in (OrganisationRole.Role.ADMIN, OrganisationRole.Role.SPONSOR) for r in self.roles.all())


class OrganisationRole(models.Model):
    """A role a person holds in their organisation's action learning."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Organisation admin"
        SPONSOR = "sponsor", "Sponsor"
        PARTICIPANT = "participant", "Participant"
        # Trained by the provider to facilitate sets in their own organisation.
        FACILITATOR = "facilitator", "Internal facilitator"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="unique_organisation_role")]
        # An organisation's admins and sponsors are a handful among its thousands of participants: found by role
        # first (an organisation's page, its programmes' sponsors), not by reading every role of every client.
        indexes = [models.Index(fields=["role", "person"], name="organisation_role_by_role")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"
