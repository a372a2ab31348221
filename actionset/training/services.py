"""Training workflows: booking a place, the waitlist and its offers, cancelling, attendance, materials.

Capacity is never exceeded: every change to who holds a place happens inside one transaction that first locks the
cohort's row (`select_for_update`), so two people booking the last place at once are served one after the other.
Confirmed and offered bookings both hold a place.

When a held place is given up, it is OFFERED to the first person on the waitlist by email, with a link to accept
that lapses after `OFFER_HOURS`; a lapsed offer passes to the next person. Nobody is moved onto a course without
saying yes: a place on a multi-day course is a commitment of time that a waitlisted person may no longer have.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.training.ics import cohort_ics
from actionset.training.models import Attendance, Booking, Cohort, CohortSession, Course, Material

OFFER_HOURS = 48
_TOKEN_SALT = "actionset.training.booking"


class BookingError(Exception):
    """A booking that cannot be made or changed; the message is for the person booking."""


class CohortFull(BookingError):
    pass


class AlreadyBooked(BookingError):
    pass


class OfferLapsed(BookingError):
    pass


# --- the signed link in a booker's emails ------------------------------------------------------------


def booking_token(booking: Booking) -> str:
    """The key to a booking's own page, for people who booked without signing in. It names only this booking."""
    # The same link in every email about the booking: it carries no timestamp, since a booking page must still open
    # months later, on the course's last day.
    return signing.Signer(salt=_TOKEN_SALT).sign(str(booking.public_id))


def booking_from_token(token: str) -> Booking | None:
    try:
        public_id = signing.Signer(salt=_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    try:
        return Booking.objects.select_related("cohort__course").filter(public_id=public_id).first()
    except ValidationError:
        return None


def booking_link(booking: Booking) -> str:
    return settings.SITE_URL + reverse("training:booking_manage", kwargs={"token": booking_token(booking)})


# --- booking ---------------------------------------------------------------------------------------


def _lock(cohort: Cohort) -> Cohort:
    # Only the cohort row: bookings on other cohorts of the same course need not wait.
    return Cohort.objects.select_for_update(of=("self",)).select_related("course").get(pk=cohort.pk)


def _fill_from_waitlist(cohort: Cohort, *, now: datetime) -> list[Booking]:
    """Lapse expired offers, then offer every free place to the waitlist in order. The cohort must be locked."""
    lapsed = list(cohort.bookings.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now))
    for booking in lapsed:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = "offer_lapsed"
        booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(
            actor=None, action=AuditAction.TRAINING_OFFER_LAPSED, target=booking, detail={"cohort": cohort.name}
        )
        transaction.on_commit(partial(_send, booking, "training_offer_lapsed"), robust=True)
    offered: list[Booking] = []
    if cohort.status != Cohort.Status.OPEN:
        return offered
    free = cohort.capacity - cohort.held_places_count()
    for booking in cohort.bookings.waitlist()[: max(0, free)]:
        booking.status = Booking.Status.OFFERED
        booking.offered_at = now
        booking.offer_expires_at = now + timedelta(hours=OFFER_HOURS)
        booking.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
        audit_record(actor=None, action=AuditAction.TRAINING_OFFER_MADE, target=booking, detail={"cohort": cohort.name})
        transaction.on_commit(partial(_send, booking, "training_offer"), robust=True)
        offered.append(booking)
    return offered


