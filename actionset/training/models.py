"""The facilitator training catalogue: courses, their cohorts and dated sessions, bookings, attendance and materials.

Other apps (accreditation) hold foreign keys to Course, Cohort and Booking: fields are added by new migrations,
never renamed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from actionset.core.models import BaseModel

if TYPE_CHECKING:
    from actionset.accounts.models import User


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(is_published=True)


class Course(BaseModel):
    """A course in the provider's catalogue, from a taster workshop to an advanced practitioner award."""

    class Kind(models.TextChoices):
        TASTER = "taster", "Taster workshop"
        FOUNDATION = "foundation", "Foundation award"
        ADVANCED = "advanced", "Advanced practitioner award"
        IN_HOUSE = "in_house", "In-house programme"

    class Develops(models.TextChoices):
        IN_SET_FACILITATOR = "in_set_facilitator", "In-set facilitator"
        PROGRAMME_DESIGNER = "programme_designer", "Programme designer"
        ORGANISATIONAL_DEVELOPER = "organisational_developer", "Organisational developer"

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150)
    summary = models.TextField(help_text="One or two sentences for the catalogue list.")
    description = models.TextField(blank=True, help_text="The course page's fuller account: format, who it is for.")
    outcomes = models.TextField(blank=True, help_text="One learning outcome per line.")
    develops = models.CharField(max_length=30, choices=Develops.choices)
    price = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Per place, in pounds. Empty: on request."
    )
    price_note = models.CharField(max_length=150, blank=True, help_text="For example “plus VAT” or “per group”.")
    is_published = models.BooleanField(default=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class CohortQuerySet(models.QuerySet["Cohort"]):
    def with_counts(self) -> CohortQuerySet:
        """Annotate `held_places` (confirmed and offered bookings) and `waitlist_length` in one query."""
        return self.annotate(
            held_places=models.Count(
                "bookings", filter=Q(bookings__status__in=Booking.HOLDING_STATUSES), distinct=True
            ),
            waitlist_length=models.Count(
                "bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED), distinct=True
            ),
        )

    def trained_by(self, user: User) -> CohortQuerySet:
        return self.filter(trainers=user)

    def upcoming(self) -> CohortQuerySet:
        """The cohorts the public sees: open ones not yet over, and closed ones not yet started ("booking closed").
        A cohort already running and closed to booking is its candidates' business."""
        now = timezone.now()
        return self.annotate(
            first_start=models.Min("sessions__starts_at"), last_end=models.Max("sessions__ends_at")
        ).filter(
            Q(status=Cohort.Status.OPEN, last_end__gte=now)
            | Q(status=Cohort.Status.OPEN, last_end__isnull=True)
            | Q(status=Cohort.Status.CLOSED, first_start__gt=now)
        )

    def with_session_list(self) -> CohortQuerySet:
        """Each cohort's sessions, by date, prefetched as `session_list` (what `training/_cohort_dates.html` lists)."""
        return self.prefetch_related(
            models.Prefetch("sessions", queryset=CohortSession.objects.order_by("starts_at"), to_attr="session_list")
        )


class Cohort(BaseModel):
    """One running of a course: a group of candidates with a capacity, dated sessions and trainers."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for booking"
        CLOSED = "closed", "Booking closed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=150, help_text="For example “Spring 2027, Leeds”.")
    capacity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="training_cohorts")

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["course", "name"]

    def __str__(self) -> str:
        return f"{self.course.title}: {self.name}"

    def held_places_count(self) -> int:
        return self.bookings.filter(status__in=Booking.HOLDING_STATUSES).count()

    def places_left(self) -> int:
        held = getattr(self, "held_places", None)
        if held is None:
            held = self.held_places_count()
        return max(0, self.capacity - held)

    @property
    def is_bookable(self) -> bool:
        return self.status == self.Status.OPEN


class CohortSession(BaseModel):
    """One dated session of a cohort, at a venue or online. `sequence` counts changes, for calendar clients."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=150, blank=True, help_text="For example “Day 1: the method”.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(blank=True, help_text="The joining link, for an online session.")
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.cohort} session"

    @property
    def calendar_uid(self) -> str:
        # Stable for the session's whole life, so that calendar clients update rather than duplicate it.
        return f"training-session-{self.public_id}@actionset"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def where(self) -> str:
        if self.venue and self.online_url:
            return f"{self.venue} and online"
        return self.venue or ("Online" if self.online_url else "")


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.exclude(status=Booking.Status.CANCELLED)

    def confirmed(self) -> BookingQuerySet:
        return self.filter(status=Booking.Status.CONFIRMED)

    def waitlist(self) -> BookingQuerySet:
        """The waitlist in the order places are offered: first come, first offered."""
        return self.filter(status=Booking.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def for_user(self, user: User) -> BookingQuerySet:
        return self.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))


class Booking(BaseModel):
    """A person's place (or place in the queue) on a cohort.

    Confirmed and offered bookings hold a place; the capacity counts both, so an offer made to the next person on the
    waitlist cannot be taken by someone else while they decide.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        OFFERED = "offered", "Place offered"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        PUBLIC = "public", "Public booking form"
        SELF = "self", "Booked when signed in"
        ENROLLED = "enrolled", "Enrolled by staff"

    HOLDING_STATUSES = (Status.CONFIRMED, Status.OFFERED)

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_bookings"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    organisation_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PUBLIC)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_to_contact = models.BooleanField(
        default=False, help_text="Agreed to be contacted about this booking (and nothing else)."
    )
    # The waitlist's order: when the person joined it.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=40, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "created_at"]
        constraints = [
            # One live booking per person per cohort; a cancelled one may be followed by a new one.
            models.UniqueConstraint(
                fields=["cohort", "email"], condition=~Q(status="cancelled"), name="training_one_live_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.cohort}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return self.status != self.Status.CANCELLED


class Attendance(models.Model):
    """Whether a candidate was present at a session, as the trainer recorded it."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "booking"], name="training_one_attendance")]

    def __str__(self) -> str:
        return f"{self.booking.name} at {self.session}: {'present' if self.present else 'absent'}"


def _material_path(instance: Material, filename: str) -> str:
    # Under a random folder per material: the upload's name is kept for the download, yet no path can be guessed.
    return f"training/materials/{instance.public_id}/{filename}"


class Material(BaseModel):
    """A handout, reading or link for a cohort. Files are served only through a view that checks access."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=150)
    file = models.FileField(upload_to=_material_path, blank=True, max_length=300)
    url = models.URLField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")), name="training_material_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title
