"""Exact solutions of small problems with CP-SAT: the best assignment, proven optimal, or nothing.

One boolean per (unit, allowed set) and one per (pair of units, set) that is true when both are in it, so the
objective is linear: the sum of the pairs' dissimilarities. It is used only when it can be exact: the dissimilarities
must become integers when multiplied by a power of ten (up to 10^6), and the even-quality option (``balance``) is
not linear, so such problems are left to the search. Sets with the same size limits that no rule tells apart are
interchangeable; the model orders them by their lowest member to cut that symmetry.

Measured on MDGPLIB (single worker): the n = 10 instances are proven within a fraction of a second, the n = 12 ones
take several seconds, so it is only tried on problems of at most ``MAX_UNITS`` units.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from . import kernel
from .model import Compiled

MAX_UNITS = 10
MAX_SCALE_DIGITS = 6


def _integer_scale(weights: list[float]) -> int | None:
    for digits in range(MAX_SCALE_DIGITS + 1):
        scale = 10**digits
        if all(abs(w * scale - round(w * scale)) <= 1e-9 * max(1.0, abs(w * scale)) for w in weights):
            return scale
    return None


def eligible(c: Compiled) -> bool:
    a = c.arrays
    return a.num_units <= MAX_UNITS and a.balance <= 0.0 and a.num_sets > 1


def solve_exact(
    c: Compiled, time_limit: float, seed: int, *, deterministic: bool = False, wall: float | None = None
) -> npt.NDArray[np.int64] | None:
    """The units' sets in a proven optimal assignment, or None (not proven within ``time_limit``, or not exact).

    ``deterministic``: ``time_limit`` is counted on CP-SAT's deterministic clock, so whether a proof comes does not
    depend on the machine's load (a run with an iterations budget must give the same answer every time); ``wall``
    seconds remain a hard stop."""
    a = c.arrays
    n, m = a.num_units, a.num_sets
    pairs = list(itertools.combinations(range(n), 2))
    weights = [float(kernel.pair(a, u, v)) for u, v in pairs]
    scale = _integer_scale(weights)
    if scale is None or time_limit <= 0:
        return None
    allowed: list[list[int]] = []
    for u in range(n):
        if c.unit_pinned[u] >= 0:
            allowed.append([c.unit_pinned[u]])
        elif c.unit_allowed[u] is not None:
            allowed.append(sorted(c.unit_allowed[u] or ()))
        else:
            allowed.append(list(range(m)))
    model = cp_model.CpModel()
    x = {(u, g): model.new_bool_var(f"x{u}_{g}") for u in range(n) for g in allowed[u]}
    for u in range(n):
        model.add_exactly_one(x[u, g] for g in allowed[u])
    for g in range(m):
        inside = [u for u in range(n) if (u, g) in x]
        load = cp_model.LinearExpr.weighted_sum([x[u, g] for u in inside], [int(a.unit_size[u]) for u in inside])
        model.add_linear_constraint(load, int(a.size_min[g]), int(a.size_max[g]))
    for u in range(n):
        for w in c.unit_cannot[u]:
            if u < w:
                for g in allowed[u]:
                    if (w, g) in x:
                        model.add_bool_or([x[u, g].negated(), x[w, g].negated()])
    terms: list[cp_model.IntVar] = []
    coefficients: list[int] = []
    for (u, v), weight in zip(pairs, weights, strict=True):
        coefficient = round(weight * scale)
        if coefficient == 0:
            continue
        for g in allowed[u]:
            if (v, g) not in x:
                continue
            both = model.new_bool_var(f"y{u}_{v}_{g}")
            if coefficient > 0:
                model.add_implication(both, x[u, g])
                model.add_implication(both, x[v, g])
            else:
                model.add_bool_or([x[u, g].negated(), x[v, g].negated(), both])
            terms.append(both)
            coefficients.append(coefficient)
    if all(len(choices) == m for choices in allowed):
        for g in range(m - 1):
            if a.size_min[g] == a.size_min[g + 1] and a.size_max[g] == a.size_max[g + 1]:
                for u in range(n):
                    model.add(x[u, g + 1] <= sum(x[v, g] for v in range(u)))
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, coefficients))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if deterministic:
        solver.parameters.max_deterministic_time = time_limit
        solver.parameters.max_time_in_seconds = max(wall if wall is not None else time_limit, 0.01)
    else:
        solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    group = np.zeros(n, dtype=np.int64)
    for (u, g), var in x.items():
        if solver.value(var):
            group[u] = g
    return group
