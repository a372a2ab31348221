"""The engine's input: people (by index 0..n-1), how different they are, and the rules a composition must keep."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

AttributeKind = Literal["categorical", "ordinal", "numeric", "hierarchical"]
ATTRIBUTE_KINDS: tuple[AttributeKind, ...] = ("categorical", "ordinal", "numeric", "hierarchical")


@dataclass(frozen=True)
class Attribute:
    """One way in which people differ, with its weight in the objective.

    - ``categorical``: values are labels; two people differ by 1 when their labels differ.
    - ``ordinal``: values are labels listed in ``levels`` (lowest first) or integer ranks; two people differ by the
      gap in rank divided by the widest possible gap.
    - ``numeric``: values are numbers; two people differ by the gap divided by the population's range.
    - ``hierarchical``: values are paths from the coarsest level down, e.g. ``("North", "Leeds")``; two people differ by
      the share of levels below their deepest common one (same site 0, same region 0.5, otherwise 1).
    """

    name: str
    kind: AttributeKind
    values: Sequence[object]
    weight: float = 1.0
    levels: Sequence[Hashable] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ATTRIBUTE_KINDS:
            raise ValueError(f"attribute {self.name!r}: unknown kind {self.kind!r}")
        if self.weight < 0:
            raise ValueError(f"attribute {self.name!r}: weight must not be negative")


@dataclass(frozen=True)
class Availability:
    """An availability pattern: ``people`` may only join ``sets``.

    Most people who cannot make every meeting share one of a few patterns (the days they cannot come), so a problem
    lists each pattern once with its people, never each person with their sets: at 100,000 people of whom 15 % are
    restricted to most of 16,667 sets, per-person lists held 200 million set numbers; patterns hold a few hundred
    thousand.
    """

    sets: Sequence[int]
    people: Sequence[int]


@dataclass(frozen=True)
class Problem:
    """A composition problem: ``n`` people to place in ``len(set_sizes)`` sets.

    Give either ``distances`` (a symmetric n x n matrix, for benchmark instances and small problems) or
    ``attributes`` (any number of :class:`Attribute`; the engine never builds an n x n matrix from them).
    ``set_sizes[g]`` is the (minimum, maximum) number of people in set g. ``availability`` lists patterns of sets that
    groups of people may join; ``allowed_sets`` maps a person to the sets they may join, for a few people (a person
    in both may join only the sets in both; people in neither may join any). ``pinned`` maps a person to the set they
    must stay in. ``past_pairs`` lists pairs who were in a set together before: each costs ``past_pair_penalty`` when
    they meet again. ``balance`` > 0 trades total diversity for even sets: the search maximises
    ``sum(set_scores) - balance * len(set_sizes) * stdev(set_scores)``.
    """

    n: int
    set_sizes: Sequence[tuple[int, int]]
    distances: npt.NDArray[np.float64] | None = None
    attributes: Sequence[Attribute] = ()
    cannot_link: Sequence[tuple[int, int]] = ()
    must_link: Sequence[Sequence[int]] = ()
    allowed_sets: Mapping[int, Sequence[int]] = field(default_factory=dict)
    availability: Sequence[Availability] = ()
    pinned: Mapping[int, int] = field(default_factory=dict)
    past_pairs: Sequence[tuple[int, int]] = ()
    past_pair_penalty: float = 0.0
    balance: float = 0.0

    def __post_init__(self) -> None:
        n, m = self.n, len(self.set_sizes)
        if n < 0 or m == 0:
            raise ValueError("a problem needs at least one set")
        if (self.distances is None) == (not self.attributes):
            raise ValueError("give either a distance matrix or attributes, not both and not neither")
        if self.distances is not None:
            d = self.distances
            if d.shape != (n, n):
                raise ValueError(f"distance matrix must be {n} x {n}, got {d.shape}")
            if not np.allclose(d, d.T):
                raise ValueError("distance matrix must be symmetric")
        for a in self.attributes:
            if len(a.values) != n:
                raise ValueError(f"attribute {a.name!r} has {len(a.values)} values for {n} people")

        def person(p: int, what: str) -> None:
            if not 0 <= p < n:
                raise ValueError(f"{what}: person {p} is not in 0..{n - 1}")

        def set_index(g: int, what: str) -> None:
            if not 0 <= g < m:
                raise ValueError(f"{what}: set {g} is not in 0..{m - 1}")

        for i, j in list(self.cannot_link) + list(self.past_pairs):
            person(i, "pair")
            person(j, "pair")
            if i == j:
                raise ValueError(f"pair ({i}, {j}) names the same person twice")
        seen: dict[int, int] = {}
        for k, group in enumerate(self.must_link):
            for p in group:
                person(p, "must-link group")
                if p in seen and seen[p] != k:
                    raise ValueError(f"person {p} is in two must-link groups; merge them")
                seen[p] = k
        for p, sets in self.allowed_sets.items():
            person(p, "allowed sets")
            for g in sets:
                set_index(g, f"allowed sets of person {p}")
        for k, pattern in enumerate(self.availability):
            for g in pattern.sets:
                set_index(g, f"availability pattern {k}")
            for p in pattern.people:
                person(p, f"availability pattern {k}")
        for p, g in self.pinned.items():
            person(p, "pinned")
            set_index(g, f"pin of person {p}")
        if self.past_pair_penalty < 0 or self.balance < 0:
            raise ValueError("penalties must not be negative")

    @property
    def num_sets(self) -> int:
        return len(self.set_sizes)

    def allowed(self, p: int) -> frozenset[int] | None:
        """The sets person p may join (None: any set), from ``allowed_sets`` and ``availability`` together."""
        out = frozenset(self.allowed_sets[p]) if p in self.allowed_sets else None
        for k in self._patterns_of.get(p, ()):
            sets = frozenset(self.availability[k].sets)
            out = sets if out is None else out & sets
        return out

    @cached_property
    def _patterns_of(self) -> dict[int, list[int]]:
        patterns: dict[int, list[int]] = {}
        for k, pattern in enumerate(self.availability):
            for p in pattern.people:
                patterns.setdefault(int(p), []).append(k)
        return patterns


def equal_sets(n: int, min_size: int, max_size: int, target: float | None = None) -> list[tuple[int, int]]:
    """Size bounds for the usual case: sets of ``min_size`` to ``max_size``, as many as give sets of about ``target``
    people (by default the middle of the range)."""
    if not 1 <= min_size <= max_size:
        raise ValueError("set sizes must satisfy 1 <= min_size <= max_size")
    aim = target if target is not None else (min_size + max_size) / 2
    num = max(1, round(n / aim))
    num = min(max(num, -(-n // max_size)), max(1, n // min_size))
    if not num * min_size <= n <= num * max_size:
        raise ValueError(f"{n} people cannot be split into sets of {min_size} to {max_size}")
    return [(min_size, max_size)] * num
