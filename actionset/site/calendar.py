"""The discovery call as an iCalendar invitation, sent to the enquirer and to the member of staff who hosts it."""

from __future__ import annotations

import zoneinfo
from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import STATUS, Event

from actionset.core.ical import calendar_address, calendar_file
from actionset.organisations.models import Provider
from actionset.site.models import CallSlot

PRODID = "-//actionset//Discovery calls//EN"


def discovery_call_ics(slot: CallSlot) -> bytes:
    """METHOD:REQUEST with the host as organiser, so both calendars show one event with the same UID."""
    assert slot.enquiry is not None
    enquiry = slot.enquiry
    provider = Provider.current()
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    host_name = slot.host.get_full_name() or slot.host.email
    event = Event.new(
        uid=slot.calendar_uid,
        sequence=0,
        stamp=timezone.now().astimezone(UTC),
        start=slot.starts_at.astimezone(tz),
        end=slot.ends_at.astimezone(tz),
        summary=f"Discovery call: {enquiry.organisation_name} and {provider.name}",
        description=(
            f"A conversation about action learning for {enquiry.organisation_name}, with {host_name}.\n{slot.how}"
        ),
        location=slot.how,
        status=STATUS.CONFIRMED,
        organizer=calendar_address(host_name, slot.host.email),
        attendees=[
            calendar_address(enquiry.contact_name, enquiry.email, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION"),
            calendar_address(host_name, slot.host.email, ROLE="CHAIR", PARTSTAT="ACCEPTED"),
        ],
    )
    day = slot.starts_at.astimezone(tz).date()
    return calendar_file([event], prodid=PRODID, method="REQUEST", first=day, last=day)
