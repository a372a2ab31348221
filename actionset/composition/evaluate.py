"""Score and check an assignment from first principles, independently of the search.

The search keeps incremental sums; this module recomputes everything pair by pair, so it is both the check on the search
and what a designer's hand edits are scored with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .features import Features, build_features
from .problem import Problem


@dataclass(frozen=True)
class Evaluation:
    objective: float
    set_scores: list[float]
    violations: list[str]


def balanced_objective(set_scores: Sequence[float], balance: float) -> float:
    total = float(sum(set_scores))
    if balance <= 0 or not set_scores:
        return total
    return total - balance * len(set_scores) * float(np.std(np.asarray(set_scores, dtype=np.float64)))


def check_constraints(problem: Problem, assignment: Sequence[int]) -> list[str]:
    n, m = problem.n, problem.num_sets
    if len(assignment) != n:
        return [f"assignment has {len(assignment)} entries for {n} people"]
    bad = [p for p, g in enumerate(assignment) if not 0 <= g < m]
    if bad:
        return [f"person {p} is in set {assignment[p]}, which does not exist" for p in bad]
    out: list[str] = []
    sizes = np.bincount(np.asarray(assignment, dtype=np.int64), minlength=m)
    for g, (lo, hi) in enumerate(problem.set_sizes):
        if not lo <= sizes[g] <= hi:
            out.append(f"set {g} has {sizes[g]} people, outside {lo}..{hi}")
    for i, j in problem.cannot_link:
        if assignment[i] == assignment[j]:
            out.append(f"people {i} and {j} must be kept apart but are both in set {assignment[i]}")
    for group in problem.must_link:
        if len({assignment[p] for p in group}) > 1:
            out.append(f"must-link group {sorted(group)} is split across sets")
    for p, sets in problem.allowed_sets.items():
        if assignment[p] not in sets:
            out.append(f"person {p} is in set {assignment[p]}, not one of their allowed sets {sorted(sets)}")
    groups = np.asarray(assignment, dtype=np.int64)
    for pattern in problem.availability:
        # One mask per pattern and one vectorised look-up for its people: never a scan of each person's sets.
        allowed = np.zeros(m, dtype=bool)
        allowed[np.asarray(pattern.sets, dtype=np.int64)] = True
        people = np.asarray(pattern.people, dtype=np.int64)
        for p in people[~allowed[groups[people]]].tolist():
            out.append(f"person {p} is in set {assignment[p]}, not one of their allowed sets {sorted(pattern.sets)}")
    for p, g in problem.pinned.items():
        if assignment[p] != g:
            out.append(f"person {p} is pinned to set {g} but is in set {assignment[p]}")
    return out


def _set_diversity(problem: Problem, features: Features | None, members: np.ndarray) -> float:
    if len(members) < 2:
        return 0.0
    if problem.distances is not None:
        return float(problem.distances[np.ix_(members, members)].sum()) / 2.0
    assert features is not None
    codes = features.codes[members]
    differs = codes[:, None, :] != codes[None, :, :]
    cat = float(np.sum(differs * features.cat_weights))
    x = features.numeric[members]
    num = float(np.sum(np.abs(x[:, None, :] - x[None, :, :]) * features.num_weights))
    return (cat + num) / 2.0


def evaluate(problem: Problem, assignment: Sequence[int], features: Features | None = None) -> Evaluation:
    """Objective, each set's score and every broken rule of ``assignment`` (``assignment[p]`` is person p's set)."""
    violations = check_constraints(problem, assignment)
    if len(assignment) != problem.n or any(not 0 <= g < problem.num_sets for g in assignment):
        return Evaluation(objective=float("nan"), set_scores=[], violations=violations)
    if problem.distances is None and features is None:
        features = build_features(problem)
    groups = np.asarray(assignment, dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(problem.num_sets + 1))
    scores = [_set_diversity(problem, features, order[bounds[g] : bounds[g + 1]]) for g in range(problem.num_sets)]
    if problem.past_pair_penalty > 0:
        for i, j in problem.past_pairs:
            if assignment[i] == assignment[j]:
                scores[assignment[i]] -= problem.past_pair_penalty
    return Evaluation(objective=balanced_objective(scores, problem.balance), set_scores=scores, violations=violations)
