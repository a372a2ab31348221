"""A first assignment that keeps every hard rule, or an explanation of why none exists.

Cheap counting checks catch the usual mistakes with a plain message. A greedy placement, most constrained unit first,
handles realistic inputs of any size. When it fails on a problem small enough, CP-SAT decides: it either finds an
assignment or proves there is none, and then names a small set of rules that cannot all hold (an unsatisfiable core
over one assumption literal per rule).
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from .model import Compiled

# Beyond this many (unit, allowed set) pairs a CP-SAT model is too slow to be worth building as a fallback.
CPSAT_MAX_PAIRS = 400_000


@dataclass
class Start:
    group: npt.NDArray[np.int64] | None
    explanation: list[str]
    proven_infeasible: bool


def _allowed_sets(c: Compiled, u: int) -> list[int]:
    m = c.arrays.num_sets
    if c.unit_pinned[u] >= 0:
        return [c.unit_pinned[u]]
    allowed = c.unit_allowed[u]
    return sorted(allowed) if allowed is not None else list(range(m))


def _allowed_key(c: Compiled, u: int) -> frozenset[int]:
    """The sets a restricted unit may join, as a set (shared with every unit of its availability pattern)."""
    if c.unit_pinned[u] >= 0:
        return frozenset([c.unit_pinned[u]])
    return c.unit_allowed[u] or frozenset()


def _describe_unit(c: Compiled, u: int) -> str:
    people = c.units[u]
    return f"person {people[0]}" if len(people) == 1 else f"must-link group {people}"


def _restricted(c: Compiled, u: int) -> bool:
    return c.unit_pinned[u] >= 0 or c.unit_allowed[u] is not None


def precheck(c: Compiled) -> list[str]:
    """Contradictions that counting alone reveals."""
    a = c.arrays
    out = list(c.problems)
    n = int(a.unit_size.sum())
    lo, hi = int(a.size_min.sum()), int(a.size_max.sum())
    for g in range(a.num_sets):
        if a.size_min[g] > a.size_max[g]:
            out.append(f"set {g} has minimum size {a.size_min[g]} above its maximum {a.size_max[g]}")
    if lo > n:
        out.append(f"the sets' minimum sizes add up to {lo}, more than the {n} people")
    if hi < n:
        out.append(f"the sets' maximum sizes add up to {hi}, fewer than the {n} people")
    largest = int(a.size_max.max())
    pinned_load = np.zeros(a.num_sets, dtype=np.int64)
    # Hall's condition for each availability pattern: everyone who may only join sets in S must fit in S.
    # Restricted units are grouped by their pattern first (units of one pattern share its frozenset), so the work
    # grows with the patterns' sets, never with people x sets.
    patterns: dict[frozenset[int], int] = {}
    largest_in: dict[frozenset[int], int] = {}
    for u in range(a.num_units):
        if not _restricted(c, u):
            if a.unit_size[u] > largest:
                out.append(f"{_describe_unit(c, u)} has {a.unit_size[u]} people, more than any set can hold")
            continue
        key = _allowed_key(c, u)
        if not key:
            continue
        if key not in largest_in:
            largest_in[key] = max(int(a.size_max[g]) for g in key)
        if a.unit_size[u] > largest_in[key]:
            out.append(f"{_describe_unit(c, u)} has {a.unit_size[u]} people, more than any set they may join can hold")
        patterns[key] = patterns.get(key, 0) + int(a.unit_size[u])
        if c.unit_pinned[u] >= 0:
            pinned_load[c.unit_pinned[u]] += a.unit_size[u]
            for v in c.unit_cannot[u]:
                if v > u and c.unit_pinned[v] == c.unit_pinned[u]:
                    out.append(
                        f"{_describe_unit(c, u)} and {_describe_unit(c, v)} must be kept apart"
                        f" but are both pinned to set {c.unit_pinned[u]}"
                    )
    for g in range(a.num_sets):
        if pinned_load[g] > a.size_max[g]:
            out.append(f"{pinned_load[g]} people are pinned to set {g}, which holds at most {a.size_max[g]}")
    if len(patterns) <= 500:
        for key in patterns:
            need = sum(size for other, size in patterns.items() if other <= key)
            room = sum(int(a.size_max[g]) for g in key)
            if need > room:
                out.append(f"{need} people may only join sets {sorted(key)}, which hold at most {room}")
    return out


def _alike_order(c: Compiled) -> list[int]:
    """Each unit's rank when units are sorted by what they are like (attributes, the heaviest first); all 0 for a
    distance matrix.

    The greedy placement puts each unit in the emptiest set it may join, so units placed one after another land in
    different sets: taking people alike one after another deals them out across the sets, a start that is already
    diverse (0.83 of the bound with a random order at 100,000 people; see docs/benchmarks.md for this order's).
    """
    f = c.features
    if f is None:
        return [0] * c.arrays.num_units
    first = c.arrays.mem_idx[c.arrays.mem_ptr[:-1]]
    columns = [f.codes[first, k] for k in np.argsort(-f.cat_weights, kind="stable")]
    columns += [f.numeric[first, k] for k in np.argsort(-f.num_weights, kind="stable")]
    if not columns:
        return [0] * c.arrays.num_units
    order = np.lexsort(columns[::-1])  # lexsort sorts by its last key first
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank.tolist()


def greedy(c: Compiled, seed: int) -> npt.NDArray[np.int64] | None:
    """Place the most constrained units first, each in the emptiest set it may join; then top up short sets.

    Sets wait in a heap ordered by (already at minimum, share of maximum filled), so a unit free to join any set
    finds one in a few pops rather than by scanning every set.
    """
    a = c.arrays
    rng = random.Random(seed)
    m = a.num_sets
    size = np.zeros(m, dtype=np.int64)
    group = np.full(a.num_units, -1, dtype=np.int64)
    occupants: list[set[int]] = [set() for _ in range(m)]
    keys = {u: rng.random() for u in range(a.num_units)}
    alike = _alike_order(c)

    def choice_count(u: int) -> int:
        if c.unit_pinned[u] >= 0:
            return 1
        allowed = c.unit_allowed[u]
        return m if allowed is None else len(allowed)

    order = sorted(
        range(a.num_units),
        key=lambda u: (
            c.unit_pinned[u] < 0,
            choice_count(u),
            -a.unit_size[u],
            alike[u],
            -len(c.unit_cannot[u]),
            keys[u],
        ),
    )

    def fits(u: int, g: int) -> bool:
        return size[g] + a.unit_size[u] <= a.size_max[g] and not (c.unit_cannot[u] & occupants[g])

    def may_join(u: int, g: int) -> bool:
        if c.unit_pinned[u] >= 0:
            return g == c.unit_pinned[u]
        allowed = c.unit_allowed[u]
        return allowed is None or g in allowed

    def key(g: int) -> tuple[bool, float]:
        return (bool(size[g] >= a.size_min[g]), float(size[g]) / max(int(a.size_max[g]), 1))

    def allowed(u: int) -> Iterable[int]:
        if c.unit_pinned[u] >= 0:
            return (c.unit_pinned[u],)
        sets = c.unit_allowed[u]
        return range(m) if sets is None else sets

    def make_room(u: int) -> int:
        """Place `u` by a chain of moves when every set it may join is full: `u` takes an occupant's place, who
        takes another's in a set they may join, and so on until someone lands in a set with room (a breadth-first
        search over sets, each visited once, as for an augmenting path in a matching). The set `u` joined, or -1.

        Without it, filling the emptiest set first packs the sets of the people placed last: 2,100 people in 300
        sets, each able to make two of ten slots, failed with every set they could join full and 300 places free.
        """
        # came[g] = (the set the unit entering g leaves, the unit entering g); -1 for `u` itself.
        came: dict[int, tuple[int, int]] = {}
        queue: deque[int] = deque()
        for g in allowed(u):
            if len(c.unit_cannot[u] & occupants[g]) <= 1:  # one to be kept apart from can be the one who leaves
                came[g] = (-1, u)
                queue.append(g)
        while queue:
            g = queue.popleft()
            x = came[g][1]
            for v in list(occupants[g]):
                if c.unit_pinned[v] >= 0 or size[g] - a.unit_size[v] + a.unit_size[x] > a.size_max[g]:
                    continue
                if c.unit_cannot[x] & (occupants[g] - {v}):
                    continue
                for h in allowed(v):
                    if h in came:
                        continue
                    came[h] = (g, v)
                    if not fits(v, h):
                        queue.append(h)
                        continue
                    # Apply the chain from its end: each unit leaves the set before it in the chain.
                    while h >= 0:
                        before, mover = came[h]
                        if before >= 0:
                            occupants[before].discard(mover)
                            size[before] -= a.unit_size[mover]
                        occupants[h].add(mover)
                        size[h] += a.unit_size[mover]
                        group[mover] = h
                        heapq.heappush(heap, (key(h), rng.random(), h))
                        if before < 0:
                            return h
                        h = before
        return -1

    heap = [(key(g), rng.random(), g) for g in range(m)]
    heapq.heapify(heap)
    for u in order:
        chosen = -1
        if c.unit_pinned[u] >= 0:
            chosen = c.unit_pinned[u] if fits(u, c.unit_pinned[u]) else -1
        else:
            passed = []
            while heap:
                entry = heapq.heappop(heap)
                g = entry[2]
                if entry[0] != key(g):
                    continue  # stale: the set has changed since this entry was pushed
                passed.append(entry)
                if may_join(u, g) and fits(u, g):
                    chosen = g
                    break
            for entry in passed:
                if entry[2] != chosen:
                    heapq.heappush(heap, entry)
            if chosen < 0 and make_room(u) >= 0:
                continue
        if chosen < 0:
            return None
        group[u] = chosen
        size[chosen] += a.unit_size[u]
        occupants[chosen].add(u)
        heapq.heappush(heap, (key(chosen), rng.random(), chosen))

    candidates = list(range(a.num_units))
    rng.shuffle(candidates)
    for _ in range(a.num_units):
        short = [g for g in range(m) if size[g] < a.size_min[g]]
        if not short:
            return group
        g = short[0]
        moved = False
        for u in candidates:
            h = int(group[u])
            if (
                h != g
                and c.unit_pinned[u] < 0
                and may_join(u, g)
                and size[h] - a.unit_size[u] >= a.size_min[h]
                and fits(u, g)
            ):
                group[u] = g
                size[h] -= a.unit_size[u]
                size[g] += a.unit_size[u]
                occupants[h].discard(u)
                occupants[g].add(u)
                moved = True
                break
        if not moved:
            return None
    return None


def _pairs(c: Compiled) -> int:
    """How many (unit, allowed set) pairs a CP-SAT model would have."""
    m = c.arrays.num_sets
    return sum(len(_allowed_key(c, u)) if _restricted(c, u) else m for u in range(c.arrays.num_units))


def cpsat_start(c: Compiled, seed: int, time_limit: float) -> Start:
    """Decide feasibility exactly; on infeasibility name a small set of rules that cannot all hold."""
    a = c.arrays
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for u in range(a.num_units):
        for g in _allowed_sets(c, u):
            x[u, g] = model.new_bool_var(f"x_{u}_{g}")
    reasons: dict[int, str] = {}

    def assumption(text: str) -> cp_model.IntVar:
        lit = model.new_bool_var(text)
        reasons[lit.index] = text
        model.add_assumption(lit)
        return lit

    for u in range(a.num_units):
        model.add_exactly_one(x[u, g] for g in _allowed_sets(c, u))
    for g in range(a.num_sets):
        inside = [u for u in range(a.num_units) if (u, g) in x]
        load = cp_model.LinearExpr.weighted_sum([x[u, g] for u in inside], [int(a.unit_size[u]) for u in inside])
        model.add(load >= int(a.size_min[g])).only_enforce_if(
            assumption(f"set {g} needs at least {a.size_min[g]} people")
        )
        model.add(load <= int(a.size_max[g])).only_enforce_if(
            assumption(f"set {g} holds at most {a.size_max[g]} people")
        )
    for u in range(a.num_units):
        for v in sorted(c.unit_cannot[u]):
            if v <= u:
                continue
            lit = assumption(f"{_describe_unit(c, u)} and {_describe_unit(c, v)} must be kept apart")
            for g in _allowed_sets(c, u):
                if (v, g) in x:
                    model.add_bool_or([x[u, g].Not(), x[v, g].Not()]).only_enforce_if(lit)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        group = np.full(a.num_units, -1, dtype=np.int64)
        for (u, g), var in x.items():
            if solver.value(var):
                group[u] = g
        return Start(group, [], False)
    if status == cp_model.INFEASIBLE:
        core = [reasons[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in reasons]
        return Start(None, core or ["the rules cannot all hold together"], True)
    return Start(
        None, ["no assignment keeping every rule was found in the time allowed (not proven impossible)"], False
    )


def find_start(c: Compiled, seed: int, time_limit: float) -> Start:
    problems = precheck(c)
    if problems:
        return Start(None, problems, True)
    for attempt in range(3):
        group = greedy(c, seed + attempt)
        if group is not None:
            return Start(group, [], False)
    if _pairs(c) > CPSAT_MAX_PAIRS:
        return Start(
            None,
            ["no assignment keeping every rule was found (the problem is too large to prove it impossible)"],
            False,
        )
    return cpsat_start(c, seed, time_limit)
