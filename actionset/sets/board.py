"""What the designers' board shows: the sets as they stand, scored and checked by the engine itself.

At a whole organisation's size (300 sets, 2,000 people) the board reads everything once and renders little: a row per
set, with a set's members, profile and facilitator form only for the sets a designer opens (or every set, when there
are few). The people and their sets come from the engine's own problem (`problem_for_board`), which already holds
every active member with their person, so no second read of the memberships is needed.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from actionset.accounts.models import User
from actionset.composition import Availability, Evaluation, Problem, evaluate, upper_bound
from actionset.composition.features import Features, build_features
from actionset.organisations.models import Person
from actionset.programmes.models import Enrolment, Programme, uncovered_text
from actionset.programmes.slots import SLOT_LABELS
from actionset.sets.composer import (
    ATTRIBUTES,
    KNOWN_LEVELS,
    NOT_RECORDED,
    Composition,
    board_evaluation,
    default_number_of_sets,
    problem_for_board,
    set_warnings,
)
from actionset.sets.explain import Explainer, SetExplanation, SizesExplanation, sizes_explanation
from actionset.sets.forms import FacilitatorsForm
from actionset.sets.models import CompositionRun, FacilitatorAssignment, LearningSet
from actionset.sets.services import (
    WaitingFacilitator,
    facilitator_candidates,
    facilitator_load,
    facilitator_problems_known,
    facilitators_without_login,
)

#: Up to this many sets the board shows every set in full; beyond it, one row a set and a set opened on demand.
FULL_UP_TO = 12
#: How many programmes' upper bounds a process keeps (a few hundred bytes each).
BOUNDS_KEPT = 256


@dataclass
class ProfileRow:
    value: str
    count: int
    percent: int


@dataclass
class SetCard:
    learning_set: LearningSet
    index: int
    members: list[Enrolment]  # each with `.person` and `.membership` read
    slot_label: str
    score: float | None
    share: int | None  # the score as a percentage of the best a set of its size could be (`explain.Explainer`)
    warnings: list[str]
    facilitators: list[FacilitatorAssignment]
    full: bool = False
    profile: list[tuple[str, list[ProfileRow]]] = field(default_factory=list)
    form: FacilitatorsForm | None = None
    explanation: SetExplanation | None = None

    @property
    def member_names(self) -> str:
        return ", ".join(e.person.name for e in self.members)


@dataclass
class Filters:
    """What the designer narrowed the board to: words (a set's or a member's name), a slot, a facilitator (a user's
    public id, or "none" for sets without one) and sets with warnings only."""

    q: str = ""
    slot: str = ""
    facilitator: str = ""
    warnings: bool = False

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        return cls(
            q=(query.get("q") or "").strip()[:100],
            slot=(query.get("slot") or "").strip()[:10],
            facilitator=(query.get("facilitator") or "").strip()[:40],
            warnings=query.get("warnings") in ("1", "on", "true"),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.slot or self.facilitator or self.warnings)

    def keeps(self, card: SetCard) -> bool:
        if self.q:
            words = self.q.casefold()
            if words not in card.learning_set.name.casefold() and not any(
                words in e.person.name.casefold() for e in card.members
            ):
                return False
        if self.slot and card.learning_set.slot != self.slot:
            return False
        if self.facilitator == "none":
            if card.facilitators:
                return False
        elif self.facilitator and not any(str(a.user.public_id) == self.facilitator for a in card.facilitators):
            return False
        return not (self.warnings and not card.warnings)


def _profile(members: list[Enrolment], own: Sequence[str] = ()) -> list[tuple[str, list[ProfileRow]]]:
    """Department, level and site, then the organisation's own attributes, as the engine mixes them."""
    size = len(members) or 1
    out = []
    for name, label in [*ATTRIBUTES, *((f"own:{n}", n) for n in own)]:
        counts: dict[str, int] = {}
        for e in members:
            if name.startswith("own:"):
                value = (e.person.attributes or {}).get(name[4:], "").strip() or NOT_RECORDED
            else:
                value = getattr(e.person, name).strip() or NOT_RECORDED
            counts[value] = counts.get(value, 0) + 1
        if name == "level" and set(counts) <= set(KNOWN_LEVELS):
            order = sorted(counts, key=KNOWN_LEVELS.index)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], v))
        out.append((label, [ProfileRow(v, counts[v], round(100 * counts[v] / size)) for v in order]))
    return out


