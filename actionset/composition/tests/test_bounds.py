"""The attribute bound for mixed set sizes: never below the true optimum (every assignment of small problems tried),
never looser than the bound before issue #22's work, and exact where its derivation says it is."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from actionset.composition import Attribute, Problem
from actionset.composition.bounds import attribute_bound, independent_attribute_bound
from actionset.composition.features import build_features

from .helpers import naive_distance

# (people, sets, smallest size, largest size): several mixes of sizes each, small enough to try every assignment.
SHAPES = [(12, 2, 5, 7), (12, 3, 3, 5), (11, 3, 3, 5), (10, 4, 2, 3), (9, 3, 2, 4), (12, 3, 2, 6)]


def optimum(problem: Problem) -> float:
    """The best objective over every assignment that keeps the size limits (person 0 in set 0: the sets are alike)."""
    n, m = problem.n, problem.num_sets
    lo, hi = problem.set_sizes[0]
    rest = np.array(list(itertools.product(range(m), repeat=n - 1)), dtype=np.int8)
    assignments = np.hstack([np.zeros((len(rest), 1), dtype=np.int8), rest])
    sizes = np.stack([(assignments == g).sum(axis=1) for g in range(m)], axis=1)
    assignments = assignments[((sizes >= lo) & (sizes <= hi)).all(axis=1)]
    pairs = list(itertools.combinations(range(n), 2))
    distance = np.array([naive_distance(problem, i, j) for i, j in pairs])
    best = 0.0
    for chunk in range(0, len(assignments), 20_000):
        part = assignments[chunk : chunk + 20_000]
        together = np.stack([part[:, i] == part[:, j] for i, j in pairs], axis=1)
        best = max(best, float((together @ distance).max()))
    return best


def skewed(rng: random.Random, n: int, values: str, weights: list[int]) -> list[str]:
    return rng.choices(list(values), weights=weights, k=n)


def attribute_problem(seed: int, shape: tuple[int, int, int, int]) -> Problem:
    n, m, lo, hi = shape
    rng = random.Random(seed)
    return Problem(
        n=n,
        set_sizes=[(lo, hi)] * m,
        attributes=[
            Attribute("gender", "categorical", skewed(rng, n, "wmx", [51, 47, 4]), weight=1.0),
            Attribute("department", "categorical", skewed(rng, n, "abcde", [8, 4, 2, 1, 1]), weight=2.0),
            Attribute(
                "site",
                "hierarchical",
                [(r, f"{r}{rng.randrange(2)}") for r in skewed(rng, n, "NS", [3, 1])],
                weight=1.0,
            ),
            Attribute("grade", "ordinal", skewed(rng, n, "ABCD", [1, 2, 3, 6]), weight=1.0, levels=list("ABCD")),
            Attribute("years", "numeric", [round(rng.expovariate(1 / 7), 1) for _ in range(n)], weight=0.5),
        ],
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_the_bound_is_never_below_the_optimum_nor_looser_than_before(shape: tuple[int, int, int, int]) -> None:
    for seed in range(3):
        problem = attribute_problem(seed, shape)
        features = build_features(problem)
        bound = attribute_bound(problem, features)
        before = independent_attribute_bound(problem, features)
        assert bound is not None
        assert before is not None
        assert optimum(problem) <= bound + 1e-9
        assert bound <= before + 1e-9


@pytest.mark.parametrize("shape", SHAPES)
def test_for_one_categorical_attribute_the_bound_is_the_optimum(shape: tuple[int, int, int, int]) -> None:
    """With one categorical attribute nothing else competes for the people, and the dual is exact (module docstring):
    the bound must be reached, for every mix of sizes, however unequal the values' counts."""
    n, m, lo, hi = shape
    for seed in range(4):
        rng = random.Random(100 + seed)
        values = skewed(rng, n, "abc", [rng.randint(1, 9) for _ in range(3)])
        problem = Problem(n=n, set_sizes=[(lo, hi)] * m, attributes=[Attribute("a", "categorical", values)])
        bound = attribute_bound(problem, build_features(problem))
        assert bound == pytest.approx(optimum(problem), abs=1e-9)


def test_unequal_set_sizes_tighten_the_bound_on_a_value_most_people_share() -> None:
    """Two sets of 5 and 7 (the mix with the most pairs): 8 people of one value and 4 of another. Spread evenly over
    two sets regardless of size the 8 would make 2 x C(4, 2) = 12 same-value pairs, the 4 make 2: 14, and the bound
    was 31 - 14 = 17 pairs apart. But a set of 5 holds at most 5: the best is 3 + 2 in one and 5 + 2 in the other
    (3 + 1 + 10 + 1 = 15 pairs alike), or 4 + 1 and 4 + 3 (6 + 0 + 6 + 3 = 15) - 16 apart; and with two sets of 6,
    4 + 2 twice: 2 x (6 + 1) = 14 alike of 30, 16 apart. The optimum is 16."""
    values = ["a"] * 8 + ["b"] * 4
    problem = Problem(n=12, set_sizes=[(5, 7)] * 2, attributes=[Attribute("a", "categorical", values)])
    features = build_features(problem)
    assert independent_attribute_bound(problem, features) == pytest.approx(17.0)
    assert attribute_bound(problem, features) == pytest.approx(16.0)
    assert optimum(problem) == pytest.approx(16.0)
