"""Learning journals (personal tier), what a set shares out of the room, leaders' answers, and themes.

Nothing here is registered in the Django admin: journal entries are the author's alone, and a shared item is set
content until its set releases it. Other apps read released items only through `actionset.learning.selectors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from actionset.core.access import Actor, visible
from actionset.core.models import BaseModel

if TYPE_CHECKING:
    from actionset.accounts.models import User

#: The after-meeting review sheet's prompts, in order: the journal's fields and the words the form shows.
PROMPTS: tuple[tuple[str, str], ...] = (
    ("about_problem", "What I learned about my problem"),
    ("my_actions", "My actions"),
    ("from_others", "What I learned from others' problems"),
    ("how_set_worked", "How the set worked"),
    ("about_myself", "What I learned about myself"),
)


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def of(self, user: User) -> JournalEntryQuerySet:
        """The only way entries are listed: one author's own, as the `learning.journal_entry` rule decides."""
        return visible(Actor(user), "learning.journal_entry", self)


class JournalEntry(BaseModel):
    """One entry in a person's learning journal: personal tier, readable and exportable by its author alone."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The author's own actions the entry reflects on (validated in the service: only their own).
    actions = models.ManyToManyField("room.Action", blank=True, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    about_problem = models.TextField(blank=True)
    my_actions = models.TextField(blank=True)
    from_others = models.TextField(blank=True)
    how_set_worked = models.TextField(blank=True)
    about_myself = models.TextField(blank=True)
    notes = models.TextField("Anything else", blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        # Never the title: whatever lists related objects (the admin, the audit log) must not print a journal's words.
        return f"Journal entry {self.public_id.hex[:8]}"

    @property
    def heading(self) -> str:
        if self.title:
            return self.title
        if self.meeting_id is not None:
            return f"After meeting {self.meeting.number} of {self.meeting.learning_set}"  # type: ignore[union-attr]
        return "Journal entry"

    def answered(self) -> list[tuple[str, str]]:
        """The prompts the author wrote something for, with what they wrote."""
        answers = [(label, getattr(self, field)) for field, label in PROMPTS if getattr(self, field).strip()]
        if self.notes.strip():
            answers.append(("Anything else", self.notes))
        return answers


class SharedItemQuerySet(models.QuerySet["SharedItem"]):
    def released(self) -> SharedItemQuerySet:
        return self.filter(status=SharedItem.Status.RELEASED)

    def pending(self) -> SharedItemQuerySet:
        return self.filter(status=SharedItem.Status.PROPOSED)


class SharedItem(BaseModel):
    """Something a member proposes the set shares outside it: a theme, a lesson, or a question for leaders.

    Set tier while proposed; programme tier once released under the set's sharing rule. Anonymous outside
    the set unless the author opts in (`show_author`).
    """

    class Kind(models.TextChoices):
        THEME = "theme", "Theme"
        LESSON = "lesson", "Lesson"
        QUESTION = "question", "Question for leaders"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting the set's agreement"
        RELEASED = "released", "Shared outside the set"
        WITHDRAWN = "withdrawn", "Withdrawn"

    learning_set = models.ForeignKey("sets.LearningSet", on_delete=models.CASCADE, related_name="shared_items")
    #: The meeting the item was raised in; None when raised between meetings.
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=2000)
    author = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    #: Whose airtime it came from, for the "facilitator and presenter" rule (the author unless they say otherwise).
    presenter = models.ForeignKey(
        "programmes.Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The members "present" when it was raised: whose agreement the "every member present" rule needs.
    electorate = models.ManyToManyField("programmes.Enrolment", related_name="+")
    show_author = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    released_at = models.DateTimeField(null=True, blank=True)
    #: The sharing rule the release was decided under.
    released_under = models.CharField(max_length=30, blank=True)
    #: When its author last changed the wording (which cleared the approvals given to the old words).
    edited_at = models.DateTimeField(null=True, blank=True)
    themes = models.ManyToManyField("learning.Theme", blank=True, related_name="items")

    objects = SharedItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.learning_set}"

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED


class Decision(models.Model):
    """One person's approval of, or objection to, a proposed item. Withdrawn by deleting it, before release.

    A member's decision is keyed by their enrolment (many members have no login); a facilitator's by their user,
    with no enrolment. A decision a member gave aloud in the room and a facilitator recorded for them carries
    `recorded_by`: the set sees who recorded it and when, and the member can replace it online.
    """

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        OBJECT = "object", "Object"

    item = models.ForeignKey(SharedItem, on_delete=models.CASCADE, related_name="decisions")
    #: The member who decided, whether online or in the room; None for a facilitator's own decision.
    enrolment = models.ForeignKey(
        "programmes.Enrolment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: Who decided online: the member's or the facilitator's login; None for a member without one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    decided_at = models.DateTimeField(default=timezone.now)
    #: The facilitator who recorded a decision given in the room; None when the member decided online themself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept as text, so the set still reads who recorded it if the facilitator's account goes.
    recorded_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_decision_per_person_and_item"),
            models.UniqueConstraint(fields=["item", "enrolment"], name="one_decision_per_member_and_item"),
        ]

    def __str__(self) -> str:
        # Not the verdict: who objected to what is the set's business.
        return f"Decision {self.pk}"

    @property
    def in_room(self) -> bool:
        return bool(self.recorded_by_name)


class LeaderAnswer(BaseModel):
    """A sponsor's answer to a released question for leaders; it flows back to the set."""

    item = models.ForeignKey(SharedItem, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    #: Kept as text, so the set still reads who answered if the account goes.
    author_name = models.CharField(max_length=200)
    text = models.TextField(max_length=5000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Answer by {self.author_name}"


class Theme(BaseModel):
    """A theme the organisational developer sees across sets and programmes, tagged onto released items."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
