"""What the designers' board shows: the sets as they stand, scored and checked by the engine itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from actionset.composition import upper_bound
from actionset.organisations.models import Person
from actionset.programmes.models import Enrolment, Programme
from actionset.programmes.slots import SLOT_LABELS
from actionset.sets.composer import (
    ATTRIBUTES,
    KNOWN_LEVELS,
    board_evaluation,
    default_number_of_sets,
    problem_for_board,
    set_warnings,
)
from actionset.sets.forms import FacilitatorsForm
from actionset.sets.models import CompositionRun, FacilitatorAssignment, LearningSet, Membership
from actionset.sets.services import facilitator_candidates, facilitator_problems_known


@dataclass
class ProfileRow:
    value: str
    count: int
    percent: int


@dataclass
class SetCard:
    learning_set: LearningSet
    members: list[Membership]
    slot_label: str
    score: float | None
    share: int | None  # the score as a percentage of an even share of the upper bound
    profile: list[tuple[str, list[ProfileRow]]]
    warnings: list[str]
    facilitators: list[FacilitatorAssignment]
    form: FacilitatorsForm
    other_sets: list[LearningSet] = field(default_factory=list)


def _profile(members: list[Membership]) -> list[tuple[str, list[ProfileRow]]]:
    size = len(members) or 1
    out = []
    for name, label in ATTRIBUTES:
        counts: dict[str, int] = {}
        for m in members:
            value = getattr(m.enrolment.person, name).strip() or "Not recorded"
            counts[value] = counts.get(value, 0) + 1
        if name == "level" and set(counts) <= set(KNOWN_LEVELS):
            order = sorted(counts, key=KNOWN_LEVELS.index)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], v))
        out.append((label, [ProfileRow(v, counts[v], round(100 * counts[v] / size)) for v in order]))
    return out


def board(
    programme: Programme,
    *,
    reveal_keep_apart: bool,
    bound_forms: dict[int, FacilitatorsForm] | None = None,
) -> dict[str, Any]:
    sets = list(
        programme.sets.order_by("position", "name").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(enrolment__withdrawn_at__isnull=True)
                .select_related("enrolment__person")
                .order_by("enrolment__person__name"),
            ),
            Prefetch("facilitators", queryset=FacilitatorAssignment.objects.select_related("user").order_by("role")),
        )
    )
    evaluation, bound, warnings, placed = None, None, [], 0
    if sets:  # the engine needs at least one set to speak of
        composition, assignment = problem_for_board(programme, sets)
        evaluation = board_evaluation(composition, assignment)
        bound = upper_bound(composition.problem) if evaluation is not None else None
        warnings = set_warnings(composition, evaluation, reveal_keep_apart=reveal_keep_apart)
        placed = len(assignment)
    candidates = list(facilitator_candidates(programme))
    # What the facilitators' problems are read from, once for the whole board rather than once per set.
    sets_of: dict[int, set[int]] = defaultdict(set)
    for user_id, set_id in FacilitatorAssignment.objects.filter(learning_set__programme=programme).values_list(
        "user_id", "learning_set_id"
    ):
        sets_of[user_id].add(set_id)
    own_of: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(user_id__in=sets_of, organisation=programme.organisation):
        assert person.user_id is not None
        own_of[person.user_id].append(person)
    cards = []
    for g, learning_set in enumerate(sets):
        members = list(learning_set.memberships.all())
        score = evaluation.set_scores[g] if evaluation is not None and g < len(evaluation.set_scores) else None
        share = None
        if score is not None and bound:
            share = max(0, min(100, round(100 * score / (bound / len(sets)))))
        assigned = list(learning_set.facilitators.all())
        set_notes = [w.text for w in warnings if w.set_index == g]
        for assignment_row in assigned:
            set_notes += facilitator_problems_known(
                user=assignment_row.user,
                learning_set=learning_set,
                elsewhere=len(sets_of[assignment_row.user_id] - {learning_set.pk}),
                own=own_of[assignment_row.user_id],
                members=[m.enrolment.person for m in members],
            )
        form = (bound_forms or {}).get(learning_set.pk) or FacilitatorsForm(
            programme=programme, candidates=candidates, initial={a.role: str(a.user.public_id) for a in assigned}
        )
        cards.append(
            SetCard(
                learning_set=learning_set,
                members=members,
                slot_label=SLOT_LABELS.get(learning_set.slot, ""),
                score=score,
                share=share,
                profile=_profile(members),
                warnings=set_notes,
                facilitators=assigned,
                form=form,
                other_sets=[s for s in sets if s.pk != learning_set.pk],
            )
        )
    unplaced = list(
        Enrolment.objects.active()
        .filter(programme=programme, membership__isnull=True)
        .select_related("person")
        .order_by("person__name")
    )
    pool_size = placed + len(unplaced)
    run = programme.composition_runs.first()
    return {
        "programme": programme,
        "cards": cards,
        "sets": sets,
        "unplaced": unplaced,
        "pool_size": pool_size,
        "objective": evaluation.objective if evaluation is not None else None,
        "upper_bound": bound,
        "bound_percent": round(100 * evaluation.objective / bound) if evaluation is not None and bound else None,
        "general_warnings": [w.text for w in warnings if w.set_index is None],
        "warning_count": sum(w.set_index is None for w in warnings)
        + sum(len(c.warnings) for c in cards)
        + (1 if unplaced and sets else 0),
        "run": run,
        "run_active": run is not None and not run.is_finished and not run.is_stalled,
        "default_sets": len(sets) or default_number_of_sets(programme, pool_size),
        "has_candidates": bool(candidates),
    }


def latest_run(programme: Programme) -> CompositionRun | None:
    return programme.composition_runs.first()
