"""What happens in the room: the set's contract and each meeting's progress round, airtime, actions, consensus and
process review. Set-tier content: only the set's members and facilitators read it (rule `meeting.content`).

These models began in the sets app. They keep their tables (`db_table`), so moving them here changed Django's
record of which app owns them and nothing in the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import User
from actionset.core.models import BaseModel
from actionset.sets.models import LearningSet, SharingRule


class ContractVersionQuerySet(models.QuerySet["ContractVersion"]):
    def current_for(self, learning_set: LearningSet) -> ContractVersion | None:
        """The latest version of the set's ground rules; None until the set first agrees them."""
        return self.filter(learning_set=learning_set).order_by("-number").first()

    def sharing_rule_for(self, learning_set: LearningSet) -> str:
        """The sharing rule in the set's current contract; a set that has not agreed one shares nothing yet."""
        current = self.current_for(learning_set)
        return current.sharing_rule if current else SharingRule.NOTHING


class ContractVersion(models.Model):
    """One version of a set's contract (its ground rules). Versions are never edited: a change is a new version,
    so the history shows who changed what and when, and an acknowledgement always names what was agreed."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="contract_versions")
    number = models.PositiveIntegerField()
    ground_rules = models.TextField()
    sharing_rule = models.CharField(max_length=30, choices=SharingRule.choices, default=SharingRule.ALL_PRESENT)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ContractVersionQuerySet.as_manager()

    class Meta:
        db_table = "sets_contractversion"
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
        db_table = "sets_contractacknowledgement"
        constraints = [models.UniqueConstraint(fields=["version", "enrolment"], name="acknowledge_version_once")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} acknowledged v{self.version_id}"


class ContractProposal(BaseModel):
    """A member's change to the ground rules, waiting for the set to agree it (see `room.contract`). It becomes a
    new `ContractVersion` only when the set agrees; until then the current version stands."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the set")
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Not agreed")
        SUPERSEDED = "superseded", _("Overtaken by another change")

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="contract_proposals")
    #: The version the change was made from (0: the method's template, before the set first agreed).
    based_on = models.PositiveIntegerField()
    ground_rules = models.TextField()
    sharing_rule = models.CharField(max_length=30, choices=SharingRule.choices, default=SharingRule.ALL_PRESENT)
    proposed_by = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    #: The members asked, fixed when it is proposed: someone joining later does not hold it up.
    electorate = models.ManyToManyField("programmes.Enrolment", related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(ContractVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Never the text: labels reach the audit log and admin lists.
        return f"Ground-rules proposal {str(self.public_id)[:8]}"


class ContractProposalAnswer(models.Model):
    """One member's answer to a proposal: agree, or not."""

    proposal = models.ForeignKey(ContractProposal, on_delete=models.CASCADE, related_name="answers")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "enrolment"], name="answer_proposal_once")]

    def __str__(self) -> str:
        return f"Answer to {self.proposal_id} by {self.enrolment_id}"


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
    #: The facilitator who wrote this down for a member without a device; None when the member did it themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept apart from `recorded_by`, so the record still says it was written for the member if that login goes.
    recorded_for_member = models.BooleanField(default=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        db_table = "sets_action"
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
    #: The facilitator who wrote this down for a member without a device; None when the member did it themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept apart from `recorded_by`, so the record still says it was written for the member if that login goes.
    recorded_for_member = models.BooleanField(default=False)

    class Meta:
        db_table = "sets_actionreport"
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
    #: The facilitator who wrote this down for a member without a device; None when the member did it themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept apart from `recorded_by`, so the record still says it was written for the member if that login goes.
    recorded_for_member = models.BooleanField(default=False)

    class Meta:
        db_table = "sets_airtimebid"
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
    #: The incident method's case-giver's question about their case: what they want the set's takes to help with.
    question = models.CharField(max_length=300, blank=True)
    insights = models.TextField(blank=True)
    #: Minutes given, when the live meeting's own record of turns is not there to say.
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "sets_airtimenotes"
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
    #: How the question coach read it when it was noted (open, closed, advice, leading, not_question), and why.
    label = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "sets_airtimequestion"
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
        db_table = "sets_consensusstatement"
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
        db_table = "sets_processreview"
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_review_per_member")]

    def __str__(self) -> str:
        return f"Process review {self.pk}"


class RecordedForMember(models.Model):
    """Something a member contributes that the facilitator may write down for a member without a device."""

    #: The facilitator who wrote this down for a member without a device; None when the member did it themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept apart from `recorded_by`, so the record still says it was written for the member if that login goes.
    recorded_for_member = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CaseTake(RecordedForMember):
    """The incident method: one member's take on the case-giver's case, said in turn while the case-giver listens."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="case_takes")
    case_giver = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case_giver", "author"], name="one_take_per_member_per_case")
        ]

    def __str__(self) -> str:
        return f"Take {self.pk}"


class CoachAnswer(RecordedForMember):
    """WIAL's coach intervention: one member's answers to "How are we doing as a team, 1 to 10? What are we doing
    well? What could we do better?" Read back to the room without names, like a process review."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="coach_answers")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    doing_well = models.TextField(blank=True)
    do_better = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_coach_answer_per_member")]

    def __str__(self) -> str:
        return f"Coach answer {self.pk}"


class LearningReflection(RecordedForMember):
    """WIAL's closing learning reflection: what one member learned about themselves, the set and the problem, and
    how they will apply it. Read back to the set without names, like a process review."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="learning_reflections")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_reflection_per_member")]

    def __str__(self) -> str:
        return f"Learning reflection {self.pk}"


class TrioPlace(models.Model):
    """Troika consulting: a member's place in one of the meeting's trios. In round n each trio's member at seat n is
    its client. Stored once the facilitator adjusts the trios; until then the set is split by `room.trios.split`."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="trio_places")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    trio = models.PositiveSmallIntegerField()
    seat = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["trio", "seat"]
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="one_trio_place_per_member")]

    def __str__(self) -> str:
        return f"Trio place {self.pk}"


class TrioNotes(models.Model):
    """What one trio noted in its rounds. `version` guards against two of its members overwriting each other."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="trio_notes")
    trio = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "trio notes"
        constraints = [models.UniqueConstraint(fields=["meeting", "trio"], name="one_notes_per_trio")]

    def __str__(self) -> str:
        return f"Trio notes {self.pk}"
