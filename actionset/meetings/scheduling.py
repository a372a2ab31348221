"""When a set meets: the slot every member and facilitator can attend, and the series of dates that follows.

A slot is a weekday half-day (see `programmes.slots`); a meeting longer than half a day needs both
halves of one weekday. Availability is a list of half-day codes, and an empty list means "any".
Times are laid out in the programme's time zone, so that a 09:30 meeting in London stays at
09:30 on the wall clock when the clocks change, whatever that means in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from actionset.programmes.models import Programme
from actionset.programmes.slots import (
    HALF_DAY_MINUTES,
    SLOT_CODES,
    SLOT_LABELS,
    WEEKDAY_NAMES,
    meeting_slots,
    start_time,
    weekday_index,
)
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership

DEFAULT_TIME_ZONE = "Europe/London"


def zone(name: str | None) -> ZoneInfo:
    """The named time zone, or London's when the name is missing or unknown (an old tzdata, a typo)."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


@dataclass(frozen=True)
class Attendee:
    """Someone who needs to be at a set's meetings, with the half-days they can make (empty: any)."""

    name: str
    available: frozenset[str]
    is_facilitator: bool = False

    def can_attend(self, needs: frozenset[str]) -> bool:
        return not self.available or needs <= self.available


@dataclass(frozen=True)
class SlotOption:
    """One way to place a set's meetings, and who could not come to it."""

    slot: str
    needs: frozenset[str]
    cannot_attend: tuple[str, ...]

    @property
    def label(self) -> str:
        return slot_label(self.slot, full_day=len(self.needs) > 1)

    @property
    def everyone_can_attend(self) -> bool:
        return not self.cannot_attend


def slot_label(slot: str, *, full_day: bool) -> str:
    if full_day:
        return f"{WEEKDAY_NAMES[slot.split('-')[0]]} (all day)"
    return SLOT_LABELS.get(slot, slot)


def rank_slots(attendees: Sequence[Attendee], meeting_minutes: int) -> list[SlotOption]:
    """Every slot a meeting of this length can take, the ones most people can attend first.

    Ties keep the weekday order, so that the same people always get the same answer.
    """
    options = [
        SlotOption(slot=code, needs=needs, cannot_attend=tuple(a.name for a in attendees if not a.can_attend(needs)))
        for code, needs in meeting_slots(meeting_minutes)
    ]
    return sorted(options, key=lambda o: len(o.cannot_attend))


def option_for(slot: str, options: Sequence[SlotOption]) -> SlotOption | None:
    """The option for a slot the set already has. A half-day code names its weekday for a full-day meeting."""
    for option in options:
        if option.slot == slot or slot in option.needs:
            return option
    return None


@dataclass
class SetPlan:
    """The slot a set will meet in: its own, if it already has one, or the best for its people."""

    learning_set: LearningSet
    options: list[SlotOption]
    chosen: SlotOption
    #: True when the slot came from the set itself rather than from its people's availability.
    fixed: bool


def _needs(slot: str, meeting_minutes: int) -> frozenset[str]:
    if meeting_minutes > HALF_DAY_MINUTES:
        day = slot.split("-")[0]
        return frozenset({f"{day}-am", f"{day}-pm"})
    return frozenset({slot})


def programme_plans(programme: Programme, sets: Iterable[LearningSet] | None = None) -> list[SetPlan]:
    """Plan each set's slot, in order, in three queries however many sets there are.

    A facilitator cannot be in two sets at once, so a slot taken by one of their sets (already
    fixed, or planned earlier in this call) counts as a time they cannot make for the others.
    """
    sets = list(sets if sets is not None else programme.sets.all())
    members: dict[int, list[Attendee]] = defaultdict(list)
    for membership in Membership.objects.filter(
        learning_set__programme=programme, enrolment__withdrawn_at__isnull=True
    ).select_related("enrolment__person"):
        members[membership.learning_set_id].append(
            Attendee(name=membership.enrolment.person.name, available=frozenset(membership.enrolment.availability))
        )
    facilitators: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for assignment in FacilitatorAssignment.objects.filter(learning_set__programme=programme).select_related("user"):
        facilitators[assignment.learning_set_id].append((assignment.user_id, str(assignment.user)))

    minutes = programme.meeting_minutes
    slot_of = {s.pk: s.slot for s in programme.sets.all()} | {s.pk: s.slot for s in sets}
    plans: list[SetPlan] = []
    for learning_set in sets:
        busy: dict[int, set[str]] = defaultdict(set)
        for other_pk, other_slot in slot_of.items():
            if other_pk == learning_set.pk or not other_slot:
                continue
            for user_id, _ in facilitators.get(other_pk, []):
                busy[user_id] |= _needs(other_slot, minutes)
        attendees = list(members.get(learning_set.pk, []))
        for user_id, name in facilitators.get(learning_set.pk, []):
            free = frozenset(SLOT_CODES - busy[user_id]) if busy[user_id] else frozenset()
            attendees.append(Attendee(name=name, available=free, is_facilitator=True))
        options = rank_slots(attendees, minutes)
        own = option_for(learning_set.slot, options) if learning_set.slot else None
        chosen = own or options[0]
        slot_of[learning_set.pk] = chosen.slot
        plans.append(SetPlan(learning_set=learning_set, options=options, chosen=chosen, fixed=own is not None))
    return plans


def first_meeting_date(start: date, slot: str) -> date:
    """The slot's weekday on or after `start`."""
    return start + timedelta(days=(weekday_index(slot) - start.weekday()) % 7)


def series_times(
    *, start: date, slot: str, number: int, cadence_weeks: int, meeting_minutes: int, time_zone: str
) -> list[tuple[datetime, datetime]]:
    """Start and end of each meeting in a series, as aware datetimes.

    Each start is built from its calendar date and the slot's local time, never by adding weeks to
    the first start, which would drift by an hour across a change of clocks. The end is the start
    plus the meeting's length in real (UTC) time.
    """
    tz = zone(time_zone)
    first = first_meeting_date(start, slot)
    local_start = start_time(slot)
    times = []
    for i in range(number):
        day = first + timedelta(weeks=cadence_weeks * i)
        begins = datetime.combine(day, local_start, tzinfo=tz)
        ends = (begins.astimezone(UTC) + timedelta(minutes=meeting_minutes)).astimezone(tz)
        times.append((begins, ends))
    return times
