from __future__ import annotations

from django.db import models
from django.utils import timezone

from actionset.core.models import BaseModel


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now()).order_by("starts_at")


class Meeting(BaseModel):
    """One meeting of a set. `sequence` counts changes, for calendar clients (iCalendar SEQUENCE)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"

    learning_set = models.ForeignKey("sets.LearningSet", on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField(help_text="1 for the set's first meeting, and so on.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["learning_set", "starts_at"]

    def __str__(self) -> str:
        return f"{self.learning_set} meeting {self.number}"

    @property
    def calendar_uid(self) -> str:
        # Stable for the meeting's whole life, so that calendar clients update rather than duplicate it.
        return f"meeting-{self.public_id}@actionset"
