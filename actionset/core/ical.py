"""The iCalendar pieces every calendar file of ours shares: addresses, the organiser, and a calendar whose
VTIMEZONEs cover just the dates of its events (small, and still exact). Meetings, course sessions and discovery
calls each build their own events on these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress


def calendar_address(name: str, email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    address.params.update(params)
    return address


def provider_organizer() -> vCalAddress:
    """The address our emails come from: replies to an invitation reach the provider, not a person's inbox."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return calendar_address(name, email)


def calendar_file(
    events: Sequence[Event],
    *,
    prodid: str,
    method: str | None,
    first: date | None = None,
    last: date | None = None,
    **properties: Any,
) -> bytes:
    """The calendar as bytes; with `first` and `last` (the events' first and last days), the time zones they use.
    `properties` go on the calendar itself (a feed's name and refresh interval)."""
    calendar = Calendar.new(prodid=prodid, method=method, subcomponents=list(events), **properties)
    if first is not None and last is not None:
        calendar.add_missing_timezones(first_date=first - timedelta(days=1), last_date=last + timedelta(days=1))
    return calendar.to_ical()
