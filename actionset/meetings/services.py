"""Scheduling, changing and cancelling meetings; telling people by email with calendar invitations; reminders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.meetings.calendar import Recipient, invitation_ics, removal_ics, series_ics
from actionset.meetings.models import CalendarFeed, Meeting
from actionset.meetings.scheduling import SetPlan, SlotOption, programme_plans, series_times, zone
from actionset.meetings.venues import clashes
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import LearningSet

#: How far ahead of a meeting its reminder goes out.
REMINDER_WINDOW = timedelta(hours=48)


class ScheduleError(Exception):
    """The schedule cannot be made as asked; the message says why, in words for the designer."""


@dataclass
class ScheduleResult:
    scheduled: list[SetPlan] = field(default_factory=list)
    #: Sets that meet at another slot than their people's best, because the venue was full then: (set, best, used).
    moved_for_venue: list[tuple[LearningSet, str, str]] = field(default_factory=list)
    #: Sets left alone because they already have meetings: changes go meeting by meeting.
    skipped: list[LearningSet] = field(default_factory=list)


# --- who is told --------------------------------------------------------------------------


def set_recipients(learning_set: LearningSet) -> list[Recipient]:
    """The set's active members and its facilitators, once each.

    A member without a login yet reads times in the programme's time zone, the one they were recruited in.
    """
    programme = learning_set.programme
    recipients: dict[str, Recipient] = {}
    memberships = learning_set.memberships.filter(enrolment__withdrawn_at__isnull=True).select_related(
        "enrolment__person__user"
    )
    for membership in memberships:
        person = membership.enrolment.person
        user = person.user
        email = person.mail_address
        if email:
            recipients.setdefault(
                email.lower(),
                Recipient(
                    name=person.name,
                    email=email,
                    time_zone=zone(user.time_zone if user else programme.time_zone).key,
                ),
            )
    for assignment in learning_set.facilitators.select_related("user"):
        user = assignment.user
        recipients.setdefault(
            user.email.lower(), Recipient(name=str(user), email=user.email, time_zone=zone(user.time_zone).key)
        )
    return list(recipients.values())


def _after_commit(send: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Send once the change is committed: a rolled-back change must leave no invitation in anyone's calendar.

    Robust, because by then the change has happened: a mail server that fails must not turn it into an error page.
    (A named function rather than a partial: Django names the callback when it logs a failure.)
    """

    def send_after_commit() -> None:
        send(*args, **kwargs)

    transaction.on_commit(send_after_commit, robust=True)


def _ics_name(meeting: Meeting) -> str:
    return f"meeting-{meeting.number}.ics"


def calendar_attachment(meetings: Sequence[Meeting], *, attendees: Sequence[Recipient]) -> tuple[str, bytes, str]:
    """The one calendar file an email carries for `meetings`: an invitation (REQUEST, or CANCEL) for one meeting,
    or the whole series to import at once for several (see `series_ics` for why not a REQUEST)."""
    if len(meetings) == 1:
        (meeting,) = meetings
        method = "CANCEL" if meeting.is_cancelled else "REQUEST"
        return _ics_name(meeting), invitation_ics(meeting, attendees=attendees), f"text/calendar; method={method}"
    return "meetings.ics", series_ics(meetings), "text/calendar; method=PUBLISH"


def _send_invitations(meetings: Sequence[Meeting], *, template: str, extra: dict[str, Any] | None = None) -> None:
    """One email per person, so that each reads the times in their own time zone, with one calendar file holding
    every meeting it tells of: one file to open, rather than one per meeting."""
    if not meetings:
        return
    learning_set = meetings[0].learning_set
    recipients = set_recipients(learning_set)
    attachment = calendar_attachment(meetings, attendees=recipients)
    for recipient in recipients:
        email_send(
            to=[recipient.email],
            template=template,
            context={
                "recipient": recipient,
                "learning_set": learning_set,
                "programme": learning_set.programme,
                "meetings": meetings,
                "meeting": meetings[0],
                **(extra or {}),
            },
            attachments=[attachment],
        )


