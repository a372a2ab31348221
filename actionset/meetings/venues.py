"""Venues as resources: never more of a venue's meetings at one time than it has rooms.

A programme names the venue its sets meet at (`Programme.venue`); each meeting scheduled there books it
(`Meeting.venue`). Before a series is laid out, or a meeting moved, the times are checked against every other
programme's and set's meetings at the same venue, cancelled ones left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionset.meetings.models import Meeting
from actionset.programmes.models import Venue


@dataclass(frozen=True)
class Clash:
    """A time the venue is full: the meetings that already fill its rooms."""

    venue: Venue
    starts_at: datetime
    taken_by: tuple[str, ...]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.starts_at), "l j F Y, H:i")
        return ngettext(
            "%(venue)s has %(rooms)d room and it is taken on %(when)s by %(sets)s.",
            "%(venue)s has %(rooms)d rooms and all are taken on %(when)s by %(sets)s.",
            self.venue.rooms,
        ) % {"venue": self.venue.name, "rooms": self.venue.rooms, "when": when, "sets": ", ".join(self.taken_by)}


def clashes(
    venue: Venue | None, times: Sequence[tuple[datetime, datetime]], *, exclude: Iterable[int] = ()
) -> list[Clash]:
    """The times in `times` at which `venue` already holds as many meetings as it has rooms (one query)."""
    if venue is None or not times:
        return []
    booked = list(
        Meeting.objects.filter(
            venue=venue, starts_at__lt=max(end for _, end in times), ends_at__gt=min(start for start, _ in times)
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(pk__in=list(exclude))
        .select_related("learning_set__programme")
        .order_by("starts_at")
    )
    found = []
    for starts, ends in times:
        overlapping = [m for m in booked if m.starts_at < ends and m.ends_at > starts]
        if len(overlapping) >= venue.rooms:
            found.append(Clash(venue, starts, tuple(_set_name(m) for m in overlapping)))
    return found


def _set_name(meeting: Meeting) -> str:
    return _("%(set)s of %(programme)s") % {
        "set": meeting.learning_set.name,
        "programme": meeting.learning_set.programme.title,
    }