#: The engine's upper bound for each pool and set sizes this process has shown, most recent last.
_BOUNDS: OrderedDict[str, float | None] = OrderedDict()


def cached_upper_bound(problem: Problem) -> float | None:
    """The engine's upper bound, computed once for a given pool and set sizes: it takes about a second at 2,000
    people, and nothing a designer does on the board but a change to the pool or the sizes moves it. Kept in the
    process rather than the shared cache, so that showing the board asks the database nothing more for it."""
    digest = hashlib.sha256(repr((problem.n, list(problem.set_sizes))).encode())
    for a in problem.attributes:
        digest.update(repr((a.name, a.kind, a.weight, a.levels)).encode())
        digest.update("\x1f".join(map(str, a.values)).encode())
    key = digest.hexdigest()
    if key in _BOUNDS:
        _BOUNDS.move_to_end(key)
        return _BOUNDS[key]
    bound = upper_bound(problem)
    _BOUNDS[key] = bound
    while len(_BOUNDS) > BOUNDS_KEPT:
        _BOUNDS.popitem(last=False)
    return bound


@dataclass
class Board:
    """Everything the board knows about a programme's sets, read once. Cards for every set, full or not."""

    programme: Programme
    sets: list[LearningSet]
    composition: Composition | None
    assignment: list[int]
    evaluation: Evaluation | None
    bound: float | None
    general_warnings: list[str]
    cards: list[SetCard]
    candidates: list[User]
    unplaced: list[Enrolment]
    run: CompositionRun | None
    waiting: list[WaitingFacilitator] = field(default_factory=list)
    explainer: Explainer | None = None
    indices: dict[int, list[int]] = field(default_factory=dict)  # each set's members, as the problem numbers them

    @property
    def sizes(self) -> SizesExplanation | None:
        run = self.run
        return sizes_explanation(
            [len(c.members) for c in self.cards if c.members],
            choice=run.sizes if run is not None else "",
            low=self.programme.set_size_min,
            high=self.programme.set_size_max,
        )

    def card_of(self, learning_set_id: int) -> SetCard | None:
        return next((c for c in self.cards if c.learning_set.pk == learning_set_id), None)

    @property
    def covered(self) -> int:
        return sum(1 for c in self.cards if c.facilitators)

    @property
    def warning_count(self) -> int:
        return (
            len(self.general_warnings)
            + sum(len(c.warnings) for c in self.cards)
            + (1 if self.unplaced and self.sets else 0)
        )

    def open(self, card: SetCard, *, bound_form: FacilitatorsForm | None = None) -> SetCard:
        """Fill in what only a set shown in full needs: its profile and its facilitator form."""
        card.full = True
        if self.explainer is not None and card.explanation is not None:
            card.explanation = self.explainer.explain(self.indices[card.index], card.score)
        card.profile = _profile(card.members, self.programme.organisation.attribute_names)
        card.form = bound_form or FacilitatorsForm(
            programme=self.programme,
            candidates=self.candidates,
            initial={a.role: str(a.user.public_id) for a in card.facilitators},
        )
        return card


