from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.models import BaseModel
from actionset.programmes.models import Enrolment


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

    def current_contract(self) -> ContractVersion | None:
        """The latest version of the set's ground rules; None until the set first agrees them."""
        return self.contract_versions.order_by("-number").first()

    def current_sharing_rule(self) -> str:
        """The sharing rule in the set's current contract; a set that has not agreed one shares nothing yet."""
        current = self.current_contract()
        return current.sharing_rule if current else SharingRule.NOTHING


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
    seed = models.PositiveIntegerField(default=1)
    progress = models.FloatField(default=0.0, help_text="0 to 1")
    objective = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    explanation: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

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


# --- The set's content (set tier: its members and facilitators only) -------------------------------------------
# What happens in the room. The `room` app (actionset/room) owns these models' workflows: its services, views and
# panels; what one model can say of itself sits on the model, as everywhere. The models stay here, in the sets app's
# tables and migrations, because moving a model to another app means migrating its tables across, which has not been
# taken on yet.


class SharingRule(models.TextChoices):
    """How the set decides that something may leave the room."""

    ALL_PRESENT = "all_present", "Every member present approves"
    MAJORITY = "majority", "A majority of members approve"
    FACILITATOR_AND_PRESENTER = "facilitator_presenter", "The facilitator and the presenter approve"
    NOTHING = "nothing", "Nothing leaves the set"


class ContractVersion(models.Model):
    """One version of a set's contract (its ground rules). Versions are never edited: a change is a new version,
    so the history shows who changed what and when, and an acknowledgement always names what was agreed."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="contract_versions")
    number = models.PositiveIntegerField()
    ground_rules = models.TextField()
    sharing_rule = models.CharField(max_length=30, choices=SharingRule.choices, default=SharingRule.ALL_PRESENT)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["learning_set", "-number"]
        constraints = [models.UniqueConstraint(fields=["learning_set", "number"], name="one_contract_version_number")]

    def __str__(self) -> str:
        return f"Contract of {self.learning_set} v{self.number}"


class ContractAcknowledgement(models.Model):
    """A member's acknowledgement of the set's confidentiality, as worded in one version of its contract."""

    version = models.ForeignKey(ContractVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "enrolment"], name="acknowledge_version_once")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} acknowledged v{self.version_id}"


class ActionQuerySet(models.QuerySet["Action"]):
    def still_open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN_STATUSES)

    def owned_by(self, user: User) -> ActionQuerySet:
        """A person's own actions, across every set they are an active member of, newest first."""
        return (
            self.filter(owner__person__user=user, owner__withdrawn_at__isnull=True)
            .select_related("meeting__learning_set")
            .order_by("-created_at")
        )

    def open_for(self, enrolment: Any) -> ActionQuerySet:
        return self.still_open().filter(owner=enrolment)

    def for_progress_round(self, meeting: Any, enrolment: Any) -> ActionQuerySet:
        """What `enrolment` reports on at `meeting`: their actions from earlier meetings that were still open
        when this meeting began — including those they have closed in this very round, so a report can be
        corrected before the meeting moves on."""
        return (
            self.filter(owner=enrolment, meeting__learning_set=meeting.learning_set, meeting__number__lt=meeting.number)
            .filter(models.Q(status__in=Action.OPEN_STATUSES) | models.Q(reports__meeting=meeting))
            .distinct()
            .select_related("meeting")
            .order_by("meeting__number", "created_at")
        )


class Action(BaseModel):
    """What a presenter commits to do before the next meeting. Partly done or not done stays open and comes
    back at every progress round until it is done or dropped."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_DONE = "not_done", "Not done"
        DROPPED = "dropped", "Dropped"

    OPEN_STATUSES = (Status.OPEN, Status.PARTLY, Status.NOT_DONE)

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    learning = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        # A neutral label, never the words: anything that lists related objects (the admin, the audit log) prints it.
        return f"Action {self.public_id.hex[:8]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ActionReport(models.Model):
    """What a member said about an action in one meeting's progress round: the action's history."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reports")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Action.Status.choices)
    learning = models.TextField(blank=True)
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reported_at"]
        constraints = [models.UniqueConstraint(fields=["action", "meeting"], name="one_report_per_action_meeting")]

    def __str__(self) -> str:
        return f"Progress report {self.pk}"


class AirtimeBid(models.Model):
    """A member's bid for airtime at one meeting; `position` is the order the facilitator agreed."""

    class Urgency(models.IntegerChoices):
        LOW = 1, "Could wait"
        MEDIUM = 2, "Would help today"
        HIGH = 3, "Urgent"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="airtime_bids")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="airtime_bids")
    needs_time = models.BooleanField(default=True)
    minutes = models.PositiveSmallIntegerField(default=30)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.MEDIUM)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "position", "-urgency"]
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_bid_per_meeting")]

    def __str__(self) -> str:
        return f"Bid at {self.meeting_id} by {self.enrolment_id}"


class AirtimeNotes(models.Model):
    """A presenter's airtime: the issue in a line and what they now see. `version` guards against two
    scribes overwriting each other."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="airtime_notes")
    presenter = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="airtime_notes")
    issue = models.CharField(max_length=300, blank=True)
    insights = models.TextField(blank=True)
    #: Minutes given, when the live meeting's own record of turns is not there to say.
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "airtime notes"
        constraints = [models.UniqueConstraint(fields=["meeting", "presenter"], name="one_airtime_per_presenter")]

    def __str__(self) -> str:
        return f"Airtime notes {self.pk}"


class AirtimeQuestion(models.Model):
    notes = models.ForeignKey(AirtimeNotes, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    asked_by = models.ForeignKey(
        "programmes.Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: How the question coach read it when it was noted (open, closed, advice, not_question), and why.
    label = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Airtime question {self.pk}"


class ConsensusStatement(models.Model):
    """WIAL's problem consensus: what one member thinks the real problem is, and the presenter's answer."""

    class Verdict(models.TextChoices):
        PENDING = "", "Not yet answered"
        YES = "yes", "Yes"
        CLOSE = "close", "Close"
        NO = "no", "No"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="consensus_statements")
    author = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True, default="")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_statement_per_member")]

    def __str__(self) -> str:
        return f"Problem statement {self.pk}"


class ProcessReview(models.Model):
    """A member's quick review of how the set worked at one meeting."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="process_reviews")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    helped = models.TextField(blank=True)
    differently = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_review_per_member")]

    def __str__(self) -> str:
        return f"Process review {self.pk}"