# --- scheduling ---------------------------------------------------------------------------


def schedule_create(
    *,
    actor: User,
    programme: Programme | None = None,
    learning_set: LearningSet | None = None,
    slot: str | None = None,
    request: HttpRequest | None = None,
) -> ScheduleResult:
    """Lay out the series of meetings for every set of a programme, or for one set (optionally at a chosen slot).

    Each set meets at the slot all its people can attend, or, where there is none, the one most can
    (the plan says who cannot). A set that already has meetings is left as it is: from then on
    meetings are moved or cancelled one at a time, so that nobody's calendar is rewritten wholesale.
    """
    if (programme is None) == (learning_set is None):
        raise ValueError("Schedule a programme or a set, not both")
    if programme is None:
        assert learning_set is not None
        programme = learning_set.programme
    if not programme.is_published:
        raise ScheduleError("Publish the sets before scheduling them: members learn their meeting dates by email.")
    if programme.start_date is None:
        raise ScheduleError("Set the date the first meetings can start from in the programme's design.")

    result = ScheduleResult()
    with transaction.atomic():
        # Locking the sets makes two designers pressing the button at once schedule each set once.
        sets = LearningSet.objects.select_for_update().filter(programme=programme).order_by("position", "name")
        if learning_set is not None:
            sets = sets.filter(pk=learning_set.pk)
        candidates = []
        for candidate in sets:
            candidate.programme = programme
            if candidate.meetings.exists():
                result.skipped.append(candidate)
            else:
                if slot and learning_set is not None:
                    candidate.slot = slot
                candidates.append(candidate)
        plans = programme_plans(programme, candidates)
        if slot and plans and not plans[0].fixed:
            raise ScheduleError("That slot does not fit a meeting of this length.")
        venue = programme.venue
        for plan in plans:
            target = plan.learning_set
            best = plan.chosen
            times = _series_at_free_venue(programme, plan)
            if plan.chosen != best:
                result.moved_for_venue.append((target, best.label, plan.chosen.label))
            target.slot = plan.chosen.slot
            target.save(update_fields=["slot"])
            meetings = Meeting.objects.bulk_create(
                Meeting(
                    learning_set=target,
                    number=i,
                    starts_at=begins,
                    ends_at=ends,
                    location=programme.location or (venue.where if venue else ""),
                    venue=venue,
                )
                for i, (begins, ends) in enumerate(times, start=1)
            )
            audit_record(
                actor=actor,
                action=AuditAction.SCHEDULE_CREATED,
                target=target,
                organisation=programme.organisation,
                detail={
                    "slot": plan.chosen.slot,
                    "meetings": len(meetings),
                    "first": meetings[0].starts_at.isoformat() if meetings else None,
                    "cannot_attend": len(plan.chosen.cannot_attend),
                },
                request=request,
            )
            result.scheduled.append(plan)
            _after_commit(_send_invitations, meetings, template="meeting_scheduled")
    return result


def _series_at_free_venue(programme: Programme, plan: SetPlan) -> list[tuple[datetime, datetime]]:
    """The set's meeting times at its plan's slot or, when the programme's venue is full then, at the next slot in
    its people's order of preference that has a room every time (`plan.chosen` is changed to it).

    A slot the designer chose is kept or refused, never swapped. Meetings laid out earlier in the same call are
    already booked, so two sets of one programme are not put in one room either.
    """
    assert programme.start_date is not None

    def series(option: SlotOption) -> list[tuple[datetime, datetime]]:
        assert programme.start_date is not None
        return series_times(
            start=programme.start_date,
            slot=option.slot,
            number=programme.number_of_meetings,
            cadence_weeks=programme.cadence_weeks,
            meeting_minutes=programme.meeting_minutes,
            time_zone=programme.time_zone,
        )

    options = [plan.chosen] if plan.fixed else [plan.chosen, *(o for o in plan.options if o != plan.chosen)]
    first_clash = None
    for option in options:
        times = series(option)
        found = clashes(programme.venue, times)
        if not found:
            plan.chosen = option
            return times
        first_clash = first_clash or found[0]
    raise ScheduleError(
        _("%(set)s cannot be scheduled at %(venue)s: %(clash)s Choose another slot or venue, or add rooms.")
        % {"set": plan.learning_set.name, "venue": programme.venue, "clash": first_clash}
    )


