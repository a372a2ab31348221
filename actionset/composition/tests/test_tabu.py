"""A tabu step makes the best move there is: skipping the pairs of sets and the units that the lifts show cannot beat
the best move so far must never skip the best one (checked against every insert and swap, weighed from scratch)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from actionset.composition import Problem, kernel
from actionset.composition.model import compile_problem

from .helpers import naive_objective


def best_move_gain(problem: Problem, group: list[int]) -> float:
    """The largest change of the objective any single insert or swap within the size limits makes."""
    sizes = np.bincount(group, minlength=problem.num_sets)
    before = naive_objective(problem, group)
    best = -np.inf
    for u in range(problem.n):
        for g in range(problem.num_sets):
            g1 = group[u]
            if g == g1 or sizes[g] + 1 > problem.set_sizes[g][1] or sizes[g1] - 1 < problem.set_sizes[g1][0]:
                continue
            moved = list(group)
            moved[u] = g
            best = max(best, naive_objective(problem, moved) - before)
    for u, v in itertools.combinations(range(problem.n), 2):
        if group[u] != group[v]:
            swapped = list(group)
            swapped[u], swapped[v] = group[v], group[u]
            best = max(best, naive_objective(problem, swapped) - before)
    return float(best)


@pytest.mark.parametrize("seed", range(12))
def test_each_tabu_step_makes_the_best_insert_or_swap(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(9, 16)), int(rng.integers(2, 5))
    lo = n // m - int(rng.integers(0, 2))
    hi = -(-n // m) + int(rng.integers(0, 2))
    d = rng.integers(0, 50, (n, n)).astype(float)
    problem = Problem(n=n, set_sizes=[(lo, hi)] * m, distances=np.triu(d, 1) + np.triu(d, 1).T)
    a = compile_problem(problem).arrays
    group = np.array([p % m for p in range(n)], dtype=np.int64)
    rng.shuffle(group)
    state = kernel.new_state(a, group, seed)
    movable = np.arange(n, dtype=np.int64)
    tabu_until = np.zeros(n * m, dtype=np.int64)
    # Several steps from the same start: the first ones climb, the later ones must take the least bad move.
    for _ in range(6):
        before = state.group.tolist()
        expected = best_move_gain(problem, before)
        tabu_until[:] = 0
        made = kernel.tabu(a, state, movable, 1, 5, 1 << 40, tabu_until, np.zeros(1, dtype=np.int64))
        assert made == 1
        after = state.group.tolist()
        assert naive_objective(problem, after) - naive_objective(problem, before) == pytest.approx(expected)