def booking_create(
    *,
    cohort: Cohort,
    name: str,
    email: str,
    organisation_name: str = "",
    consent_to_contact: bool,
    join_waitlist: bool,
    user: User | None = None,
    booked_by: User | None = None,
    source: str = Booking.Source.PUBLIC,
) -> Booking:
    """Book a place, or a place on the waitlist when the cohort is full and the booker asked for that.

    Raises CohortFull when there is no place and `join_waitlist` is false, AlreadyBooked for a second live booking
    by the same email address, BookingError when the cohort is not open for booking.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        cohort = _lock(cohort)
        if source == Booking.Source.ENROLLED:
            # Staff may still add someone once public booking has closed, but not to a finished or cancelled cohort.
            bookable = cohort.status in (Cohort.Status.OPEN, Cohort.Status.CLOSED)
        else:
            bookable = cohort.status == Cohort.Status.OPEN and cohort.course.is_published
        if not bookable:
            raise BookingError("This cohort is not taking bookings.")
        _fill_from_waitlist(cohort, now=now)
        if cohort.bookings.active().filter(email__iexact=email).exists():
            raise AlreadyBooked("There is already a booking for this email address on this cohort.")
        booking = Booking(
            cohort=cohort,
            user=user,
            name=name.strip(),
            email=email,
            organisation_name=organisation_name.strip(),
            consent_to_contact=consent_to_contact,
            booked_by=booked_by,
            source=source,
        )
        # Free places with people still waiting are all on offer to them (above): a newcomer never jumps the queue.
        if cohort.capacity - cohort.held_places_count() > 0:
            booking.status = Booking.Status.CONFIRMED
            booking.confirmed_at = now
        elif join_waitlist:
            booking.status = Booking.Status.WAITLISTED
            booking.waitlisted_at = now
        else:
            raise CohortFull("The cohort is full.")
        booking.save()
        audit_record(
            actor=booked_by,
            action=AuditAction(f"training.booking_{booking.status}"),
            target=booking,
            detail={"cohort": cohort.name, "source": source},
        )
        template = "training_booking_confirmed" if booking.status == Booking.Status.CONFIRMED else "training_waitlisted"
        transaction.on_commit(partial(_send, booking, template), robust=True)
    return booking


def booking_cancel(*, booking: Booking, actor: User | None, reason: str = "cancelled") -> Booking:
    """Cancel a booking (or leave the waitlist, or decline an offer); a place it held is offered to the next person."""
    now = timezone.now()
    with transaction.atomic():
        _lock(booking.cohort)
        booking = Booking.objects.select_related("cohort__course").get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        previous = booking.status
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason
        booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_BOOKING_CANCELLED,
            target=booking,
            detail={"cohort": booking.cohort.name, "was": previous, "reason": reason},
        )
        transaction.on_commit(partial(_send, booking, "training_booking_cancelled"), robust=True)
        _fill_from_waitlist(booking.cohort, now=now)
    return booking


def offer_accept(*, booking: Booking, actor: User | None) -> Booking:
    """Take up an offered place. Raises OfferLapsed once the offer has expired (the place has then moved on)."""
    now = timezone.now()
    with transaction.atomic():
        cohort = _lock(booking.cohort)
        _fill_from_waitlist(cohort, now=now)
        booking = Booking.objects.select_related("cohort__course").get(pk=booking.pk)
        if booking.status == Booking.Status.OFFERED:
            booking.status = Booking.Status.CONFIRMED
            booking.confirmed_at = now
            booking.save(update_fields=["status", "confirmed_at", "updated_at"])
            audit_record(
                actor=actor, action=AuditAction.TRAINING_OFFER_ACCEPTED, target=booking, detail={"cohort": cohort.name}
            )
            transaction.on_commit(partial(_send, booking, "training_booking_confirmed"), robust=True)
    # Raised after the transaction has committed: the lapse (and the offer to the next person) must stand.
    if booking.status != Booking.Status.CONFIRMED:
        raise OfferLapsed("This offer has lapsed and the place has been offered to the next person.")
    return booking


def offers_expire(*, now: datetime | None = None) -> int:
    """Lapse every expired offer and pass its place on; for the `training_offers` command run from cron."""
    now = now or timezone.now()
    count = 0
    cohort_ids = set(
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "cohort_id", flat=True
        )
    )
    for cohort in Cohort.objects.filter(pk__in=cohort_ids):
        with transaction.atomic():
            locked = _lock(cohort)
            count += locked.bookings.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now).count()
            _fill_from_waitlist(locked, now=now)
    return count


def _send(booking: Booking, template: str) -> None:
    cohort = booking.cohort
    sessions = list(cohort.sessions.order_by("starts_at"))
    attachments = []
    if template in ("training_booking_confirmed", "training_dates_changed") and sessions:
        attachments.append((f"{cohort.course.slug}.ics", cohort_ics(cohort, sessions), "text/calendar"))
    email_send(
        to=[booking.email],
        template=template,
        context={
            "booking": booking,
            "cohort": cohort,
            "course": cohort.course,
            "sessions": sessions,
            "manage_url": booking_link(booking),
            "offer_hours": OFFER_HOURS,
        },
        attachments=attachments,
    )


# --- the catalogue, kept by trainers and administrators ------------------------------------------


def course_save(*, actor: User, course: Course) -> Course:
    created = course.pk is None
    with transaction.atomic():
        course.save()
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_COURSE_CREATED if created else AuditAction.TRAINING_COURSE_CHANGED,
            target=course,
        )
    return course


def cohort_save(*, actor: User | None, cohort: Cohort, trainers: Iterable[User] | None = None) -> Cohort:
    """Create or change a cohort. A raised capacity offers its new places to the waitlist at once; cancelling the
    cohort cancels every live booking on it and tells each person."""
    created = cohort.pk is None
    with transaction.atomic():
        was_cancelled = False
        if not created:
            was_cancelled = _lock(cohort).status == Cohort.Status.CANCELLED
        cohort.save()
        if trainers is not None:
            cohort.trainers.set(trainers)
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_COHORT_CREATED if created else AuditAction.TRAINING_COHORT_CHANGED,
            target=cohort,
            detail={"capacity": cohort.capacity, "status": cohort.status},
        )
        now = timezone.now()
        if cohort.status == Cohort.Status.CANCELLED and not was_cancelled:
            for booking in cohort.bookings.active().select_related("cohort__course"):
                booking.status = Booking.Status.CANCELLED
                booking.cancelled_at = now
                booking.cancel_reason = "cohort_cancelled"
                booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
                audit_record(
                    actor=actor,
                    action=AuditAction.TRAINING_BOOKING_CANCELLED,
                    target=booking,
                    detail={"cohort": cohort.name, "reason": "cohort_cancelled"},
                )
                transaction.on_commit(partial(_send, booking, "training_cohort_cancelled"), robust=True)
        elif not created:
            _fill_from_waitlist(cohort, now=now)
    return cohort


_WHEN_AND_WHERE = ("starts_at", "ends_at", "venue", "online_url")


def session_save(*, actor: User | None, session: CohortSession) -> CohortSession:
    """Create or change a session; a change counts up SEQUENCE so that calendars update their copy.

    When a session still to come is added, moved or relocated, every confirmed candidate is emailed the cohort's
    calendar file again: same UIDs, higher SEQUENCE, so their calendar updates the events it already holds.
    """
    created = session.pk is None
    with transaction.atomic():
        moved = created
        if not created:
            before = CohortSession.objects.get(pk=session.pk)
            moved = any(getattr(before, f) != getattr(session, f) for f in _WHEN_AND_WHERE)
            session.sequence += 1
        session.save()
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_SESSION_CREATED if created else AuditAction.TRAINING_SESSION_CHANGED,
            target=session,
            detail={"cohort": session.cohort.name, "starts_at": session.starts_at.isoformat()},
        )
        if moved and not session.is_past:
            for booking in session.cohort.bookings.confirmed().select_related("cohort__course"):
                transaction.on_commit(partial(_send, booking, "training_dates_changed"), robust=True)
    return session


# --- running a cohort ---------------------------------------------------------------------------------


def attendance_record(*, actor: User | None, session: CohortSession, present: dict[int, bool]) -> int:
    """Record who was present (True) or absent (False) at a session, by booking pk. Only confirmed candidates, and
    only once the session has started: attendance is what happened, not a forecast."""
    if session.starts_at > timezone.now():
        raise ValueError("Attendance can be recorded once the session has started.")
    with transaction.atomic():
        allowed = set(session.cohort.bookings.confirmed().values_list("pk", flat=True))
        count = 0
        for booking_id, was_present in present.items():
            if booking_id not in allowed:
                continue
            Attendance.objects.update_or_create(
                session=session, booking_id=booking_id, defaults={"present": was_present, "recorded_by": actor}
            )
            count += 1
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_ATTENDANCE_RECORDED,
            target=session,
            detail={"cohort": session.cohort.name, "recorded": count},
        )
    return count


def material_add(
    *, actor: User | None, cohort: Cohort, title: str, file: File[Any] | None = None, url: str = ""
) -> Material:
    if bool(file) == bool(url):
        raise ValueError("A material is either an uploaded file or a link.")
    with transaction.atomic():
        material = Material(cohort=cohort, title=title.strip(), url=url, added_by=actor)
        if file:
            material.file.save(file.name or "file", file, save=False)
        material.save()
        audit_record(
            actor=actor, action=AuditAction.TRAINING_MATERIAL_ADDED, target=material, detail={"cohort": cohort.name}
        )
    return material


def material_remove(*, actor: User, material: Material) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_MATERIAL_REMOVED,
            target=material,
            detail={"cohort": material.cohort.name},
        )
        if material.file:
            material.file.delete(save=False)
        material.delete()
