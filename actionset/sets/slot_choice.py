"""Meeting slots chosen together with the people, when slots chosen first leave no valid split.

`composer.choose_slots` picks each set's slot greedily before anyone is placed: quick, and right for nearly every
pool. But it can pick slots that no split of the people can keep to, say when a line manager and their report can
both meet only on Tuesday mornings and one Tuesday set is chosen, and the composition was then refused although the
pool has a valid split. This model decides the slots and a placement at once (CP-SAT): every person in exactly one
set, each set at one slot, a person only in a set whose slot they can attend, sizes within bounds, pinned people
where they are pinned, cannot-link pairs apart. Diversity is not its business: the engine then composes within the
slots found. When there is truly no valid split, an unsatisfiable core over one assumption per rule names a small
set of people and rules that cannot all hold, in the engine's words (so `Composition.humanise` names the people and
keeps keep-apart lists confidential).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ortools.sat.python import cp_model

from actionset.programmes.slots import SLOT_LABELS, meeting_slots
from actionset.sets.composer import Composition

#: Beyond this many (person, set) pairs the model is too large to build in a request's worker budget; such pools have
#: many slots' worth of people and the greedy choice is kept.
MAX_PAIRS = 150_000


@dataclass(frozen=True)
class SlotChoice:
    #: A slot code per set of the composition, when a valid split exists.
    slots: list[str] | None
    #: Rules that cannot all hold, in the engine's words, when none exists (or why it was not decided).
    explanation: list[str]
    proven_infeasible: bool = False


def _phrase(codes: list[str]) -> str:
    labels = [SLOT_LABELS.get(code, code) for code in codes]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def choose_with_people(composition: Composition, *, meeting_minutes: int, time_limit: float = 10.0) -> SlotChoice:
    problem = composition.problem
    n, k = problem.n, len(composition.sets)
    if n * k > MAX_PAIRS:
        return SlotChoice(None, ["the pool is too large to choose slots and people together"])
    slots = meeting_slots(meeting_minutes)
    codes = [code for code, _ in slots]
    needs = dict(slots)
    model = cp_model.CpModel()
    reasons: dict[int, str] = {}

    def assumption(text: str) -> cp_model.IntVar:
        literal = model.new_bool_var(text)
        reasons[literal.index] = text
        model.add_assumption(literal)
        return literal

    # y[g, c]: set g meets at slot c. A kept set keeps its slot.
    y = {(g, c): model.new_bool_var(f"y_{g}_{c}") for g in range(k) for c in codes}
    for g, planned in enumerate(composition.sets):
        model.add_exactly_one(y[g, c] for c in codes)
        if planned.fixed and planned.slot in needs:
            model.add(y[g, planned.slot] == 1)
    x = {(p, g): model.new_bool_var(f"x_{p}_{g}") for p in range(n) for g in range(k)}
    for p in range(n):
        model.add_exactly_one(x[p, g] for g in range(k))
    for p, g in problem.pinned.items():
        model.add(x[p, g] == 1).only_enforce_if(assumption(f"person {p} is locked in set {g}"))
    for p, enrolment in enumerate(composition.enrolments):
        availability = set(enrolment.availability)
        if not availability:
            continue  # no availability recorded: they have ruled nothing out
        attends = [c for c in codes if needs[c] <= availability]
        literal = assumption(
            f"person {p} can only meet on {_phrase(attends)}" if attends else f"person {p} can meet at no slot"
        )
        for g in range(k):
            # In set g only if g meets at a slot they can attend.
            model.add(sum(y[g, c] for c in attends) >= 1).only_enforce_if([x[p, g], literal])
    sizes = list(problem.set_sizes)
    low, high = min(a for a, _ in sizes), max(b for _, b in sizes)
    size_rule = assumption(f"sets hold {low} to {high} people" if low != high else f"sets hold {low} people")
    for g, (a, b) in enumerate(sizes):
        load = sum(x[p, g] for p in range(n))
        model.add(load >= a).only_enforce_if(size_rule)
        model.add(load <= b).only_enforce_if(size_rule)
    for i, j in problem.cannot_link:
        literal = assumption(f"people {i} and {j} must be kept apart")
        for g in range(k):
            model.add_bool_or([x[i, g].Not(), x[j, g].Not()]).only_enforce_if(literal)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SlotChoice([next(c for c in codes if solver.value(y[g, c])) for g in range(k)], [])
    if status == cp_model.INFEASIBLE:
        core = [reasons[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in reasons]
        return SlotChoice(None, _joined(core) or ["the rules cannot all hold together"], True)
    return SlotChoice(None, ["no slots were found for a valid split in the time allowed (not proven impossible)"])


def _joined(core: list[str]) -> list[str]:
    """The core's sentences, a pair kept apart and both locked in one set said in one sentence about the pair.

    Said apart, "A is locked in set 1", "B is locked in set 1" and "two people on a confidential list must be kept
    apart" would name the pair to someone a keep-apart list is confidential from (`Composition.humanise` hides the
    pair only within the sentence that names it).
    """
    locked = {}
    for text in core:
        found = _LOCKED.fullmatch(text)
        if found:
            locked[int(found.group(1))] = int(found.group(2))
    joined, used = [], set()
    for text in core:
        pair = _APART.fullmatch(text)
        if pair:
            i, j = int(pair.group(1)), int(pair.group(2))
            if i in locked and locked.get(j) == locked[i]:
                joined.append(f"people {i} and {j} must be kept apart but are both locked in set {locked[i]}")
                used |= {i, j}
                continue
        joined.append(text)
    return [t for t in joined if not ((m := _LOCKED.fullmatch(t)) and int(m.group(1)) in used)]


_LOCKED = re.compile(r"person (\d+) is locked in set (\d+)")
_APART = re.compile(r"people (\d+) and (\d+) must be kept apart")
