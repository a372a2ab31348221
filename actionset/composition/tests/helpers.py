"""Independent reference implementations for the tests: distances straight from the attribute definitions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import cast

from actionset.composition import Attribute, Problem


def naive_distance(problem: Problem, i: int, j: int) -> float:
    if problem.distances is not None:
        return float(problem.distances[i][j])
    total = 0.0
    for a in problem.attributes:
        x, y = a.values[i], a.values[j]
        if a.kind == "categorical":
            total += a.weight * (x != y)
        elif a.kind == "ordinal":
            if a.levels is not None:
                total += a.weight * abs(list(a.levels).index(x) - list(a.levels).index(y)) / max(len(a.levels) - 1, 1)
            else:
                ranks = [float(v) for v in a.values]  # type: ignore[arg-type]
                spread = (max(ranks) - min(ranks)) or 1.0
                total += a.weight * abs(float(x) - float(y)) / spread  # type: ignore[arg-type]
        elif a.kind == "numeric":
            values = [float(v) for v in a.values]  # type: ignore[arg-type]
            spread = max(values) - min(values)
            total += a.weight * (abs(float(x) - float(y)) / spread if spread else 0.0)  # type: ignore[arg-type]
        else:
            px, py = tuple(cast(Sequence[object], x)), tuple(cast(Sequence[object], y))
            common = 0
            while common < len(px) and px[common] == py[common]:
                common += 1
            total += a.weight * (len(px) - common) / len(px)
    return total


def naive_objective(problem: Problem, assignment: Sequence[int]) -> float:
    total = 0.0
    for i, j in itertools.combinations(range(problem.n), 2):
        if assignment[i] == assignment[j]:
            total += naive_distance(problem, i, j)
    for i, j in problem.past_pairs:
        if assignment[i] == assignment[j]:
            total -= problem.past_pair_penalty
    return total


def naive_feasible(problem: Problem, assignment: Sequence[int]) -> bool:
    m = problem.num_sets
    sizes = [0] * m
    for g in assignment:
        sizes[g] += 1
    if any(not lo <= sizes[g] <= hi for g, (lo, hi) in enumerate(problem.set_sizes)):
        return False
    if any(assignment[i] == assignment[j] for i, j in problem.cannot_link):
        return False
    if any(len({assignment[p] for p in group}) > 1 for group in problem.must_link):
        return False
    if any((allowed := problem.allowed(p)) is not None and assignment[p] not in allowed for p in range(problem.n)):
        return False
    return all(assignment[p] == g for p, g in problem.pinned.items())


def all_assignments(problem: Problem) -> Iterator[tuple[int, ...]]:
    return itertools.product(range(problem.num_sets), repeat=problem.n)


def brute_force_best(problem: Problem) -> float | None:
    best: float | None = None
    for assignment in all_assignments(problem):
        if naive_feasible(problem, assignment):
            value = naive_objective(problem, assignment)
            best = value if best is None else max(best, value)
    return best


def team(n: int = 8) -> list[Attribute]:
    departments = ["HR", "Ops", "Sales", "IT"]
    return [
        Attribute("department", "categorical", [departments[p % 4] for p in range(n)], weight=2.0),
        Attribute("grade", "ordinal", ["ABCD"[(p * 3) % 4] for p in range(n)], levels=list("ABCD")),
        Attribute("years", "numeric", [float((p * 7) % 11) for p in range(n)], weight=0.5),
        Attribute("site", "hierarchical", [("North" if p % 3 else "South", f"s{p % 5}") for p in range(n)]),
    ]
