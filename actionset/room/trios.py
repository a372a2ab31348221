"""Troika consulting in trios: the set split into groups of three (a pair or a quad where the numbers need one),
rounds in which each group's next member is its client, and each trio's notes.

How a set splits: as many trios as possible; one member over makes one quad (4 → a quad, 7 → a trio and a quad);
two over make two quads where there are at least eight (8 → two quads), and a pair otherwise (5 → a trio and a pair,
where the facilitator may join the pair as its second consultant). The facilitator can move anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import TrioNotes, TrioPlace


class StaleTrioNotes(Exception):
    """Someone else in the trio saved its notes since this device loaded them: `current` is what is saved now."""

    def __init__(self, current: TrioNotes) -> None:
        super().__init__("These notes have changed since you opened them.")
        self.current = current


def sizes(count: int) -> list[int]:
    """Group sizes for `count` members (see the module's note)."""
    if count <= 3:
        return [count] if count else []
    trios, over = divmod(count, 3)
    if over == 0:
        return [3] * trios
    if over == 1:
        return [3] * (trios - 1) + [4]
    if trios >= 2:
        return [3] * (trios - 2) + [4, 4]
    return [3, 2]


def split(members: Sequence[Enrolment]) -> list[list[Enrolment]]:
    """The members, in their order, in groups of `sizes`."""
    groups, start = [], 0
    for size in sizes(len(members)):
        groups.append(list(members[start : start + size]))
        start += size
    return groups


@dataclass
class Trio:
    number: int
    members: list[Enrolment]

    def client(self, round_: int) -> Enrolment | None:
        """Whose challenge the trio works on in `round_` (None once each of a smaller group has had a turn)."""
        return self.members[round_ - 1] if 1 <= round_ <= len(self.members) else None


def trios_for(meeting: Meeting) -> list[Trio]:
    """The meeting's trios as the facilitator arranged them, or the set's members split by name until then.
    A member placed in no trio (not here today) is left out."""
    places = list(TrioPlace.objects.filter(meeting=meeting).select_related("enrolment__person"))
    if not places:
        return [Trio(n, group) for n, group in enumerate(split(meeting.learning_set.active_members()), start=1)]
    members = {e.pk for e in meeting.learning_set.active_members()}
    grouped: dict[int, list[Enrolment]] = {}
    for place in places:
        if place.enrolment_id in members:
            grouped.setdefault(place.trio, []).append(place.enrolment)
    return [Trio(n, grouped[n]) for n in sorted(grouped)]


def rounds(meeting: Meeting) -> int:
    """As many rounds as the largest group has members, so that everyone is a client once (at least one)."""
    return max((len(t.members) for t in trios_for(meeting)), default=1) or 1


def trios_save(*, meeting: Meeting, placement: Mapping[int, int]) -> list[Trio]:
    """The facilitator's trios: enrolment pk → trio number (0: not in a trio today). Seats follow the set's order by
    name within each trio, so who is client in which round is plain to read."""
    members = meeting.learning_set.active_members()
    with transaction.atomic():
        TrioPlace.objects.filter(meeting=meeting).delete()
        seats: dict[int, int] = {}
        rows = []
        for enrolment in members:
            trio = placement.get(enrolment.pk, 0)
            if trio <= 0:
                continue
            seats[trio] = seats.get(trio, 0) + 1
            rows.append(TrioPlace(meeting=meeting, enrolment=enrolment, trio=trio, seat=seats[trio]))
        TrioPlace.objects.bulk_create(rows)
        live.room_changed(meeting.learning_set_id)
    return trios_for(meeting)


def trio_of(meeting: Meeting, enrolment: Enrolment | None) -> Trio | None:
    if enrolment is None:
        return None
    return next((t for t in trios_for(meeting) if any(m.pk == enrolment.pk for m in t.members)), None)


def notes_for(meeting: Meeting, trio: int) -> TrioNotes:
    notes, _ = TrioNotes.objects.get_or_create(meeting=meeting, trio=trio)
    return notes


def notes_save(*, meeting: Meeting, trio: int, version: int, text: str) -> TrioNotes:
    notes = notes_for(meeting, trio)
    with transaction.atomic():
        updated = TrioNotes.objects.filter(pk=notes.pk, version=version).update(text=text, version=F("version") + 1)
        notes.refresh_from_db()
        if not updated:
            raise StaleTrioNotes(notes)
        live.room_changed(meeting.learning_set_id)
    return notes
