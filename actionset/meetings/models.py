from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.access import Actor, visible
from actionset.core.models import BaseModel


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now()).order_by("starts_at")

    def begun(self) -> MeetingQuerySet:
        """Meetings that have begun (or were held), not cancelled: most recent first."""
        return (
            self.exclude(status=Meeting.Status.CANCELLED)
            .filter(Q(status=Meeting.Status.HELD) | Q(starts_at__lte=timezone.now()))
            .order_by("-starts_at")
        )

    def for_attendee(self, user: User) -> MeetingQuerySet:
        """Meetings of every published set `user` belongs to as an active member or as a facilitator.

        The `meeting.content` rule's own list, so a feed or a list never shows a meeting the person could not open.
        """
        return visible(Actor(user), "meeting.content", self).select_related("learning_set__programme")

    def next_for(self, user: User, limit: int = 3) -> list[Meeting]:
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
    #: The venue booked, whose rooms bound how many meetings it holds at once (meetings/venues.py).
    venue = models.ForeignKey(
        "programmes.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
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
    def calendar_summary(self) -> str:
        """The event's title in calendars: "Set 1: meeting 2 of 6"."""
        return f"{self.learning_set.name}: meeting {self.number} of {self.learning_set.programme.number_of_meetings}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def can_change(self) -> bool:
        """Only a meeting still to come can be moved or cancelled; a held or cancelled one is history."""
        return self.status == self.Status.SCHEDULED and self.ends_at > timezone.now()

    def attendance_by_enrolment(self) -> dict[int, str]:
        """Enrolment pk → the attendance status recorded for the meeting."""
        return dict(self.attendance.values_list("enrolment_id", "status"))


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


# --- the live meeting ------------------------------------------------------------------------
# One source of truth for a meeting in progress, in the database, so that any app process can serve any
# device. Every change bumps `version`; a command carries the version its device saw, so two devices
# never silently overwrite each other.


class MeetingRun(models.Model):
    """The state of a meeting being run: where in the run sheet the set is, who presents, the clock."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="run")
    #: The method the meeting started with: a programme changing method later must not reshuffle its phases.
    method = models.CharField(max_length=20)
    phase_index = models.PositiveSmallIntegerField(default=0)
    presenter = models.ForeignKey(
        "programmes.Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: When the current phase (or, in a per-presenter phase, the current presenter's turn) began.
    phase_started_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    #: Seconds the current phase has spent paused, not counting a pause still going on.
    paused_seconds = models.PositiveIntegerField(default=0)
    extension_seconds = models.PositiveIntegerField(default=0)
    #: In a phase run as rounds (Troika's trios), which round the room is in: 1 at the start of every phase.
    round = models.PositiveSmallIntegerField(default=1)
    #: The current presenter's airtime as they bid for it; None uses the run sheet's minutes.
    airtime_seconds = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Run of {self.meeting}"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def elapsed_seconds(self, now: Any = None) -> float:
        """Seconds of the current phase used so far, pauses left out."""
        now = now or timezone.now()
        until = self.paused_at or self.ended_at or now
        return max(0.0, (until - self.phase_started_at).total_seconds() - self.paused_seconds)


class PresenterTurn(models.Model):
    """Airtime actually given: one row per stretch a presenter held the set's time. Read for the fairness record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="presenter_turns")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="presenter_turns")
    phase_key = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        # Who took airtime when is the set's record, not something to print wherever turns are listed.
        return f"Presenter turn {self.pk}"

    @property
    def seconds(self) -> float:
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())


class FacilitatorNote(models.Model):
    """A facilitator's private notes on a meeting: personal tier, readable by the author alone.

    Never registered in the admin, and never shown to co-facilitators, members or administrators.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="facilitator_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_note_per_author_and_meeting")]

    def __str__(self) -> str:
        return f"Notes on {self.meeting}"


class FacilitatorPresence(models.Model):
    """A facilitator who facilitated a meeting, present and assigned to its set when it began.

    What a facilitator's portfolio credits as hours (accreditation/evidence.py): kept with the meeting, so a later
    change of facilitator neither takes the hours away nor gives them to the newcomer. Recorded when they start the
    meeting live, and by the attendance record (a co-facilitator, say); only for someone assigned before it began.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="facilitator_presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_facilitated")
    role = models.CharField(max_length=10)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="facilitator_present_once")]

    def __str__(self) -> str:
        return f"{self.user} facilitated {self.meeting}"


class Attendance(models.Model):
    """Who came to a meeting, recorded by its facilitator."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment__person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "enrolment"], name="attendance_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.enrolment.person}: {self.get_status_display()} at {self.meeting}"
