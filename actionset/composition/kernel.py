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
# counters: [iterations, iterations into this cycle, pending best (0/1), accepted moves]
S1, S2, TEMP, BEST = 0, 1, 2, 3
ITER, CYCLE_ITER, PENDING, ACCEPTED = 0, 1, 2, 3


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
        counters=np.zeros(4, dtype=np.int64),
        rng=rng,
        best_group=group.astype(np.int64).copy(),
    )
    rebuild(a, state)
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
def _below(rng: npt.NDArray[np.uint64], k: int) -> int:
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


@njit(cache=True)
def _propose(
    a: Arrays, s: State, movable: I64, p_insert: float
) -> tuple[bool, int, int, int, float]:
    """A random feasible move and the change it makes to the objective: (ok, u, v or -1, target set, delta)."""
    nm = movable.shape[0]
    u = movable[_below(s.rng, nm)]
    g1 = s.group[u]
    su = a.unit_size[u]
    if _uniform(s.rng) < p_insert:
        g2 = _below(s.rng, a.num_sets - 1)
        if g2 >= g1:
            g2 += 1
        if s.set_size[g2] + su > a.size_max[g2] or s.set_size[g1] - su < a.size_min[g1]:
            return False, u, -1, g2, 0.0
        if not _allowed(a, u, g2) or _clash(a, s, u, g2, -1):
            return False, u, -1, g2, 0.0
        out = gain(a, s, u, g1)
        into = gain(a, s, u, g2)
        delta = into - out
        if a.balance > 0.0:
            new1 = s.score[g1] - out - a.internal[u]
            new2 = s.score[g2] + into + a.internal[u]
            delta = _balance_delta(a, s, g1, g2, new1, new2)
        return True, u, -1, g2, delta
    v = movable[_below(s.rng, nm)]
    g2 = s.group[v]
    if g1 == g2:
        return False, u, v, g2, 0.0
    sv = a.unit_size[v]
    if su != sv:
        if s.set_size[g1] - su + sv > a.size_max[g1] or s.set_size[g1] - su + sv < a.size_min[g1]:
            return False, u, v, g2, 0.0
        if s.set_size[g2] - sv + su > a.size_max[g2] or s.set_size[g2] - sv + su < a.size_min[g2]:
            return False, u, v, g2, 0.0
    if not _allowed(a, u, g2) or not _allowed(a, v, g1):
        return False, u, v, g2, 0.0
    if _clash(a, s, u, g2, v) or _clash(a, s, v, g1, u):
        return False, u, v, g2, 0.0
    duv = pair(a, u, v)
    u1 = gain(a, s, u, g1)
    u2 = gain(a, s, u, g2)
    v1 = gain(a, s, v, g1)
    v2 = gain(a, s, v, g2)
    delta = u2 - u1 + v1 - v2 - 2.0 * duv
    if a.balance > 0.0:
        new1 = s.score[g1] - u1 - a.internal[u] + v1 - duv + a.internal[v]
        new2 = s.score[g2] - v2 - a.internal[v] + u2 - duv + a.internal[u]
        delta = _balance_delta(a, s, g1, g2, new1, new2)
    return True, u, v, g2, delta


@njit(cache=True)
def _balance_delta(a: Arrays, s: State, g1: int, g2: int, new1: float, new2: float) -> float:
    old1 = s.score[g1]
    old2 = s.score[g2]
    s1 = s.sums[S1] + new1 - old1 + new2 - old2
    s2 = s.sums[S2] + new1 * new1 - old1 * old1 + new2 * new2 - old2 * old2
    before = _balanced(a.balance, a.num_sets, s.sums[S1], s.sums[S2])
    return _balanced(a.balance, a.num_sets, s1, s2) - before


@njit(cache=True)
def sample_worsening(a: Arrays, s: State, movable: I64, p_insert: float, tries: int) -> tuple[float, int]:
    """Mean size of the worsening feasible moves among ``tries`` random proposals, and how many were feasible."""
    total = 0.0
    count = 0
    feasible = 0
    for _ in range(tries):
        ok, _u, _v, _g, delta = _propose(a, s, movable, p_insert)
        if ok:
            feasible += 1
            if delta < 0.0:
                total -= delta
                count += 1
    return (total / count if count > 0 else 0.0), feasible


@njit(cache=True)
def _keep_best(s: State) -> None:
    if s.counters[PENDING] != 0:
        s.best_group[:] = s.group[:]
        s.counters[PENDING] = 0


@njit(cache=True)
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
    current = objective(a, s)
    for _ in range(iterations):
        if s.counters[CYCLE_ITER] >= cycle_length:
            _keep_best(s)
            s.group[:] = s.best_group[:]
            rebuild(a, s)
            current = objective(a, s)
            s.sums[TEMP] = t_start
            s.counters[CYCLE_ITER] = 0
        s.counters[CYCLE_ITER] += 1
        s.counters[ITER] += 1
        s.sums[TEMP] *= cooling
        ok, u, v, g2, delta = _propose(a, s, movable, p_insert)
        if not ok:
            continue
        if delta < 0.0:
            t = s.sums[TEMP]
            if t <= 0.0 or _uniform(s.rng) >= math.exp(delta / t):
                continue
            _keep_best(s)
        g1 = s.group[u]
        _move(a, s, u, g2)
        if v >= 0:
            _move(a, s, v, g1)
        s.counters[ACCEPTED] += 1
        current += delta
        if current > s.sums[BEST] + 1e-9:
            s.sums[BEST] = current
            s.counters[PENDING] = 1
    _keep_best(s)
