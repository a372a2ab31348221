"""iCalendar for a cohort: every session of the cohort as its own VEVENT, for the booking confirmation email.

Each session keeps one UID for its whole life and counts its changes in SEQUENCE, so that importing a newer file
updates the events a candidate already has instead of adding more. Times carry the provider's time zone with its
VTIMEZONE, so "09:30 London" reads as that in every client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import STATUS, Event

from actionset.core.ical import calendar_file, provider_organizer
from actionset.meetings.scheduling import zone
from actionset.training.models import Cohort, CohortSession

PRODID = "-//actionset//Facilitator training//EN"


def session_event(session: CohortSession, *, number: int, total: int) -> Event:
    cohort = session.cohort
    tz = zone(settings.TIME_ZONE)
    summary = f"{cohort.course.title}: session {number} of {total}"
    if session.title:
        summary = f"{summary} ({session.title})"
    description = [f"{cohort.course.title}, {cohort.name}."]
    if session.online_url:
        description.append(f"Join online: {session.online_url}")
    return Event.new(
        uid=session.calendar_uid,
        sequence=session.sequence,
        stamp=timezone.now().astimezone(UTC),
        start=session.starts_at.astimezone(tz),
        end=session.ends_at.astimezone(tz),
        summary=summary,
        description="\n".join(description),
        location=session.venue or session.online_url or None,
        url=session.online_url or None,
        status=STATUS.CONFIRMED,
        organizer=provider_organizer(),
    )


def cohort_ics(cohort: Cohort, sessions: Sequence[CohortSession] | None = None) -> bytes:
    """Every session of the cohort, to import. PUBLISH: importing adds the events rather than asking for a reply."""
    sessions = list(sessions if sessions is not None else cohort.sessions.order_by("starts_at"))
    events = [session_event(s, number=i, total=len(sessions)) for i, s in enumerate(sessions, start=1)]
    if not sessions:
        return calendar_file(events, prodid=PRODID, method="PUBLISH")
    first = min(s.starts_at for s in sessions).date()
    last = max(s.ends_at for s in sessions).date()
    return calendar_file(events, prodid=PRODID, method="PUBLISH", first=first, last=last)