def board_read(programme: Programme, *, reveal_keep_apart: bool) -> Board:
    sets = list(programme.sets.order_by("position", "name"))
    evaluation, bound, warnings = None, None, []
    composition: Composition | None = None
    assignment: list[int] = []
    members: dict[int, list[Enrolment]] = defaultdict(list)
    indices: dict[int, list[int]] = defaultdict(list)
    explainer = None
    if sets:  # the engine needs at least one set to speak of
        composition, assignment = problem_for_board(programme, sets)
        evaluation = board_evaluation(composition, assignment)
        bound = cached_upper_bound(composition.problem) if evaluation is not None else None
        warnings = set_warnings(composition, evaluation, reveal_keep_apart=reveal_keep_apart)
        for p, g in enumerate(assignment):
            members[g].append(composition.enrolments[p])
            indices[g].append(p)
        explainer = Explainer(composition.problem)
    candidates = list(facilitator_candidates(programme))
    assignments = list(
        FacilitatorAssignment.objects.filter(learning_set__programme=programme)
        .select_related("user")
        .order_by("role", "pk")
    )
    facilitators_of: dict[int, list[FacilitatorAssignment]] = defaultdict(list)
    for a in assignments:
        facilitators_of[a.learning_set_id].append(a)
    # What the facilitators' problems are read from, once for the whole board rather than once per set: each
    # facilitator's sets in every programme not closed, as capacity counts them.
    sets_of = facilitator_load({a.user_id for a in assignments})
    own_of: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(user_id__in=sets_of, organisation=programme.organisation):
        assert person.user_id is not None
        own_of[person.user_id].append(person)
    by_set: dict[int | None, list[str]] = defaultdict(list)
    for w in warnings:
        by_set[w.set_index].append(w.text)
    cards = []
    for g, learning_set in enumerate(sets):
        learning_set.programme = programme  # read once, not once per set by the facilitators' checks
        score = evaluation.set_scores[g] if evaluation is not None and g < len(evaluation.set_scores) else None
        explanation = (
            explainer.explain(indices[g], score, detail=False) if explainer is not None and indices[g] else None
        )
        assigned = facilitators_of[learning_set.pk]
        set_notes = list(by_set[g])
        for row in assigned:
            set_notes += facilitator_problems_known(
                user=row.user,
                learning_set=learning_set,
                elsewhere=len(sets_of[row.user_id] - {learning_set.pk}),
                own=own_of[row.user_id],
                members=[e.person for e in members[g]],
            )
        cards.append(
            SetCard(
                learning_set=learning_set,
                index=g,
                members=members[g],
                slot_label=SLOT_LABELS.get(learning_set.slot, ""),
                score=score,
                share=explanation.share if explanation is not None else None,
                explanation=explanation,
                warnings=set_notes,
                facilitators=assigned,
            )
        )
    unplaced = list(
        Enrolment.objects.active()
        .filter(programme=programme, membership__isnull=True)
        .select_related("person")
        .order_by("person__name")
    )
    return Board(
        programme=programme,
        sets=sets,
        composition=composition,
        assignment=assignment,
        evaluation=evaluation,
        bound=bound,
        general_warnings=by_set[None],
        cards=cards,
        candidates=candidates,
        unplaced=unplaced,
        run=programme.composition_runs.first(),
        waiting=facilitators_without_login(programme),
        explainer=explainer,
        indices=indices,
    )


def board_context(
    data: Board,
    *,
    filters: Filters | None = None,
    open_sets: Iterable[int] = (),
    bound_forms: dict[int, FacilitatorsForm] | None = None,
) -> dict[str, Any]:
    """What the board's template needs: every card that passes the filters, in full when few are shown or when the
    designer opened it."""
    filters = filters or Filters()
    shown = [c for c in data.cards if filters.keeps(c)]
    opened = set(open_sets) | set(bound_forms or ())
    for card in shown:
        if len(shown) <= FULL_UP_TO or card.learning_set.pk in opened:
            data.open(card, bound_form=(bound_forms or {}).get(card.learning_set.pk))
    return {
        **summary_context(data),
        "cards": shown,
        "compact": len(shown) > FULL_UP_TO,
        "filters": filters,
        "slot_choices": sorted(
            {(s.slot, SLOT_LABELS.get(s.slot, s.slot)) for s in data.sets if s.slot},
            key=lambda item: list(SLOT_LABELS).index(item[0]) if item[0] in SLOT_LABELS else 99,
        ),
        "facilitator_choices": sorted(
            {(str(a.user.public_id), a.user.name or a.user.email) for c in data.cards for a in c.facilitators},
            key=lambda item: item[1],
        ),
    }


