"""The problem compiled for the search: people merged into units (a must-link group moves as one), and flat arrays.

The search works on units. A unit's people always share a set, so their pairs form a constant ``internal`` score that
travels with the unit. Constraints become unit-level arrays: allowed-set rows (deduplicated, because most people
share one of a few availability patterns), cannot-link adjacency lists, and a fixed flag for pinned units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .features import Features, build_features, pair_distance
from .problem import Problem

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

MATRIX, ATTRIBUTES = 0, 1


class Arrays(NamedTuple):
    """Everything the compiled search reads and never writes (field order is part of the compiled signature)."""

    mode: int
    num_units: int
    num_sets: int
    unit_size: I64
    allowed_row: I64  # -1: any set; otherwise a row of allowed_mask
    allowed_mask: npt.NDArray[np.uint8]
    cl_ptr: I64
    cl_idx: I64
    size_min: I64
    size_max: I64
    internal: F64
    unit_dist: F64  # units x units in matrix mode, 1 x 1 otherwise
    mem_ptr: I64
    mem_idx: I64
    unit_of: I64
    codes: I64
    cat_w: F64
    numeric: F64
    num_w: F64
    past_ptr: I64
    past_idx: I64
    past_w: F64
    balance: float
    num_values: int


@dataclass
class Compiled:
    arrays: Arrays
    units: list[list[int]]
    unit_allowed: list[frozenset[int] | None]  # None: any set
    unit_pinned: list[int]  # -1: free
    unit_cannot: list[set[int]]
    features: Features | None
    problems: list[str]  # contradictions found while compiling: the input is infeasible


def _csr(lists: list[list[int]]) -> tuple[I64, I64]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    idx = np.array([v for x in lists for v in x], dtype=np.int64)
    return ptr, idx


def compile_problem(problem: Problem) -> Compiled:
    n, m = problem.n, problem.num_sets
    problems: list[str] = []
    unit_of = np.full(n, -1, dtype=np.int64)
    units: list[list[int]] = []
    for group in problem.must_link:
        members = sorted(set(group))
        if len(members) > 1:
            for p in members:
                unit_of[p] = len(units)
            units.append(members)
    for p in range(n):
        if unit_of[p] < 0:
            unit_of[p] = len(units)
            units.append([p])
    num_units = len(units)

    # Units of one availability pattern share one frozenset object: memory grows with the patterns, not with
    # people x sets, and the pattern rows below are found by a hash computed once per pattern.
    unit_allowed: list[frozenset[int] | None] = [None] * num_units

    def restrict(p: int, sets: frozenset[int]) -> None:
        u = int(unit_of[p])
        current = unit_allowed[u]
        unit_allowed[u] = sets if current is None else current & sets
        if not unit_allowed[u]:
            who = f"must-link group {units[u]}" if len(units[u]) > 1 else f"person {p}"
            problems.append(f"{who} has no set they are all allowed to join")

    for p, sets in problem.allowed_sets.items():
        restrict(p, frozenset(sets))
    for pattern in problem.availability:
        shared = frozenset(pattern.sets)
        for p in pattern.people:
            restrict(int(p), shared)
    unit_pinned = [-1] * num_units
    for p, g in sorted(problem.pinned.items()):
        u = int(unit_of[p])
        if unit_pinned[u] >= 0 and unit_pinned[u] != g:
            problems.append(
                f"must-link group {units[u]} has people pinned to different sets ({unit_pinned[u]} and {g})"
            )
        unit_pinned[u] = g
        pin_sets = unit_allowed[u]
        if pin_sets is not None and g not in pin_sets:
            problems.append(f"person {p} is pinned to set {g}, which is not one of their allowed sets")
    unit_cannot: list[set[int]] = [set() for _ in range(num_units)]
    for i, j in problem.cannot_link:
        u, v = int(unit_of[i]), int(unit_of[j])
        if u == v:
            problems.append(f"people {i} and {j} must be kept apart but are in the same must-link group")
        else:
            unit_cannot[u].add(v)
            unit_cannot[v].add(u)

    patterns: dict[frozenset[int], int] = {}
    allowed_row = np.full(num_units, -1, dtype=np.int64)
    for u, unit_sets in enumerate(unit_allowed):
        pin = unit_pinned[u]
        key = frozenset([pin]) if pin >= 0 else unit_sets
        if key is not None and len(key) < m:
            allowed_row[u] = patterns.setdefault(key, len(patterns))
    mask = np.zeros((max(len(patterns), 1), m), dtype=np.uint8)
    for key, row in patterns.items():
        mask[row, sorted(key)] = 1

    unit_size = np.array([len(x) for x in units], dtype=np.int64)
    cl_ptr, cl_idx = _csr([sorted(x) for x in unit_cannot])
    mem_ptr, mem_idx = _csr(units)
    penalty = problem.past_pair_penalty
    internal = np.zeros(num_units, dtype=np.float64)
    features: Features | None = None
    if problem.distances is not None:
        mode = MATRIX
        d = np.array(problem.distances, dtype=np.float64)
        if penalty > 0:
            for i, j in problem.past_pairs:
                d[i, j] -= penalty
                d[j, i] -= penalty
        np.fill_diagonal(d, 0.0)
        if num_units == n and all(len(x) == 1 for x in units) and np.array_equal(unit_of, np.arange(n)):
            unit_dist = d
        else:
            indicator = np.zeros((n, num_units), dtype=np.float64)
            indicator[np.arange(n), unit_of] = 1.0
            unit_dist = indicator.T @ d @ indicator
            internal = np.diag(unit_dist).copy() / 2.0
            np.fill_diagonal(unit_dist, 0.0)
        codes = np.zeros((n, 0), dtype=np.int64)
        cat_w = np.zeros(0)
        numeric = np.zeros((n, 0))
        num_w = np.zeros(0)
        num_values = 1
    else:
        mode = ATTRIBUTES
        features = build_features(problem)
        unit_dist = np.zeros((1, 1))
        codes, cat_w, numeric, num_w = features.codes, features.cat_weights, features.numeric, features.num_weights
        num_values = max(features.num_values, 1)
        past_in_unit: dict[int, float] = {}
        if penalty > 0:
            for i, j in problem.past_pairs:
                if unit_of[i] == unit_of[j]:
                    past_in_unit[int(unit_of[i])] = past_in_unit.get(int(unit_of[i]), 0.0) + penalty
        for u, members in enumerate(units):
            if len(members) > 1:
                internal[u] = sum(
                    pair_distance(features, a, b) for k, a in enumerate(members) for b in members[k + 1 :]
                ) - past_in_unit.get(u, 0.0)
    past: list[list[int]] = [[] for _ in range(n)]
    if mode == ATTRIBUTES and penalty > 0:
        for i, j in problem.past_pairs:
            past[i].append(j)
            past[j].append(i)
    past_ptr, past_idx = _csr(past)
    past_w = np.full(len(past_idx), penalty, dtype=np.float64)

    arrays = Arrays(
        mode=mode,
        num_units=num_units,
        num_sets=m,
        unit_size=unit_size,
        allowed_row=allowed_row,
        allowed_mask=mask,
        cl_ptr=cl_ptr,
        cl_idx=cl_idx,
        size_min=np.array([lo for lo, _ in problem.set_sizes], dtype=np.int64),
        size_max=np.array([hi for _, hi in problem.set_sizes], dtype=np.int64),
        internal=internal,
        unit_dist=np.ascontiguousarray(unit_dist),
        mem_ptr=mem_ptr,
        mem_idx=mem_idx,
        unit_of=unit_of,
        codes=np.ascontiguousarray(codes),
        cat_w=cat_w,
        numeric=np.ascontiguousarray(numeric),
        num_w=num_w,
        past_ptr=past_ptr,
        past_idx=past_idx,
        past_w=past_w,
        balance=float(problem.balance),
        num_values=num_values,
    )
    return Compiled(arrays, units, unit_allowed, unit_pinned, unit_cannot, features, problems)
