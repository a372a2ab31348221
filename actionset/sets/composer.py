"""The adapter between a programme and the composition engine.

The engine knows people only as indices 0..n-1 and sets as indices 0..k-1. This module builds its `Problem` from a
programme's pool (attributes, the rules a composition must keep, availability, pins, past pairs), keeps the maps back
to enrolments and sets, and turns the engine's messages ("person 3", "set 1") back into names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from actionset.composition import Attribute, Availability, Evaluation, Problem, equal_sets, evaluate
from actionset.programmes.models import Enrolment, Programme
from actionset.programmes.slots import SLOT_LABELS, meeting_slots
from actionset.sets.models import LearningSet, Membership

#: The levels of a typical client's hierarchy, most senior first. When every level in a pool is one of these, the
#: engine treats level as ordinal: a Director and a Team leader differ more than a Manager and a Team leader.
KNOWN_LEVELS = ("Executive", "Director", "Head of service", "Manager", "Team leader", "Specialist")
NOT_RECORDED = "Not recorded"
ATTRIBUTES = (("department", "Department"), ("level", "Level"), ("site", "Site"))
#: What meeting again costs a pair who shared a set in an earlier programme: about a third of the most two people can
#: differ by (one per attribute), so it steers the search without overruling diversity.
PAST_PAIR_PENALTY = 1.0

#: How a composition sizes its sets: each within one person of the others, or anywhere in the programme's range
#: (sets of uneven size hold more pairs of different people, so they can be more diverse).
SIZES_EVEN = "even"
SIZES_DIVERSE = "diverse"


def even_size_range(people: int, sets: int, low: int, high: int) -> tuple[int, int]:
    """The narrowest sizes that split `people` into `sets` within `low`..`high`: every set within one of the others.
    When that is impossible within the programme's sizes, the programme's own range (the engine then says why)."""
    if sets <= 0 or people <= 0:
        return low, high
    lo, hi = max(low, people // sets), min(high, -(-people // sets))
    return (lo, hi) if lo <= hi else (low, high)


MANAGER = "manager"
KEEP_APART = "keep_apart"


class CompositionInputError(ValueError):
    """The request cannot be turned into a problem at all (for example, no one is enrolled)."""


@dataclass
class PlannedSet:
    """Set index g of the problem: an existing set (kept or reused) or one still to be created."""

    learning_set: LearningSet | None
    slot: str
    fixed: bool = False  # locked, or holding locked people: kept as it is


@dataclass
class Composition:
    """An engine problem with the maps back to the programme."""

    programme: Programme
    problem: Problem
    enrolments: list[Enrolment]
    sets: list[PlannedSet]
    #: Each cannot-link pair (i < j) and why: MANAGER (line manager and report) or KEEP_APART (a designer's list).
    pair_reasons: dict[tuple[int, int], str] = field(default_factory=dict)

    def index_of(self, enrolment_id: int) -> int:
        return self._index[enrolment_id]

    def __post_init__(self) -> None:
        self._index = {e.pk: i for i, e in enumerate(self.enrolments)}

    def set_label(self, g: int) -> str:
        planned = self.sets[g] if 0 <= g < len(self.sets) else None
        if planned is not None and planned.learning_set is not None:
            return planned.learning_set.name
        return f"Set {g + 1}"

    def humanise(self, message: str, *, reveal_keep_apart: bool) -> str:
        """The engine's message with names instead of indices.

        Keep-apart lists are confidential to designers: for anyone else a message about such a pair names neither
        person, only that a confidential rule binds.
        """
        pair = _PAIR.search(message)
        if pair:
            i, j = _person_indices(pair)
            reason = self.pair_reasons.get((min(i, j), max(i, j)))
            if reason == KEEP_APART and not reveal_keep_apart:
                message = _PAIR.sub("two people on the designer's confidential keep-apart list", message, count=1)
            elif reason == MANAGER:
                message = _PAIR.sub(lambda m: f"{self._names(m)} (line manager and report)", message, count=1)
            elif reason == KEEP_APART:
                message = _PAIR.sub(lambda m: f"{self._names(m)} (keep-apart list)", message, count=1)
        message = _PERSON.sub(lambda m: self.person_name(int(m.group(1))), message)
        message = _SET_LIST.sub(
            lambda m: ", ".join(self.set_label(int(g)) for g in m.group(1).split(",") if g.strip()), message
        )
        message = _SET.sub(lambda m: self.set_label(int(m.group(1))), message)
        return message[:1].upper() + message[1:]

    def person_name(self, p: int) -> str:
        return self.enrolments[p].person.name if 0 <= p < len(self.enrolments) else f"person {p}"

    def _names(self, match: re.Match[str]) -> str:
        i, j = _person_indices(match)
        return f"{self.person_name(i)} and {self.person_name(j)}"


_PAIR = re.compile(r"\b(?:people (\d+) and (\d+)|person (\d+) and person (\d+))\b")
_PERSON = re.compile(r"\bperson (\d+)\b")
_SET_LIST = re.compile(r"\bsets \[([\d, ]*)\]")
_SET = re.compile(r"\bset (\d+)\b")


def _person_indices(match: re.Match[str]) -> tuple[int, int]:
    groups = [g for g in match.groups() if g is not None]
    return int(groups[0]), int(groups[1])


def default_number_of_sets(programme: Programme, pool_size: int) -> int:
    """As many sets as give sets of about the middle of the programme's size range."""
    try:
        return len(equal_sets(pool_size, programme.set_size_min, programme.set_size_max))
    except ValueError:
        return max(1, -(-pool_size // programme.set_size_max))


def pool(programme: Programme) -> list[Enrolment]:
    return list(
        Enrolment.objects.active()
        .filter(programme=programme)
        .select_related("person", "membership__learning_set")
        .order_by("person__name", "pk")
    )


def _attends(availability: Sequence[str], needs: frozenset[str]) -> bool:
    # No availability recorded means the person has not ruled anything out.
    return not availability or needs <= set(availability)


def choose_slots(
    availabilities: Sequence[Sequence[str]],
    *,
    meeting_minutes: int,
    count: int,
    fixed: Sequence[str] = (),
    set_size_max: int | None = None,
) -> list[str]:
    """`count` slot codes, one per set, chosen greedily. `fixed` slots (of kept sets) come first; then each pick
    gives a slot to people who have none yet; then adds room where more people can attend only one chosen slot
    than its sets hold (at most `set_size_max` each); then spreads the rest in proportion to demand."""
    codes = [code for code, _ in meeting_slots(meeting_minutes)]
    needs = dict(meeting_slots(meeting_minutes))
    can = {code: {p for p, a in enumerate(availabilities) if _attends(a, needs[code])} for code in codes}
    only: dict[int, str] = {}
    for p in range(len(availabilities)):
        options = [c for c in codes if p in can[c]]
        if len(options) == 1:
            only[p] = options[0]
    chosen = list(fixed)
    uncovered = set(range(len(availabilities))) - {p for code in chosen for p in can.get(code, ())}
    while len(chosen) < count:
        uses = Counter(chosen)
        gains = {c: len(can[c] & uncovered) for c in codes}
        best = max(codes, key=lambda c: (gains[c], len(can[c])))
        if not gains[best]:
            # People who can attend one slot and no other must all fit in that slot's sets.
            tied = Counter(only[p] for p in only)
            short = {c: tied[c] - uses[c] * set_size_max for c in tied} if set_size_max else {}
            if short and max(short.values()) > 0:
                best = max(short, key=lambda c: short[c])
            else:
                best = max(codes, key=lambda c: len(can[c]) / (uses[c] + 1))
        uncovered -= can[best]
        chosen.append(best)
    return chosen


def _attributes(enrolments: Sequence[Enrolment], own: Sequence[str] = ()) -> list[Attribute]:
    """Department, level and site, then the organisation's own attributes (`Organisation.attribute_names`), each
    mixed as a category; someone with no value for one is "Not recorded", itself a category."""
    attributes = []
    for name, _ in ATTRIBUTES:
        values = [getattr(e.person, name).strip() or NOT_RECORDED for e in enrolments]
        if name == "level" and values and set(values) <= set(KNOWN_LEVELS):
            attributes.append(Attribute(name, "ordinal", values, levels=list(reversed(KNOWN_LEVELS))))
        else:
            attributes.append(Attribute(name, "categorical", values))
    for name in own:
        values = [(e.person.attributes or {}).get(name, "").strip() or NOT_RECORDED for e in enrolments]
        attributes.append(Attribute(f"own:{name}", "categorical", values))
    return attributes


def _cannot_link(
    programme: Programme, enrolments: Sequence[Enrolment], index: dict[int, int]
) -> dict[tuple[int, int], str]:
    """Line manager and report when both are enrolled, and every keep-apart pair in either direction."""
    by_person = {e.person_id: index[e.pk] for e in enrolments}
    reasons: dict[tuple[int, int], str] = {}
    for e in enrolments:
        manager = by_person.get(e.person.line_manager_id) if e.person.line_manager_id else None
        if manager is not None and manager != index[e.pk]:
            reasons[(min(manager, index[e.pk]), max(manager, index[e.pk]))] = MANAGER
    through = Enrolment.keep_apart.through
    for enrolment_id, person_id in through.objects.filter(enrolment__programme=programme).values_list(
        "enrolment_id", "person_id"
    ):
        i, j = index.get(enrolment_id), by_person.get(person_id)
        if i is not None and j is not None and i != j:
            reasons.setdefault((min(i, j), max(i, j)), KEEP_APART)
    return reasons


def _past_pairs(programme: Programme, enrolments: Sequence[Enrolment]) -> list[tuple[int, int]]:
    """Pairs who shared a set in another programme. Walks sets, never an n x n grid."""
    by_person = {e.person_id: i for i, e in enumerate(enrolments)}
    members: dict[int, list[int]] = defaultdict(list)
    for set_id, person_id in (
        Membership.objects.filter(enrolment__person_id__in=by_person, enrolment__programme__published_at__isnull=False)
        .exclude(learning_set__programme=programme)
        .values_list("learning_set_id", "enrolment__person_id")
    ):
        members[set_id].append(by_person[person_id])
    pairs: set[tuple[int, int]] = set()
    for people in members.values():
        people.sort()
        pairs.update((a, b) for k, a in enumerate(people) for b in people[k + 1 :])
    return sorted(pairs)


def _availability(
    enrolments: Sequence[Enrolment],
    slots: Sequence[str],
    meeting_minutes: int,
    *,
    closed: frozenset[int] = frozenset(),
    pinned: Mapping[int, int] | None = None,
) -> list[Availability]:
    """Who may join which sets, as patterns: one per distinct set of sets, listing its people.

    The sets a person may join follow from their availability alone (and, for people not pinned, the sets that are
    locked: those take no one new), so people with the same availability share a pattern; the engine is never given a
    list of sets per person (at an organisation's size those lists ran to hundreds of millions of entries).
    """
    needs = dict(meeting_slots(meeting_minutes))
    pinned = pinned or {}
    by_availability: dict[tuple[str, ...], tuple[int, ...]] = {}
    without_closed: dict[tuple[int, ...], tuple[int, ...]] = {}
    people: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for p, e in enumerate(enrolments):
        key = tuple(sorted(e.availability))
        sets = by_availability.get(key)
        if sets is None:
            sets = tuple(
                g for g, slot in enumerate(slots) if not slot or _attends(e.availability, needs.get(slot, frozenset()))
            )
            by_availability[key] = sets
        if closed and p not in pinned:
            if sets not in without_closed:
                without_closed[sets] = tuple(g for g in sets if g not in closed)
            sets = without_closed[sets]
        if len(sets) < len(slots):
            people[sets].append(p)
    return [Availability(sets=list(sets), people=members) for sets, members in people.items()]


def _problem(
    programme: Programme,
    enrolments: list[Enrolment],
    planned: list[PlannedSet],
    pinned: dict[int, int],
    closed: frozenset[int] = frozenset(),
    sizes_choice: str = SIZES_DIVERSE,
) -> Composition:
    """`closed` sets are locked: they keep exactly their pinned members, and no one else may join them. With
    `SIZES_EVEN`, the other sets share the people not locked in as evenly as the programme's sizes allow."""
    index = {e.pk: i for i, e in enumerate(enrolments)}
    reasons = _cannot_link(programme, enrolments, index)
    availability = _availability(
        enrolments, [s.slot for s in planned], programme.meeting_minutes, closed=closed, pinned=pinned
    )
    low, high = programme.set_size_min, programme.set_size_max
    if sizes_choice == SIZES_EVEN:
        free = len(enrolments) - sum(1 for g in pinned.values() if g in closed)
        low, high = even_size_range(free, len(planned) - len(closed), low, high)
    sizes = [(low, high)] * len(planned)
    for g in closed:
        # A designer who locks a set takes it as it is, even outside the usual sizes.
        k = sum(1 for h in pinned.values() if h == g)
        sizes[g] = (k, k)
    problem = Problem(
        n=len(enrolments),
        set_sizes=sizes,
        attributes=_attributes(enrolments, programme.organisation.attribute_names),
        cannot_link=sorted(reasons),
        availability=availability,
        pinned=pinned,
        past_pairs=_past_pairs(programme, enrolments),
        past_pair_penalty=PAST_PAIR_PENALTY,
    )
    return Composition(programme=programme, problem=problem, enrolments=enrolments, sets=planned, pair_reasons=reasons)


def problem_for_composing(
    programme: Programme,
    *,
    number_of_sets: int,
    slots: Sequence[str] | None = None,
    sizes: str = SIZES_DIVERSE,
) -> Composition:
    """The problem a composition run solves: every active enrolment, `number_of_sets` sets.

    Locked sets and sets holding locked people are kept with their slot, and their locked people pinned; other
    existing sets are reused in order, and slots are chosen for every set that is not kept: greedily, or as `slots`
    says (a slot per set, in the order of the composition's sets, as `slot_choice.choose_with_people` gives them).
    """
    enrolments = pool(programme)
    if not enrolments:
        raise CompositionInputError("No one is enrolled in this programme yet.")
    existing = list(programme.sets.order_by("position", "pk"))
    locked_people = {
        m.learning_set_id
        for m in Membership.objects.filter(learning_set__programme=programme, locked=True, enrolment__in=enrolments)
    }
    kept = [s for s in existing if s.locked or s.pk in locked_people]
    if len(kept) > number_of_sets:
        raise CompositionInputError(
            f"{len(kept)} sets are locked or hold locked people, more than the {number_of_sets} sets asked for. "
            "Unlock some, or ask for more sets."
        )
    reusable = [s for s in existing if s not in kept][: number_of_sets - len(kept)]
    fixed_slots = [s.slot for s in kept if s.slot]
    if slots is not None:
        # Kept sets come first in a composition, and keep their own slots.
        slots = list(slots[len(kept) :])
    else:
        slots = choose_slots(
            [e.availability for e in enrolments],
            meeting_minutes=programme.meeting_minutes,
            count=number_of_sets - len(kept) + len(fixed_slots),
            fixed=fixed_slots,
            set_size_max=programme.set_size_max,
        )[len(fixed_slots) :]
    planned = [PlannedSet(s, s.slot, fixed=True) for s in kept]
    planned += [PlannedSet(s, slot) for s, slot in zip(reusable, slots, strict=False)]
    planned += [PlannedSet(None, slot) for slot in slots[len(reusable) :]]
    position = {planned_set.learning_set.pk: g for g, planned_set in enumerate(planned) if planned_set.learning_set}
    pinned: dict[int, int] = {}
    for p, e in enumerate(enrolments):
        membership = getattr(e, "membership", None)
        if membership is None:
            continue
        learning_set = membership.learning_set
        if learning_set.locked or membership.locked:
            pinned[p] = position[learning_set.pk]
    closed = frozenset(
        g for g, planned_set in enumerate(planned) if planned_set.learning_set and planned_set.learning_set.locked
    )
    return _problem(programme, enrolments, planned, pinned, closed, sizes_choice=sizes)


#: What the board reads of each member: what the engine's problem, the set cards and the facilitators' checks use,
#: and no more. At 2,100 people, reading whole rows (timestamps, and each membership's set again) was most of the
#: board's time.
BOARD_FIELDS = (
    "public_id",
    "programme_id",
    "person_id",
    "availability",
    "person__name",
    "person__department",
    "person__level",
    "person__site",
    "person__attributes",
    "person__line_manager_id",
    "person__user_id",
    "membership__locked",
    "membership__learning_set_id",
    "membership__enrolment_id",
)


def board_pool(programme: Programme) -> list[Enrolment]:
    """The active members of the programme's sets, with only the fields the board uses (`BOARD_FIELDS`)."""
    return list(
        Enrolment.objects.active()
        .filter(programme=programme, membership__isnull=False)
        .select_related("person", "membership")
        .only(*BOARD_FIELDS)
        .order_by("person__name", "pk")
    )


def problem_for_board(programme: Programme, sets: Sequence[LearningSet]) -> tuple[Composition, list[int]]:
    """The problem behind the sets as they stand, with the current assignment, so that the engine's own checks and
    scores describe a designer's hand edits. People not yet in a set are left out (the board lists them)."""
    position = {s.pk: g for g, s in enumerate(sets)}
    enrolments = [e for e in board_pool(programme) if e.membership.learning_set_id in position]
    planned = [PlannedSet(s, s.slot) for s in sets]
    composition = _problem(programme, enrolments, planned, pinned={})
    assignment = [position[e.membership.learning_set_id] for e in enrolments]
    return composition, assignment


@dataclass(frozen=True)
class BoardWarning:
    text: str
    set_index: int | None = None


def board_evaluation(composition: Composition, assignment: list[int]) -> Evaluation | None:
    if composition.problem.n == 0:
        return None
    return evaluate(composition.problem, assignment)


def set_warnings(
    composition: Composition, evaluation: Evaluation | None, *, reveal_keep_apart: bool
) -> list[BoardWarning]:
    """The engine's broken rules, in names, each tied to the set it is about where there is one."""
    if evaluation is None:
        return []
    warnings = []
    for message in evaluation.violations:
        found = _SET.search(message)
        g = int(found.group(1)) if found else None
        text = composition.humanise(message, reveal_keep_apart=reveal_keep_apart)
        person = _PERSON.search(message)
        if "allowed sets" in message and person and g is not None:
            # The engine speaks of allowed sets; on the board that is a meeting slot the person cannot attend.
            slot = composition.sets[g].slot
            who = composition.person_name(int(person.group(1)))
            text = f"{who} cannot attend {composition.set_label(g)}'s meetings ({SLOT_LABELS.get(slot, slot)})."
        warnings.append(BoardWarning(text=text, set_index=g))
    return warnings


def profile(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts of each value, largest first, for a set's diversity profile."""
    return sorted(Counter(v or NOT_RECORDED for v in values).items(), key=lambda kv: (-kv[1], kv[0]))
