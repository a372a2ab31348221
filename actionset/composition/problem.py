"""The engine's input: people (by index 0..n-1), how different they are, and the rules a composition must keep."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
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
class Problem:
    """A composition problem: ``n`` people to place in ``len(set_sizes)`` sets.

    Give either ``distances`` (a symmetric n x n matrix, for benchmark instances and small problems) or
    ``attributes`` (any number of :class:`Attribute`; the engine never builds an n x n matrix from them).
    ``set_sizes[g]`` is the (minimum, maximum) number of people in set g. ``allowed_sets`` maps a person to the sets
    they may join (people not listed may join any); ``pinned`` maps a person to the set they must stay in.
    ``past_pairs`` lists pairs who were in a set together before: each costs ``past_pair_penalty`` when they meet
    again. ``balance`` > 0 trades total diversity for even sets: the search maximises
    ``sum(set_scores) - balance * len(set_sizes) * stdev(set_scores)``.
    """

    n: int
    set_sizes: Sequence[tuple[int, int]]
    distances: npt.NDArray[np.float64] | None = None
    attributes: Sequence[Attribute] = ()
    cannot_link: Sequence[tuple[int, int]] = ()
    must_link: Sequence[Sequence[int]] = ()
    allowed_sets: Mapping[int, Sequence[int]] = field(default_factory=dict)
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
        for p, g in self.pinned.items():
            person(p, "pinned")
            set_index(g, f"pin of person {p}")
        if self.past_pair_penalty < 0 or self.balance < 0:
            raise ValueError("penalties must not be negative")

    @property
    def num_sets(self) -> int:
        return len(self.set_sizes)


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