def summary_context(data: Board) -> dict[str, Any]:
    """The board's figures, its warnings and its people not yet in a set: what any change may alter."""
    evaluation, bound, run = data.evaluation, data.bound, data.run
    pool_size = len(data.assignment) + len(data.unplaced)
    return {
        "programme": data.programme,
        "set_count": len(data.cards),
        "sets": data.sets,
        "unplaced": data.unplaced,
        "pool_size": pool_size,
        "covered": data.covered,
        "coverage": coverage_text(data.covered, len(data.cards)),
        "uncovered": len(data.cards) - data.covered,
        "uncovered_warning": uncovered_text(len(data.cards) - data.covered),
        "objective": evaluation.objective if evaluation is not None else None,
        "upper_bound": bound,
        "sizes": data.sizes,
        "bound_percent": round(100 * evaluation.objective / bound) if evaluation is not None and bound else None,
        "general_warnings": data.general_warnings,
        "warning_count": data.warning_count,
        "run": run,
        "run_active": run is not None and not run.is_finished and not run.is_stalled,
        "default_sets": len(data.sets) or default_number_of_sets(data.programme, pool_size),
        "has_candidates": bool(data.candidates),
        "waiting_facilitators": data.waiting,
        "full_up_to": FULL_UP_TO,
    }


def board(
    programme: Programme,
    *,
    reveal_keep_apart: bool,
    filters: Filters | None = None,
    open_sets: Iterable[int] = (),
    bound_forms: dict[int, FacilitatorsForm] | None = None,
) -> dict[str, Any]:
    return board_context(
        board_read(programme, reveal_keep_apart=reveal_keep_apart),
        filters=filters,
        open_sets=open_sets,
        bound_forms=bound_forms,
    )


def latest_run(programme: Programme) -> CompositionRun | None:
    return programme.composition_runs.first()


# --- the move chooser --------------------------------------------------------------------------------


@dataclass
class MoveChoice:
    learning_set: LearningSet
    slot_label: str
    size_after: int
    score_before: float
    score_after: float
    total_change: float  # the change in the whole board's score: this set's and the set left behind

    @property
    def change(self) -> float:
        return self.score_after - self.score_before


@dataclass
class MoveChooser:
    enrolment: Enrolment
    current: LearningSet | None
    choices: list[MoveChoice]
    #: Why the other sets are not offered, in names: each distinct reason once, with how many sets it rules out.
    refused: list[tuple[str, int]]


_PEOPLE = re.compile(r"\bpeople (\d+) and (\d+)\b")
_PERSON = re.compile(r"\bperson (\d+)\b")
_SET = re.compile(r"\bset (\d+)\b")
_SETS = re.compile(r"\bsets \[([\d, ]*)\]")


def _in_full(message: str, people: Sequence[int], sets: Sequence[int]) -> str:
    """A message about the sub-problem, with its people and sets numbered as in the whole problem, so that the
    adapter can name them."""
    message = _PEOPLE.sub(lambda m: f"people {people[int(m.group(1))]} and {people[int(m.group(2))]}", message)
    message = _PERSON.sub(lambda m: f"person {people[int(m.group(1))]}", message)
    message = _SETS.sub(
        lambda m: "sets [" + ", ".join(str(sets[int(g)]) for g in m.group(1).split(",") if g.strip()) + "]", message
    )
    return _SET.sub(lambda m: f"set {sets[int(m.group(1))]}", message)


