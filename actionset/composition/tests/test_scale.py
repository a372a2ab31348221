"""At a whole organisation's size the engine's data structures grow with people and patterns, never people x sets.

These measure sizes (bytes held, set numbers stored), not time: the time limit is the benchmark's business.
"""

import itertools
import random
import tracemalloc

import numpy as np

from actionset.composition import Attribute, Availability, Problem, equal_sets
from actionset.composition.bounds import _size_mixes
from actionset.composition.feasibility import find_start
from actionset.composition.model import compile_problem

N = 100_000
DAYS = 5


def organisation(n: int) -> Problem:
    """n people in sets of 5 to 7 meeting on one of five days; 15 % cannot make one or two of the days."""
    rng = random.Random(0)
    sizes = equal_sets(n, 5, 7)
    m = len(sizes)
    blocked: dict[frozenset[int], list[int]] = {}
    for p in rng.sample(range(n), int(0.15 * n)):
        blocked.setdefault(frozenset(rng.sample(range(DAYS), rng.choice([1, 1, 2]))), []).append(p)
    availability = [
        Availability(sets=[g for g in range(m) if g % DAYS not in days], people=people)
        for days, people in blocked.items()
    ]
    restricted = {p for people in blocked.values() for p in people}
    departments = [f"d{rng.randrange(12)}" for _ in range(n)]
    years = [rng.random() * 40 for _ in range(n)]
    return Problem(
        n=n,
        set_sizes=sizes,
        attributes=[
            Attribute("department", "categorical", departments, weight=2.0),
            Attribute("years", "numeric", years, weight=0.5),
        ],
        cannot_link=[(p, (p - 1) // 6) for p in range(1, n)],
        availability=availability,
        pinned={p: p % m for p in range(0, n, 400) if p not in restricted},
    )


def test_availability_for_100000_people_is_held_as_patterns_not_people_by_sets() -> None:
    problem = organisation(N)
    m = problem.num_sets
    restricted = sum(len(pattern.people) for pattern in problem.availability)
    assert restricted == 15_000
    # The problem itself: each pattern's sets once, then its people.
    stored = sum(len(pattern.sets) + len(pattern.people) for pattern in problem.availability)
    assert stored < 300_000  # people x sets would be about 15,000 x 12,000 = 180 million

    tracemalloc.start()
    try:
        compiled = compile_problem(problem)
        start = find_start(compiled, 1, 60.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert start.group is not None, start.explanation
    a = compiled.arrays
    # One row per distinct pattern (the 15 combinations of blocked days, and a set of one for each pin).
    assert a.allowed_mask.shape[0] <= 15 + len(problem.pinned)
    assert a.allowed_mask.shape[1] == m
    held = sum(value.nbytes for value in a if isinstance(value, np.ndarray))
    assert held < 64 * 2**20, f"{held / 2**20:.0f} MiB in the search's arrays"
    # Every unit of one pattern shares that pattern's set of sets rather than holding a copy.
    assert len({id(sets) for sets in compiled.unit_allowed if sets is not None}) <= 15
    # Python objects made while compiling and finding a start: per person, never per person and set.
    assert peak < 400 * 2**20, f"{peak / 2**20:.0f} MiB at the peak"


def test_size_mixes_are_every_mix_and_only_those() -> None:
    for lo, hi, m, n in [(5, 7, 10, 60), (1, 4, 5, 12), (0, 3, 4, 6), (3, 6, 6, 25), (2, 5, 5, 11), (4, 4, 3, 12)]:
        sizes = list(range(lo, hi + 1))
        expected = sorted(
            tuple(zip(sizes, counts, strict=True))
            for counts in itertools.product(range(m + 1), repeat=len(sizes))
            if sum(counts) == m and sum(c * s for c, s in zip(counts, sizes, strict=True)) == n
        )
        assert sorted(tuple(sorted(mix.items())) for mix in _size_mixes(lo, hi, m, n)) == expected