def _locked(meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update().select_related("learning_set__programme__organisation").get(pk=meeting.pk)
    )
    return locked


class MeetingUnchangeable(ScheduleError):
    pass


class VenueFull(ScheduleError):
    """The venue's rooms are all taken at the new time."""


def meeting_reschedule(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Meeting:
    """Move a meeting. Its UID stays and its SEQUENCE goes up, so calendars move the event they already hold."""
    if ends_at <= starts_at:
        raise ScheduleError("The meeting must end after it starts.")
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.can_change:
            raise MeetingUnchangeable("Only a meeting still to come can be moved.")
        before = {
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "location": meeting.location,
        }
        if (meeting.starts_at, meeting.ends_at, meeting.location) == (starts_at, ends_at, location):
            return meeting
        found = clashes(meeting.venue, [(starts_at, ends_at)], exclude=[meeting.pk])
        if found:
            raise VenueFull(str(found[0]))
        meeting.starts_at, meeting.ends_at, meeting.location = starts_at, ends_at, location
        meeting.sequence += 1
        # A reminder sent for the old time says nothing useful about the new one.
        meeting.reminder_sent_at = None
        meeting.save(update_fields=["starts_at", "ends_at", "location", "sequence", "reminder_sent_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_RESCHEDULED,
            target=meeting,
            organisation=meeting.learning_set.programme.organisation,
            detail={
                "before": before,
                "after": {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "location": location},
                "sequence": meeting.sequence,
            },
            request=request,
        )
        _after_commit(_send_invitations, [meeting], template="meeting_changed", extra={"note": note})
    return meeting


def meeting_cancel(
    *, actor: User | None, meeting: Meeting, reason: str = "", request: HttpRequest | None = None
) -> Meeting:
    """Cancel a meeting. Calendars are sent METHOD:CANCEL for the same UID, so the event disappears from them."""
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.is_cancelled:
            return meeting
        if not meeting.can_change:
            raise MeetingUnchangeable("Only a meeting still to come can be cancelled.")
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_CANCELLED,
            target=meeting,
            organisation=meeting.learning_set.programme.organisation,
            detail={"sequence": meeting.sequence, "reason": reason},
            request=request,
        )
        _after_commit(_send_invitations, [meeting], template="meeting_cancelled", extra={"reason": reason})
    return meeting


# --- a member moved between published sets -------------------------------------------------


def member_moved_notice(
    sender: type, *, enrolment: Enrolment, old_set: LearningSet, new_set: LearningSet, **kwargs: Any
) -> None:
    """Tell a person moved after publication where they are now, with their calendar put right: the old set's
    meetings to come are taken out of it and the new set's are added.

    Receives `actionset.sets.signals.member_moved` (connected in MeetingsConfig.ready()): the move is the sets
    app's, a layer below, and the meetings and calendars are ours."""
    person = enrolment.person
    email = person.mail_address
    if not email:
        return
    recipient = next((r for r in set_recipients(new_set) if r.email.lower() == email.lower()), None)
    if recipient is None:
        return
    now = timezone.now()
    upcoming = Meeting.objects.filter(starts_at__gte=now).exclude(status=Meeting.Status.CANCELLED).order_by("starts_at")
    leaving = list(upcoming.filter(learning_set=old_set).select_related("learning_set__programme"))
    joining = list(upcoming.filter(learning_set=new_set).select_related("learning_set__programme"))
    # Each meeting left is its own CANCEL (a cancellation names one event; it is the only way to take an event out
    # of someone's calendar), and the new set's meetings come as one file.
    attachments = [
        (f"leaving-meeting-{m.number}.ics", removal_ics(m, attendee=recipient), "text/calendar; method=CANCEL")
        for m in leaving
    ]
    if joining:
        attachments.append(calendar_attachment(joining, attendees=set_recipients(new_set)))
    members = [
        m.enrolment.person
        for m in new_set.memberships.filter(enrolment__withdrawn_at__isnull=True).select_related("enrolment__person")
    ]
    email_send(
        to=[email],
        template="set_moved",
        context={
            "recipient": recipient,
            "person": person,
            "programme": new_set.programme,
            "old_set": old_set,
            "learning_set": new_set,
            "members": members,
            "facilitators": sorted(new_set.facilitators.select_related("user"), key=lambda a: a.role != "lead"),
            "meetings": joining,
            "leaving": leaving,
            "link": settings.SITE_URL.rstrip("/") + reverse("sets:detail", kwargs={"learning_set": new_set.public_id}),
        },
        attachments=attachments,
    )


def meeting_link_notice(sender: type, *, learning_set: LearningSet, **kwargs: Any) -> None:
    """Send the set's people their meetings to come again when the set's meeting link changes, so that the link in
    their calendars (URL and LOCATION) is the one that works. Each meeting's SEQUENCE goes up, so calendars replace
    the event they hold rather than ignore the update as old news.

    Receives `actionset.sets.signals.meeting_link_changed` (connected in MeetingsConfig.ready()): the link is the
    sets app's, a layer below, and calendars are ours. Runs after the change is committed."""
    learning_set = LearningSet.objects.select_related("programme").get(pk=learning_set.pk)
    if not learning_set.programme.is_published:
        return
    with transaction.atomic():
        upcoming = list(
            Meeting.objects.select_for_update()
            .filter(learning_set=learning_set, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now())
            .order_by("starts_at")
        )
        for meeting in upcoming:
            meeting.learning_set = learning_set
            meeting.sequence += 1
            meeting.save(update_fields=["sequence", "updated_at"])
        _after_commit(_send_invitations, upcoming, template="meeting_link_changed")


# --- reminders ----------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind each set's people of meetings starting within the next 48 hours; each meeting once.

    Safe to run from cron and from a task worker at the same time: each meeting is claimed under a
    row lock (skipping rows another process holds) and marked before its emails go.
    """
    now = now or timezone.now()
    due = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_WINDOW,
        learning_set__programme__published_at__isnull=False,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update(skip_locked=True)
                .select_related("learning_set__programme")
                .filter(pk=pk, reminder_sent_at__isnull=True, status=Meeting.Status.SCHEDULED)
                .first()
            )
            if meeting is None:
                continue
            meeting.reminder_sent_at = now
            meeting.save(update_fields=["reminder_sent_at", "updated_at"])
            # At most once: a reminder whose email fails is logged and not retried, rather than risk sending twice.
            _after_commit(_send_reminder, meeting)
            sent += 1
    return sent


def _send_reminder(meeting: Meeting) -> None:
    for recipient in set_recipients(meeting.learning_set):
        email_send(
            to=[recipient.email],
            template="meeting_reminder",
            context={
                "recipient": recipient,
                "meeting": meeting,
                "learning_set": meeting.learning_set,
                "programme": meeting.learning_set.programme,
            },
        )


# --- calendar feeds -----------------------------------------------------------------------


def calendar_feed_create(*, actor: User, request: HttpRequest | None = None) -> str:
    """Give `actor` a new private feed address, revoking any earlier one. Returns the token, shown once."""
    with transaction.atomic():
        revoked = CalendarFeed.objects.active().filter(user=actor).update(revoked_at=timezone.now())
        token, token_hash = CalendarFeed.new_token()
        feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash)
        audit_record(
            actor=actor,
            action=AuditAction.CALENDAR_FEED_RESET if revoked else AuditAction.CALENDAR_FEED_CREATED,
            target=feed,
            request=request,
        )
    return token


def calendar_feed_revoke(*, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        for feed in CalendarFeed.objects.active().filter(user=actor).select_for_update():
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at", "updated_at"])
            audit_record(actor=actor, action=AuditAction.CALENDAR_FEED_REVOKED, target=feed, request=request)
