from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import User
from actionset.core.models import BaseModel
from actionset.programmes.models import Enrolment

#: Long enough for any video service's link with its passcode, short enough to stay a link rather than a document.
MEETING_LINK_MAX_LENGTH = 500


def validate_meeting_link(value: str) -> None:
    """A set's meeting link: https on a real, named host, and nothing else.

    It is shown as a button on people's pages and written into their calendars, so it must never be a script
    (`javascript:`), inline data (`data:`), plain http (the passcode would travel in the clear), a bare address or a
    local name, nor carry a user name and password that a calendar client would show."""
    URLValidator(schemes=["https"], message=_("Enter the meeting's https:// link, as your video service gives it."))(
        value
    )
    authority = value.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        raise ValidationError(_("Leave out any user name or password: paste the link people join with."))
    host = authority.rsplit(":", 1)[0] if not authority.endswith("]") else authority
    labels = host.lower().rstrip(".").split(".")
    # URLValidator allows IP addresses and "localhost": neither is a video service people can join from anywhere.
    top = labels[-1]
    if len(labels) < 2 or not (top.isalpha() or top.startswith("xn--")) or host.startswith("["):
        raise ValidationError(
            _("Enter a link on the video service's own web address (such as zoom.us or teams.microsoft.com).")
        )


class LearningSetQuerySet(models.QuerySet["LearningSet"]):
    def published(self) -> LearningSetQuerySet:
        return self.filter(programme__published_at__isnull=False)

    def for_member(self, user: User) -> LearningSetQuerySet:
        return self.published().filter(memberships__enrolment__person__user=user)

    def for_facilitator(self, user: User) -> LearningSetQuerySet:
        return self.published().filter(facilitators__user=user)


class LearningSet(BaseModel):
    """A set: a small group who meet over the programme. Proposed until the programme's sets are published."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="sets")
    name = models.CharField(max_length=100)
    #: Half-day slot code the set meets in (see programmes.slots); blank until scheduled.
    slot = models.CharField(max_length=10, blank=True)
    locked = models.BooleanField(default=False, help_text="Kept as it is when the rest are re-optimised.")
    position = models.PositiveSmallIntegerField(default=0)
    #: Where the set meets online: the same link for every meeting, as sets keep one video room.
    meeting_link = models.CharField(
        _("meeting link"),
        max_length=MEETING_LINK_MAX_LENGTH,
        blank=True,
        validators=[validate_meeting_link],
        help_text=_("The https:// link people join your online meetings with (Zoom, Teams, Meet, …)."),
    )

    objects = LearningSetQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def active_members(self) -> list[Enrolment]:
        """The set's members who have not withdrawn from the programme, by name."""
        return list(
            Enrolment.objects.active()
            .filter(membership__learning_set=self)
            .select_related("person__user")
            .order_by("person__name")
        )

    def member_enrolment(self, user: User) -> Enrolment | None:
        """`user`'s active enrolment in this set, or None (a facilitator, say, or someone signed out)."""
        if not user.is_authenticated:
            return None
        return (
            Enrolment.objects.active()
            .filter(person__user=user, membership__learning_set=self)
            .select_related("person")
            .first()
        )

    def is_facilitated_by(self, user: User) -> bool:
        return self.facilitators.filter(user=user).exists()


class Membership(models.Model):
    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="memberships")
    enrolment = models.OneToOneField("programmes.Enrolment", on_delete=models.CASCADE, related_name="membership")
    locked = models.BooleanField(default=False, help_text="Stays in this set when the rest are re-optimised.")

    class Meta:
        ordering = ["enrolment__person__name"]

    def __str__(self) -> str:
        return f"{self.enrolment.person} in {self.learning_set}"


class FacilitatorAssignment(models.Model):
    """Who holds the process for a set: provider staff, or an internal facilitator from the client organisation."""

    class Role(models.TextChoices):
        LEAD = "lead", "Facilitator"
        CO = "co", "Co-facilitator"

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEAD)
    #: From when they hold the set's process: meetings before it are not theirs to be credited with.
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learning_set", "role"], name="one_facilitator_per_role"),
            models.UniqueConstraint(fields=["learning_set", "user"], name="facilitator_once_per_set"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) — {self.learning_set}"


class CompositionRun(BaseModel):
    """One run of the composition engine for a programme, in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Could not compose"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="composition_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    number_of_sets = models.PositiveSmallIntegerField()
    time_limit = models.FloatField(default=10.0)
    #: How the sets are sized: "even" (within one person of each other) or "diverse" (anywhere in the programme's
    #: range, for the most pairs of different people); see `composer.SIZES_EVEN`.
    sizes = models.CharField(max_length=10, default="diverse")
    seed = models.PositiveIntegerField(default=1)
    progress = models.FloatField(default=0.0, help_text="0 to 1")
    objective = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    explanation: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How far the engine's search got (its SolveResult): a designer is told when the sets are only a first draft.
    search = models.CharField(max_length=20, blank=True, help_text="optimal, fixed, searched, short or unsearched")
    iterations = models.PositiveBigIntegerField(null=True, blank=True, help_text="search work, in annealing steps")
    setup_seconds = models.FloatField(null=True, blank=True)
    search_seconds = models.FloatField(null=True, blank=True)
    compile_seconds = models.FloatField(null=True, blank=True, help_text="making the search ready, before the clock")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Composition of {self.programme} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def is_stalled(self) -> bool:
        """Unfinished long after it should have ended: its worker has gone, so a new run may start."""
        if self.is_finished:
            return False
        since = self.started_at or self.created_at
        # Queued runs wait for a worker; allow that a generous margin before calling them lost.
        margin = dt.timedelta(seconds=self.time_limit + (120 if self.started_at else 600))
        return timezone.now() - since > margin

    @property
    def percent(self) -> int:
        return round(100 * max(0.0, min(self.progress, 1.0)))

    @property
    def is_first_draft(self) -> bool:
        """Done, but the search ran for less than it should have (or not at all): the sets are only a first draft."""
        return self.status == self.Status.DONE and self.search in ("short", "unsearched")


# --- The set's content (set tier: its members and facilitators only) -------------------------------------------
# How a set decides that something may leave the room: the set's own policy, which the room's contract records.


class SharingRule(models.TextChoices):
    """How the set decides that something may leave the room."""

    ALL_PRESENT = "all_present", "Every member present approves"
    MAJORITY = "majority", "A majority of members approve"
    FACILITATOR_AND_PRESENTER = "facilitator_presenter", "The facilitator and the presenter approve"
    NOTHING = "nothing", "Nothing leaves the set"
