"""The compiled search: simulated annealing over insert and swap moves that keep every hard constraint.

Each set's score is kept up to date incrementally. In matrix mode ``D[u, g]`` holds the sum of distances from unit u
to set g (an O(units) update per accepted move, O(1) per evaluated move). In attribute mode the gain of a unit in a set
is computed on the fly from per-set value counts (categorical columns, O(1)) and the set's few members (numeric
columns, O(set size)), so memory stays linear in the number of people.

Moves that would break a rule are never evaluated, let alone made: the search only walks between feasible
assignments. The random stream is a private xorshift generator kept in the state, so a run is a pure function of its
seed and its iteration count, however it is cut into chunks.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from .model import MATRIX, Arrays

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# sums: [sum of scores, sum of squared scores, temperature, best objective]
# counters: [iterations, iterations into this cycle, pending best (0/1), accepted moves, entries in journal]
S1, S2, TEMP, BEST = 0, 1, 2, 3
ITER, CYCLE_ITER, PENDING, ACCEPTED, JOURNAL = 0, 1, 2, 3, 4


class State(NamedTuple):
    group: I64
    set_size: I64
    score: F64
    gain_table: F64  # units x sets in matrix mode, 1 x 1 otherwise
    members: I64  # sets x capacity: the units in each set
    member_count: I64
    position: I64  # where each unit sits in its set's row of members
    counts: I64  # sets x values in attribute mode, 1 x 1 otherwise
    sums: F64
    counters: I64
    rng: npt.NDArray[np.uint64]
    best_group: I64
    # The units the annealing moved since best_group was last brought up to date: every unit whose set may differ
    # from best_group's is listed (counters[JOURNAL] of them), or counters[JOURNAL] is past the journal's length and
    # nothing is known. Keeping the best then costs the moves since, not a copy of every unit: at 100,000 people the
    # copies made the annealing take 2.1 times as long (docs/benchmarks.md).
    journal: I64


def new_state(a: Arrays, group: I64, seed: int) -> State:
    m, u = a.num_sets, a.num_units
    capacity = int(a.size_max.max()) + 2
    rng = np.array([(seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % (1 << 64) or 1], dtype=np.uint64)
    state = State(
        group=group.astype(np.int64).copy(),
        set_size=np.zeros(m, dtype=np.int64),
        score=np.zeros(m, dtype=np.float64),
        gain_table=np.zeros((u, m) if a.mode == MATRIX else (1, 1), dtype=np.float64),
        members=np.zeros((m, capacity), dtype=np.int64),
        member_count=np.zeros(m, dtype=np.int64),
        position=np.zeros(u, dtype=np.int64),
        counts=np.zeros((m, a.num_values) if a.mode != MATRIX else (1, 1), dtype=np.int64),
        sums=np.zeros(4, dtype=np.float64),
        counters=np.zeros(5, dtype=np.int64),
        rng=rng,
        best_group=group.astype(np.int64).copy(),
        journal=np.zeros(max(u, 16), dtype=np.int64),
    )
    rebuild(a, state)
    state.counters[JOURNAL] = 0  # group and best_group are the same assignment
    state.sums[BEST] = objective(a, state)
    return state


@njit(cache=True)
def _next(rng: npt.NDArray[np.uint64]) -> np.uint64:
    x = rng[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[0] = x
    return x * np.uint64(2685821657736338717)


@njit(cache=True)
def _below(rng: npt.NDArray[np.uint64], k: int) -> np.int64:
    return np.int64((_next(rng) >> np.uint64(11)) % np.uint64(k))


@njit(cache=True)
def _uniform(rng: npt.NDArray[np.uint64]) -> float:
    return np.float64(_next(rng) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def objective(a: Arrays, s: State) -> float:
    return _balanced(a.balance, a.num_sets, s.sums[S1], s.sums[S2])


@njit(cache=True)
def _balanced(balance: float, m: int, s1: float, s2: float) -> float:
    if balance <= 0.0:
        return s1
    mean = s1 / m
    var = s2 / m - mean * mean
    return s1 - balance * m * math.sqrt(var if var > 0.0 else 0.0)


@njit(cache=True)
def gain(a: Arrays, s: State, u: int, g: int) -> float:
    """Sum of distances from unit u's people to the people of set g, not counting u's own people."""
    if a.mode == MATRIX:
        return s.gain_table[u, g]
    return _gain_attributes(a, s, u, g)


@njit(cache=True)
def _gain_attributes(a: Arrays, s: State, u: int, g: int) -> float:
    total = 0.0
    size_g = s.set_size[g]
    ncat = a.codes.shape[1]
    nnum = a.numeric.shape[1]
    for ia in range(a.mem_ptr[u], a.mem_ptr[u + 1]):
        p = a.mem_idx[ia]
        for c in range(ncat):
            total += a.cat_w[c] * (size_g - s.counts[g, a.codes[p, c]])
        if nnum > 0:
            for k in range(s.member_count[g]):
                v = s.members[g, k]
                for ib in range(a.mem_ptr[v], a.mem_ptr[v + 1]):
                    q = a.mem_idx[ib]
                    for col in range(nnum):
                        total += a.num_w[col] * abs(a.numeric[p, col] - a.numeric[q, col])
        for e in range(a.past_ptr[p], a.past_ptr[p + 1]):
            if s.group[a.unit_of[a.past_idx[e]]] == g:
                total -= a.past_w[e]
    if s.group[u] == g:
        # The counts above include u's own people: their pairs were counted once from each side.
        total -= 2.0 * a.internal[u]
    return total


@njit(cache=True)
def pair(a: Arrays, u: int, v: int) -> float:
    if a.mode == MATRIX:
        return a.unit_dist[u, v]
    return _pair_attributes(a, u, v)


@njit(cache=True)
def _pair_attributes(a: Arrays, u: int, v: int) -> float:
    total = 0.0
    for ia in range(a.mem_ptr[u], a.mem_ptr[u + 1]):
        p = a.mem_idx[ia]
        for ib in range(a.mem_ptr[v], a.mem_ptr[v + 1]):
            q = a.mem_idx[ib]
            for c in range(a.codes.shape[1]):
                if a.codes[p, c] != a.codes[q, c]:
                    total += a.cat_w[c]
            for col in range(a.numeric.shape[1]):
                total += a.num_w[col] * abs(a.numeric[p, col] - a.numeric[q, col])
            for e in range(a.past_ptr[p], a.past_ptr[p + 1]):
                if a.past_idx[e] == q:
                    total -= a.past_w[e]
    return total


@njit(cache=True)
def _allowed(a: Arrays, u: int, g: int) -> bool:
    row = a.allowed_row[u]
    return row < 0 or a.allowed_mask[row, g] != 0


@njit(cache=True)
def _clash(a: Arrays, s: State, u: int, g: int, ignore: int) -> bool:
    for e in range(a.cl_ptr[u], a.cl_ptr[u + 1]):
        w = a.cl_idx[e]
        if w != ignore and s.group[w] == g:
            return True
    return False


@njit(cache=True)
def rebuild(a: Arrays, s: State) -> None:
    m = a.num_sets
    s.set_size[:] = 0
    s.member_count[:] = 0
    s.counts[:, :] = 0
    s.gain_table[:, :] = 0.0
    for u in range(a.num_units):
        g = s.group[u]
        s.members[g, s.member_count[g]] = u
        s.position[u] = s.member_count[g]
        s.member_count[g] += 1
        s.set_size[g] += a.unit_size[u]
    if a.mode == MATRIX:
        for u in range(a.num_units):
            for v in range(a.num_units):
                s.gain_table[u, s.group[v]] += a.unit_dist[u, v]
    else:
        for u in range(a.num_units):
            g = s.group[u]
            for ia in range(a.mem_ptr[u], a.mem_ptr[u + 1]):
                p = a.mem_idx[ia]
                for c in range(a.codes.shape[1]):
                    s.counts[g, a.codes[p, c]] += 1
    # The assignment may have been set from outside: whether it is the best one is not known here.
    s.counters[JOURNAL] = s.journal.shape[0] + 1
    s1 = 0.0
    s2 = 0.0
    for g in range(m):
        total = 0.0
        for k in range(s.member_count[g]):
            u = s.members[g, k]
            total += a.internal[u] + 0.5 * gain(a, s, u, g)
        s.score[g] = total
        s1 += total
        s2 += total * total
    s.sums[S1] = s1
    s.sums[S2] = s2


@njit(cache=True)
def _move(a: Arrays, s: State, u: int, g2: int) -> None:
    g1 = s.group[u]
    out = gain(a, s, u, g1) + a.internal[u]
    into = gain(a, s, u, g2) + a.internal[u]
    old1 = s.score[g1]
    old2 = s.score[g2]
    s.score[g1] = old1 - out
    s.score[g2] = old2 + into
    s.sums[S1] += into - out
    s.sums[S2] += s.score[g1] ** 2 - old1**2 + s.score[g2] ** 2 - old2**2
    if a.mode == MATRIX:
        for w in range(a.num_units):
            d = a.unit_dist[w, u]
            s.gain_table[w, g1] -= d
            s.gain_table[w, g2] += d
    else:
        for ia in range(a.mem_ptr[u], a.mem_ptr[u + 1]):
            p = a.mem_idx[ia]
            for c in range(a.codes.shape[1]):
                s.counts[g1, a.codes[p, c]] -= 1
                s.counts[g2, a.codes[p, c]] += 1
    k = s.position[u]
    last = s.members[g1, s.member_count[g1] - 1]
    s.members[g1, k] = last
    s.position[last] = k
    s.member_count[g1] -= 1
    s.members[g2, s.member_count[g2]] = u
    s.position[u] = s.member_count[g2]
    s.member_count[g2] += 1
    s.set_size[g1] -= a.unit_size[u]
    s.set_size[g2] += a.unit_size[u]
    s.group[u] = g2
    # Moves made from outside the annealing are not journalled.
    s.counters[JOURNAL] = s.journal.shape[0] + 1


@njit(cache=True)
def _balance_delta(a: Arrays, s: State, g1: int | np.int64, g2: int | np.int64, new1: float, new2: float) -> float:
    old1 = s.score[g1]
    old2 = s.score[g2]
    s1 = s.sums[S1] + new1 - old1 + new2 - old2
    s2 = s.sums[S2] + new1 * new1 - old1 * old1 + new2 * new2 - old2 * old2
    before = _balanced(a.balance, a.num_sets, s.sums[S1], s.sums[S2])
    return _balanced(a.balance, a.num_sets, s1, s2) - before


@njit(cache=True)
def _keep_best(s: State) -> None:
    if s.counters[PENDING] != 0:
        length = s.counters[JOURNAL]
        if length > s.journal.shape[0]:
            s.best_group[:] = s.group[:]
        else:
            for i in range(length):
                x = s.journal[i]
                s.best_group[x] = s.group[x]
        s.counters[JOURNAL] = 0
        s.counters[PENDING] = 0


@njit(cache=True)
def _journal(s: State, unit: int) -> None:
    length = s.counters[JOURNAL]
    if length < s.journal.shape[0]:
        s.journal[length] = unit
        s.counters[JOURNAL] = length + 1
    else:
        s.counters[JOURNAL] = s.journal.shape[0] + 1


@njit(cache=True)
def _run(
    a: Arrays,
    s: State,
    movable: I64,
    iterations: int,
    p_insert: float,
    t_start: float,
    cooling: float,
    cycle_length: int,
    apply: bool,
) -> tuple[float, int]:
    """The search loop; with ``apply`` False it only samples moves and returns (mean worsening, feasible count).

    Everything the loop reads is unpacked into locals first and the move evaluation is written out in the loop body:
    a call that passes arrays costs numba a reference-count round trip per array, which would dominate.
    """
    mode = a.mode
    m = a.num_sets
    unit_size = a.unit_size
    allowed_row = a.allowed_row
    allowed_mask = a.allowed_mask
    cl_ptr = a.cl_ptr
    cl_idx = a.cl_idx
    size_min = a.size_min
    size_max = a.size_max
    internal = a.internal
    unit_dist = a.unit_dist
    mem_ptr = a.mem_ptr
    mem_idx = a.mem_idx
    unit_of = a.unit_of
    codes = a.codes
    cat_w = a.cat_w
    numeric = a.numeric
    num_w = a.num_w
    past_ptr = a.past_ptr
    past_idx = a.past_idx
    past_w = a.past_w
    balance = a.balance
    group = s.group
    set_size = s.set_size
    score = s.score
    gain_table = s.gain_table
    members = s.members
    member_count = s.member_count
    counts = s.counts
    position = s.position
    num_units = a.num_units
    sums = s.sums
    counters = s.counters
    rng = s.rng
    ncat = codes.shape[1]
    nnum = numeric.shape[1]
    nm = movable.shape[0]
    q_unit = np.empty(4, dtype=np.int64)
    q_set = np.empty(4, dtype=np.int64)
    q_gain = np.empty(4, dtype=np.float64)
    worse_total = 0.0
    worse_count = 0
    feasible = 0
    current = objective(a, s)
    for _ in range(iterations):
        if apply:
            if counters[CYCLE_ITER] >= cycle_length:
                _keep_best(s)
                group[:] = s.best_group[:]
                rebuild(a, s)
                counters[JOURNAL] = 0
                current = objective(a, s)
                sums[TEMP] = t_start
                counters[CYCLE_ITER] = 0
            counters[CYCLE_ITER] += 1
            counters[ITER] += 1
            sums[TEMP] *= cooling
        u = movable[_below(rng, nm)]
        g1 = group[u]
        su = unit_size[u]
        v = -1
        if _uniform(rng) < p_insert:
            g2 = _below(rng, m - 1)
            if g2 >= g1:
                g2 += 1
            if set_size[g2] + su > size_max[g2] or set_size[g1] - su < size_min[g1]:
                continue
            nq = 2
        else:
            v = movable[_below(rng, nm)]
            g2 = group[v]
            if g1 == g2:
                continue
            sv = unit_size[v]
            if su != sv:
                new1 = set_size[g1] - su + sv
                new2 = set_size[g2] - sv + su
                if new1 > size_max[g1] or new1 < size_min[g1] or new2 > size_max[g2] or new2 < size_min[g2]:
                    continue
            row = allowed_row[v]
            if row >= 0 and allowed_mask[row, g1] == 0:
                continue
            clash = False
            for e in range(cl_ptr[v], cl_ptr[v + 1]):
                w = cl_idx[e]
                if w != u and group[w] == g1:
                    clash = True
                    break
            if clash:
                continue
            nq = 4
        row = allowed_row[u]
        if row >= 0 and allowed_mask[row, g2] == 0:
            continue
        clash = False
        for e in range(cl_ptr[u], cl_ptr[u + 1]):
            w = cl_idx[e]
            if w != v and group[w] == g2:
                clash = True
                break
        if clash:
            continue
        q_unit[0] = u
        q_set[0] = g1
        q_unit[1] = u
        q_set[1] = g2
        q_unit[2] = v
        q_set[2] = g1
        q_unit[3] = v
        q_set[3] = g2
        for t in range(nq):
            uu = q_unit[t]
            gg = q_set[t]
            if mode == MATRIX:
                q_gain[t] = gain_table[uu, gg]
                continue
            total = 0.0
            for ia in range(mem_ptr[uu], mem_ptr[uu + 1]):
                p = mem_idx[ia]
                for c in range(ncat):
                    total += cat_w[c] * (set_size[gg] - counts[gg, codes[p, c]])
                if nnum > 0:
                    for k in range(member_count[gg]):
                        x = members[gg, k]
                        for ib in range(mem_ptr[x], mem_ptr[x + 1]):
                            r = mem_idx[ib]
                            for col in range(nnum):
                                total += num_w[col] * abs(numeric[p, col] - numeric[r, col])
                for e in range(past_ptr[p], past_ptr[p + 1]):
                    if group[unit_of[past_idx[e]]] == gg:
                        total -= past_w[e]
            if group[uu] == gg:
                total -= 2.0 * internal[uu]
            q_gain[t] = total
        if nq == 2:
            delta = q_gain[1] - q_gain[0]
            new1 = score[g1] - q_gain[0] - internal[u]
            new2 = score[g2] + q_gain[1] + internal[u]
        else:
            if mode == MATRIX:
                duv = unit_dist[u, v]
            else:
                duv = 0.0
                for ia in range(mem_ptr[u], mem_ptr[u + 1]):
                    p = mem_idx[ia]
                    for ib in range(mem_ptr[v], mem_ptr[v + 1]):
                        r = mem_idx[ib]
                        for c in range(ncat):
                            if codes[p, c] != codes[r, c]:
                                duv += cat_w[c]
                        for col in range(nnum):
                            duv += num_w[col] * abs(numeric[p, col] - numeric[r, col])
                        for e in range(past_ptr[p], past_ptr[p + 1]):
                            if past_idx[e] == r:
                                duv -= past_w[e]
            delta = q_gain[1] - q_gain[0] + q_gain[2] - q_gain[3] - 2.0 * duv
            new1 = score[g1] - q_gain[0] - internal[u] + q_gain[2] - duv + internal[v]
            new2 = score[g2] - q_gain[3] - internal[v] + q_gain[1] - duv + internal[u]
        if balance > 0.0:
            delta = _balance_delta(a, s, g1, g2, new1, new2)
        feasible += 1
        if not apply:
            if delta < 0.0:
                worse_total -= delta
                worse_count += 1
            continue
        if delta < 0.0:
            temperature = sums[TEMP]
            if temperature <= 0.0 or _uniform(rng) >= math.exp(delta / temperature):
                continue
            _keep_best(s)
        old1 = score[g1]
        old2 = score[g2]
        score[g1] = new1
        score[g2] = new2
        sums[S1] += new1 - old1 + new2 - old2
        sums[S2] += new1 * new1 - old1 * old1 + new2 * new2 - old2 * old2
        for step in range(2 if v >= 0 else 1):
            mover = u if step == 0 else v
            source = g1 if step == 0 else g2
            target = g2 if step == 0 else g1
            if mode == MATRIX:
                for w in range(num_units):
                    d = unit_dist[w, mover]
                    gain_table[w, source] -= d
                    gain_table[w, target] += d
            else:
                for ia in range(mem_ptr[mover], mem_ptr[mover + 1]):
                    p = mem_idx[ia]
                    for c in range(ncat):
                        counts[source, codes[p, c]] -= 1
                        counts[target, codes[p, c]] += 1
            k = position[mover]
            last = members[source, member_count[source] - 1]
            members[source, k] = last
            position[last] = k
            member_count[source] -= 1
            members[target, member_count[target]] = mover
            position[mover] = member_count[target]
            member_count[target] += 1
            set_size[source] -= unit_size[mover]
            set_size[target] += unit_size[mover]
            group[mover] = target
            _journal(s, mover)
        counters[ACCEPTED] += 1
        current += delta
        if current > sums[BEST] + 1e-9:
            sums[BEST] = current
            counters[PENDING] = 1
    if apply:
        _keep_best(s)
    return (worse_total / worse_count if worse_count > 0 else 0.0), feasible


def sample_worsening(a: Arrays, s: State, movable: I64, p_insert: float, tries: int) -> tuple[float, int]:
    """Mean size of the worsening feasible moves among ``tries`` random proposals, and how many were feasible."""
    mean, feasible = _run(a, s, movable, tries, p_insert, 0.0, 1.0, 1, False)
    return float(mean), int(feasible)


def anneal(
    a: Arrays,
    s: State,
    movable: I64,
    iterations: int,
    p_insert: float,
    t_start: float,
    cooling: float,
    cycle_length: int,
) -> None:
    """Run ``iterations`` steps. Each cycle cools from ``t_start`` by ``cooling`` per step, then restarts from the best.

    The best assignment is copied only just before the search leaves a record high (before accepting a worsening
    move), which records the exact best at a cost of one copy per record rather than one per improving move.
    """
    _run(a, s, movable, iterations, p_insert, t_start, cooling, cycle_length, True)


@njit(cache=True)
def restart(a: Arrays, s: State, t_start: float) -> None:
    """Go back to the best assignment found and heat up again."""
    _keep_best(s)
    s.group[:] = s.best_group[:]
    rebuild(a, s)
    s.counters[JOURNAL] = 0
    s.sums[TEMP] = t_start
    s.counters[CYCLE_ITER] = 0


@njit(cache=True)
def _refresh_lift(s: State, is_movable: npt.NDArray[np.bool_], lift: F64, ga: int, gb: int) -> None:
    """``lift[g1 * m + g2]``: the most any movable unit of g1 gains by leaving for g2 (-1e300 if none can).

    After a move between ``ga`` and ``gb`` only the rows of those two sets (their members changed) and the columns
    of those two sets (their gains changed) can differ; ``ga`` < 0 refreshes every entry.
    """
    gain_table = s.gain_table
    members = s.members
    member_count = s.member_count
    m = gain_table.shape[1]
    for g1 in range(m):
        whole = ga < 0 or g1 in (ga, gb)
        if whole:
            for g2 in range(m):
                lift[g1 * m + g2] = -1e300
        else:
            lift[g1 * m + ga] = -1e300
            lift[g1 * m + gb] = -1e300
        for k in range(member_count[g1]):
            u = members[g1, k]
            if not is_movable[u]:
                continue
            base_u = gain_table[u, g1]
            if whole:
                for g2 in range(m):
                    x = gain_table[u, g2] - base_u
                    if x > lift[g1 * m + g2]:
                        lift[g1 * m + g2] = x
            else:
                x = gain_table[u, ga] - base_u
                if x > lift[g1 * m + ga]:
                    lift[g1 * m + ga] = x
                x = gain_table[u, gb] - base_u
                if x > lift[g1 * m + gb]:
                    lift[g1 * m + gb] = x


@njit(cache=True)
def tabu(
    a: Arrays,
    s: State,
    movable: I64,
    iterations: int,
    tenure: int,
    patience: int,
    tabu_until: I64,
    stale_box: I64,
) -> int:
    """Tabu search for matrix problems: the best non-tabu insert or swap each step.

    Each step scans every feasible insert and swap with the O(1) delta from the gain table; the per-set-pair lifts the
    swap pruning reads are brought up to date after each move (``_refresh_lift``), not rebuilt. Moving a unit out of a
    set forbids moving it back for ``tenure`` (+ random) steps unless that beats the best. After ``patience`` steps
    without a new best (counted across calls in ``stale_box``) it stops, back at the best, with ``stale_box`` at
    ``patience``; the caller restarts it from elsewhere (``perturb``). Returns the steps made.
    """
    m = a.num_sets
    unit_size = a.unit_size
    allowed_row = a.allowed_row
    allowed_mask = a.allowed_mask
    cl_ptr = a.cl_ptr
    cl_idx = a.cl_idx
    size_min = a.size_min
    size_max = a.size_max
    unit_dist = a.unit_dist
    group = s.group
    set_size = s.set_size
    gain_table = s.gain_table
    sums = s.sums
    counters = s.counters
    rng = s.rng
    members = s.members
    member_count = s.member_count
    nm = movable.shape[0]
    is_movable = np.zeros(a.num_units, dtype=np.bool_)
    for iu in range(nm):
        is_movable[movable[iu]] = True
    lift = np.empty(m * m, dtype=np.float64)
    _refresh_lift(s, is_movable, lift, -1, -1)
    open_to = np.empty(m, dtype=np.int64)
    # The swap pruning below assumes distances of at least zero; a negative one (a past-pair penalty, a user's
    # matrix) widens the bound by twice the most negative.
    slack = 0.0
    for iu in range(nm):
        for iv in range(iu + 1, nm):
            d = unit_dist[movable[iu], movable[iv]]
            if -2.0 * d > slack:
                slack = -2.0 * d
    current = sums[S1]
    stale = stale_box[0]
    made = 0
    for _ in range(iterations):
        if stale >= patience:
            break
        made += 1
        counters[ITER] += 1
        step = counters[ITER]
        best_delta = -1e300
        best_u = -1
        best_v = -1
        best_g = -1
        ties = 0
        # Inserts go only to sets with room for one more.
        n_open = 0
        for g in range(m):
            if set_size[g] < size_max[g]:
                open_to[n_open] = g
                n_open += 1
        for iu in range(nm if n_open > 0 else 0):
            u = movable[iu]
            g1 = group[u]
            su = unit_size[u]
            row_u = allowed_row[u]
            base_u = gain_table[u, g1]
            if set_size[g1] - su >= size_min[g1]:
                for k in range(n_open):
                    g2 = open_to[k]
                    if g2 == g1 or set_size[g2] + su > size_max[g2]:
                        continue
                    if row_u >= 0 and allowed_mask[row_u, g2] == 0:
                        continue
                    delta = gain_table[u, g2] - base_u
                    if tabu_until[u * m + g2] > step and current + delta <= sums[BEST] + 1e-9:
                        continue
                    if delta < best_delta:
                        continue
                    clash = False
                    for e in range(cl_ptr[u], cl_ptr[u + 1]):
                        if group[cl_idx[e]] == g2:
                            clash = True
                            break
                    if clash:
                        continue
                    if delta > best_delta:
                        best_delta = delta
                        ties = 1
                    else:
                        ties += 1
                        if _below(rng, ties) != 0:
                            continue
                    best_u = u
                    best_v = -1
                    best_g = g2
        # Swaps, set pair by set pair (g1 < g2). A swap's delta is lift(u: g1 -> g2) + lift(v: g2 -> g1) - 2 d(u, v),
        # at most lift[g1 -> g2] + lift[g2 -> g1] + slack: a pair of sets for which that cannot reach the best delta
        # so far is skipped whole, and within a pair, a unit u with lift(u) + lift[g2 -> g1] + slack below it is
        # skipped with all its partners in g2. Near a local optimum most lifts are well below zero, so most of the
        # n^2 / 2 pairs are never looked at (4.8 times the steps per second at n = 240, docs/benchmarks.md), and
        # most pairs of sets too, so that a step no longer weighs every unit against every other set (units x sets
        # checks: 11,040 at n = 960 in 24 sets, where about 70 led to a partner being weighed).
        for g1 in range(m):
            for g2 in range(g1 + 1, m):
                top_v = lift[g2 * m + g1]
                if lift[g1 * m + g2] + top_v + slack < best_delta:
                    continue
                for k1 in range(member_count[g1]):
                    u = members[g1, k1]
                    if not is_movable[u]:
                        continue
                    su = unit_size[u]
                    row_u = allowed_row[u]
                    base_u = gain_table[u, g1]
                    lift_u = gain_table[u, g2] - base_u
                    if lift_u + top_v + slack < best_delta:
                        continue
                    if row_u >= 0 and allowed_mask[row_u, g2] == 0:
                        continue
                    tabu_u = tabu_until[u * m + g2] > step
                    for k in range(member_count[g2]):
                        v = members[g2, k]
                        if not is_movable[v]:
                            continue
                        delta = lift_u + gain_table[v, g1] - gain_table[v, g2] - 2.0 * unit_dist[u, v]
                        if delta < best_delta:
                            continue
                        if (tabu_u or tabu_until[v * m + g1] > step) and (current + delta <= sums[BEST] + 1e-9):
                            continue
                        sv = unit_size[v]
                        if su != sv:
                            new1 = set_size[g1] - su + sv
                            new2 = set_size[g2] - sv + su
                            if new1 > size_max[g1] or new1 < size_min[g1] or new2 > size_max[g2] or new2 < size_min[g2]:
                                continue
                        row_v = allowed_row[v]
                        if row_v >= 0 and allowed_mask[row_v, g1] == 0:
                            continue
                        clash = False
                        for e in range(cl_ptr[u], cl_ptr[u + 1]):
                            w = cl_idx[e]
                            if w != v and group[w] == g2:
                                clash = True
                                break
                        for e in range(cl_ptr[v], cl_ptr[v + 1]):
                            w = cl_idx[e]
                            if w != u and group[w] == g1:
                                clash = True
                                break
                        if clash:
                            continue
                        if delta > best_delta:
                            best_delta = delta
                            ties = 1
                        else:
                            ties += 1
                            if _below(rng, ties) != 0:
                                continue
                        best_u = u
                        best_v = v
                        best_g = g2
        if best_u >= 0:
            g1 = group[best_u]
            tabu_until[best_u * m + g1] = step + tenure + _below(rng, tenure + 1)
            if best_v >= 0:
                tabu_until[best_v * m + best_g] = step + tenure + _below(rng, tenure + 1)
            _move(a, s, best_u, best_g)
            if best_v >= 0:
                _move(a, s, best_v, g1)
            current = sums[S1]
            _refresh_lift(s, is_movable, lift, g1, best_g)
        if best_u >= 0 and current > sums[BEST] + 1e-9:
            sums[BEST] = current
            s.best_group[:] = group[:]
            stale = 0
        else:
            stale += 1
        if stale >= patience or best_u < 0:
            stale = patience
            group[:] = s.best_group[:]
            rebuild(a, s)
            current = sums[S1]
    stale_box[0] = stale
    return made


@njit(cache=True)
def perturb(a: Arrays, s: State, movable: I64, strength: int) -> None:
    """Make ``strength`` random swaps of equal-sized units that keep every rule (giving up after 20 x ``strength``
    tries). Swaps keep the mix of set sizes; the tabu search that follows weighs every insert at each step."""
    nm = movable.shape[0]
    group = s.group
    unit_size = a.unit_size
    done = 0
    for _t in range(strength * 20):
        if done >= strength:
            break
        u = movable[_below(s.rng, nm)]
        g1 = group[u]
        v = movable[_below(s.rng, nm)]
        g2 = group[v]
        if g1 == g2 or unit_size[u] != unit_size[v]:
            continue
        if not _allowed(a, u, g2) or not _allowed(a, v, g1):
            continue
        if _clash(a, s, u, g2, v) or _clash(a, s, v, g1, u):
            continue
        _move(a, s, u, g2)
        _move(a, s, v, g1)
        done += 1