def _sub_problem(
    problem: Problem, features: Features, people: list[int], sets: list[int]
) -> tuple[Problem, Features, dict[int, int]]:
    """The part of `problem` that holds only `people` and `sets` (in that order): the same rules and the same
    features, so that the engine's `evaluate` scores and checks these sets exactly as in the whole problem."""
    local = {p: k for k, p in enumerate(people)}
    local_set = {g: k for k, g in enumerate(sets)}

    def pairs(source: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(local[i], local[j]) for i, j in source if i in local and j in local]

    sub = Problem(
        n=len(people),
        set_sizes=[problem.set_sizes[g] for g in sets],
        attributes=[
            type(a)(a.name, a.kind, [a.values[p] for p in people], weight=a.weight, levels=a.levels)
            for a in problem.attributes
        ],
        cannot_link=pairs(problem.cannot_link),
        # Each person's sets from both the per-person lists and the availability patterns (`Problem.allowed`):
        # the board's problem gives availability as patterns, which a sub-problem must keep too.
        allowed_sets={
            local[p]: [local_set[g] for g in allowed if g in local_set]
            for p in people
            if (allowed := problem.allowed(p)) is not None
        },
        # Availability as the engine takes it, patterns of sets with their people: each pattern cut to these sets
        # and these people, so a set meeting when the person cannot is refused here as in the whole problem.
        availability=[
            Availability(
                sets=[local_set[g] for g in pattern.sets if g in local_set],
                people=[local[p] for p in pattern.people if p in local],
            )
            for pattern in problem.availability
            if any(p in local for p in pattern.people)
        ],
        past_pairs=pairs(problem.past_pairs),
        past_pair_penalty=problem.past_pair_penalty,
    )
    index = list(people)
    sub_features = Features(
        codes=features.codes[index],
        offsets=features.offsets,
        cat_weights=features.cat_weights,
        numeric=features.numeric[index],
        num_weights=features.num_weights,
    )
    return sub, sub_features, local


def move_chooser(data: Board, enrolment: Enrolment, *, reveal_keep_apart: bool) -> MoveChooser | None:
    """The sets `enrolment`'s person may move to without breaking any rule the sets keep now, each with the change
    in its score. Only the set left and the set joined change, so each candidate is checked and scored by the
    engine's `evaluate` on those two sets alone (the same features, rules and sizes as the whole problem), which
    keeps a 300-set board's chooser to a fraction of a second. Returns None for someone not in a set: placing them
    is the board's unplaced list."""
    composition = data.composition
    if composition is None:
        return None
    try:
        p = composition.index_of(enrolment.pk)
    except KeyError:
        return None
    problem = composition.problem
    features = build_features(problem)
    here = data.assignment[p]
    members: dict[int, list[int]] = defaultdict(list)
    for person, g in enumerate(data.assignment):
        members[g].append(person)
    choices: list[MoveChoice] = []
    reasons: dict[str, int] = {}
    for card in data.cards:
        there = card.index
        if there == here:
            continue
        people = members[here] + members[there]
        sub, sub_features, local = _sub_problem(problem, features, people, [here, there])
        before = [0] * len(members[here]) + [1] * len(members[there])
        after = list(before)
        after[local[p]] = 1
        was = evaluate(sub, before, sub_features)
        now = evaluate(sub, after, sub_features)
        new = list(now.violations)
        for message in was.violations:
            if message in new:
                new.remove(message)
        if new:
            # The engine numbers people and sets from 0 in the sub-problem: name them as in the whole programme.
            reason = composition.humanise(_in_full(new[0], people, [here, there]), reveal_keep_apart=reveal_keep_apart)
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        choices.append(
            MoveChoice(
                learning_set=card.learning_set,
                slot_label=card.slot_label,
                size_after=len(members[there]) + 1,
                score_before=was.set_scores[1],
                score_after=now.set_scores[1],
                total_change=now.objective - was.objective,
            )
        )
    choices.sort(key=lambda c: (-c.total_change, c.learning_set.position, c.learning_set.name))
    refused = sorted(reasons.items(), key=lambda item: -item[1])
    return MoveChooser(enrolment=enrolment, current=data.sets[here], choices=choices, refused=refused)


def coverage_text(covered: int, total: int) -> str:
    return _("%(covered)s of %(total)s sets have a facilitator") % {"covered": covered, "total": total}
