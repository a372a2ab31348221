"""iCalendar for meetings: invitations and cancellations by email, one-meeting downloads, and the private feed.

Every meeting keeps one UID for its whole life and counts its changes in SEQUENCE, so that a
calendar client updates or removes the event it already has instead of adding another. Times
carry the programme's time zone (TZID with its VTIMEZONE), so the event reads as "09:30 London"
rather than as a UTC instant that only happens to be right.

A set that meets online has its link in every event twice: as URL, and as LOCATION, which is where
Outlook, Google Calendar and phone calendars look for a video link to offer a "Join" button. Each
meeting still to happen carries an alarm a quarter of an hour before it starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import STATUS, Alarm, Event

from actionset.core.ical import calendar_address, calendar_file, provider_organizer
from actionset.meetings.models import Meeting
from actionset.meetings.scheduling import zone

PRODID = "-//actionset//Action learning meetings//EN"
#: How long before a meeting its calendar alarm goes off.
ALARM_BEFORE = timedelta(minutes=15)
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


@dataclass(frozen=True)
class Recipient:
    """Someone told about a set's meetings, and the time zone they read times in."""

    name: str
    email: str
    time_zone: str


def meeting_alarm() -> Alarm:
    """A reminder on the person's own device, which works offline and wherever they are, unlike our email."""
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("TRIGGER", -ALARM_BEFORE)
    alarm.add("DESCRIPTION", gettext("Your action learning set meets in 15 minutes."))
    return alarm


def meeting_event(meeting: Meeting, *, attendees: Sequence[Recipient] = (), stamp: datetime | None = None) -> Event:
    learning_set = meeting.learning_set
    programme = learning_set.programme
    tz = zone(programme.time_zone)
    link = learning_set.meeting_link
    description = gettext("Action learning set meeting, %(programme)s.") % {"programme": programme.title}
    if link and meeting.location:
        # LOCATION holds the link for video clients, so a room the set also meets in goes into the description.
        description += "\n" + gettext("In person: %(place)s") % {"place": meeting.location}
    if link:
        description += "\n" + gettext("Join online: %(link)s") % {"link": link}
    event = Event.new(
        uid=meeting.calendar_uid,
        sequence=meeting.sequence,
        stamp=(stamp or timezone.now()).astimezone(UTC),
        start=meeting.starts_at.astimezone(tz),
        end=meeting.ends_at.astimezone(tz),
        summary=meeting.calendar_summary,
        description=description,
        location=link or meeting.location or None,
        url=link or None,
        status=STATUS.CANCELLED if meeting.is_cancelled else STATUS.CONFIRMED,
        organizer=provider_organizer(),
        attendees=[
            calendar_address(r.name, r.email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE")
            for r in attendees
        ]
        or None,
        # A cancelled meeting rings nobody's alarm.
        subcomponents=None if meeting.is_cancelled else [meeting_alarm()],
    )
    return event


def _calendar(events: Sequence[Event], meetings: Sequence[Meeting], *, method: Method | None, **extra: Any) -> bytes:
    if not meetings:
        return calendar_file(events, prodid=PRODID, method=method, **extra)
    first = min(m.starts_at for m in meetings).date()
    last = max(m.ends_at for m in meetings).date()
    return calendar_file(events, prodid=PRODID, method=method, first=first, last=last, **extra)


def invitation_ics(meeting: Meeting, *, attendees: Sequence[Recipient]) -> bytes:
    """An iTIP message for email: REQUEST for a new or changed meeting, CANCEL for a cancelled one."""
    method: Method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    return _calendar([meeting_event(meeting, attendees=attendees)], [meeting], method=method)


def removal_ics(meeting: Meeting, *, attendee: Recipient) -> bytes:
    """An iTIP CANCEL for one person taken off a meeting that still goes ahead (moved to another set): it takes
    the meeting out of their calendar alone. Same UID and SEQUENCE as their invitation, so their calendar matches it."""
    event = meeting_event(meeting, attendees=[attendee])
    event.pop("STATUS", None)
    event.add("STATUS", "CANCELLED")
    return _calendar([event], [meeting], method="CANCEL")


def series_ics(meetings: Sequence[Meeting]) -> bytes:
    """Several meetings told at once (a new series, say) as one calendar file to open once, not one file each.

    PUBLISH rather than REQUEST: a scheduling message (REQUEST or CANCEL) is about one event, and calendar clients
    act on its first event only, so a REQUEST carrying a whole series would add one meeting and drop the rest. A
    PUBLISH file is imported whole. The events keep their UIDs and SEQUENCEs, so a later change of one meeting,
    sent as a REQUEST, updates the event already imported. PUBLISH carries no ATTENDEE lines (RFC 5546)."""
    return _calendar([meeting_event(m) for m in meetings], meetings, method="PUBLISH")


def download_ics(meeting: Meeting) -> bytes:
    """One meeting to import by hand. PUBLISH, not REQUEST: importing it should add the event, not ask for a reply."""
    return _calendar([meeting_event(meeting)], [meeting], method="PUBLISH")


def feed_ics(meetings: Sequence[Meeting], *, name: str) -> bytes:
    """A person's subscribable calendar.

    No ATTENDEE lines: a feed address can leak (shared screens, synced devices), and it should not
    leak colleagues' email addresses with it.
    """
    stamp = timezone.now()
    events = [meeting_event(m, stamp=stamp) for m in meetings]
    return _calendar(events, meetings, method=None, name=name, refresh_interval=timedelta(hours=1))
