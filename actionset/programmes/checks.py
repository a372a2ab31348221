"""A programme's design checked against itself: events that fall outside the meetings they frame.

The meetings app sits above this one, so the span checked is the programme's plan (its first meetings from
`start_date`, then `number_of_meetings` meetings `cadence_weeks` apart), which is what sets are scheduled from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actionset.programmes.models import Programme, ProgrammeEvent


@dataclass(frozen=True)
class DesignWarning:
    event: ProgrammeEvent
    message: str


def planned_span(programme: Programme) -> tuple[dt.date, dt.date] | None:
    """The first and last days of the planned meetings, or None while the programme has no start date."""
    if programme.start_date is None:
        return None
    weeks = (programme.number_of_meetings - 1) * programme.cadence_weeks
    return programme.start_date, programme.start_date + dt.timedelta(weeks=weeks)


def event_warnings(programme: Programme, events: list[ProgrammeEvent]) -> list[DesignWarning]:
    span = planned_span(programme)
    if span is None:
        return []
    first, last = span
    warnings = []
    for event in events:
        day = timezone.localdate(event.starts_at)
        if event.kind == ProgrammeEvent.Kind.LAUNCH and day > first:
            message = _("%(event)s is on %(day)s, after the first meetings (planned from %(first)s).")
        elif event.kind == ProgrammeEvent.Kind.CLOSING and day < last:
            message = _("%(event)s is on %(day)s, before the last meetings (planned for the week of %(last)s).")
        elif day > last + dt.timedelta(weeks=programme.cadence_weeks * 2):
            message = _("%(event)s is on %(day)s, long after the last meetings (planned for the week of %(last)s).")
        else:
            continue
        warnings.append(
            DesignWarning(
                event,
                message
                % {
                    "event": event.title,
                    "day": date_format(day, "j F Y"),
                    "first": date_format(first, "j F Y"),
                    "last": date_format(last, "j F Y"),
                },
            )
        )
    return warnings
