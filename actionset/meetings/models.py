from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from actionset.core.models import BaseModel


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now()).order_by("starts_at")

    def for_attendee(self, user: Any) -> MeetingQuerySet:
        """Meetings of every published set `user` belongs to as an active member or as a facilitator.

        The same test as the `set.view` rule's `in_set`, so a feed or a list never shows a meeting
        the person could not open.
        """
        return (
            self.filter(learning_set__programme__published_at__isnull=False)
            .filter(
                Q(
                    learning_set__memberships__enrolment__person__user=user,
                    learning_set__memberships__enrolment__withdrawn_at__isnull=True,
                )
                | Q(learning_set__facilitators__user=user)
            )
            .distinct()
            .select_related("learning_set__programme")
        )

    def next_for(self, user: Any, limit: int = 3) -> list[Meeting]:
        """The next few meetings a person is due at: for the `meetings/_next_meetings.html` partial."""
        return list(self.for_attendee(user).upcoming()[:limit])


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

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def can_change(self) -> bool:
        """Only a meeting still to come can be moved or cancelled; a held or cancelled one is history."""
        return self.status == self.Status.SCHEDULED and self.ends_at > timezone.now()


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)

    def by_token(self, token: str) -> CalendarFeed | None:
        return self.active().filter(token_hash=hash_feed_token(token)).select_related("user").first()


class CalendarFeed(BaseModel):
    """A person's private, subscribable calendar address.

    Calendar apps cannot sign in, so the address itself is the secret. Only its hash is stored:
    the full address is shown once, when it is made, and resetting it revokes the old one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_calendar_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, hash_feed_token(token)
