"""Attributes turned into arrays: categorical codes and normalised numeric columns.

Every attribute kind reduces to one of two shapes, which is what lets the search keep per-set counts instead of a
distance matrix:

- a categorical column (distance 1 when codes differ); a hierarchical attribute with L levels becomes L categorical
  columns of weight w/L, one per level, coded by the path down to that level, so that two people on the same site share
  every code, two on different sites of one region share all but the last, and so on;
- a numeric column already divided by its range (ordinal ranks by the widest rank gap), so distance is ``|x_i - x_j|``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from .problem import Attribute, Problem


@dataclass(frozen=True)
class Features:
    codes: npt.NDArray[np.int64]  # n x C, codes of column c are in [offsets[c], offsets[c + 1])
    offsets: npt.NDArray[np.int64]  # C + 1
    cat_weights: npt.NDArray[np.float64]  # C
    numeric: npt.NDArray[np.float64]  # n x K, already divided by the column's range
    num_weights: npt.NDArray[np.float64]  # K

    @property
    def num_values(self) -> int:
        return int(self.offsets[-1])


def _codes(values: Sequence[Hashable]) -> npt.NDArray[np.int64]:
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def _ranks(a: Attribute) -> tuple[npt.NDArray[np.float64], float]:
    if a.levels is not None:
        position = {level: r for r, level in enumerate(a.levels)}
        try:
            ranks = np.array([position[v] for v in a.values], dtype=np.float64)
        except KeyError as e:
            raise ValueError(f"attribute {a.name!r}: value {e.args[0]!r} is not one of its levels") from None
        return ranks, float(max(len(a.levels) - 1, 1))
    ranks = np.array(a.values, dtype=np.float64)
    spread = float(ranks.max() - ranks.min()) if len(ranks) else 0.0
    return ranks, spread if spread > 0 else 1.0


def build_features(problem: Problem) -> Features:
    cat_columns: list[npt.NDArray[np.int64]] = []
    cat_weights: list[float] = []
    num_columns: list[npt.NDArray[np.float64]] = []
    num_weights: list[float] = []
    n = problem.n
    for a in problem.attributes:
        if a.kind == "categorical":
            cat_columns.append(_codes(a.values))
            cat_weights.append(a.weight)
        elif a.kind == "hierarchical":
            paths = [tuple(v) for v in cast(Sequence[Sequence[Hashable]], a.values)]
            depth = len(paths[0]) if paths else 1
            if any(len(p) != depth for p in paths) or depth == 0:
                raise ValueError(f"attribute {a.name!r}: every path must have the same, non-zero number of levels")
            for level in range(depth):
                cat_columns.append(_codes([p[: level + 1] for p in paths]))
                cat_weights.append(a.weight / depth)
        elif a.kind == "ordinal":
            ranks, spread = _ranks(a)
            num_columns.append(ranks / spread)
            num_weights.append(a.weight)
        else:
            x = np.array(a.values, dtype=np.float64)
            if not np.all(np.isfinite(x)):
                raise ValueError(f"attribute {a.name!r}: numeric values must be finite")
            spread = float(x.max() - x.min()) if n else 0.0
            num_columns.append((x - x.min()) / spread if spread > 0 else np.zeros(n))
            num_weights.append(a.weight)
    offsets = np.zeros(len(cat_columns) + 1, dtype=np.int64)
    codes = np.zeros((n, len(cat_columns)), dtype=np.int64)
    for c, column in enumerate(cat_columns):
        codes[:, c] = column + offsets[c]
        offsets[c + 1] = offsets[c] + (int(column.max()) + 1 if n else 0)
    numeric = np.zeros((n, len(num_columns)), dtype=np.float64)
    for k, col in enumerate(num_columns):
        numeric[:, k] = col
    return Features(
        codes=codes,
        offsets=offsets,
        cat_weights=np.array(cat_weights, dtype=np.float64),
        numeric=numeric,
        num_weights=np.array(num_weights, dtype=np.float64),
    )


def pair_distance(f: Features, i: int, j: int) -> float:
    """Distance between two people, straight from the definitions (used by evaluation, never by the search)."""
    same = f.codes[i] == f.codes[j]
    cat = float(np.sum(f.cat_weights[~same]))
    num = float(np.sum(f.num_weights * np.abs(f.numeric[i] - f.numeric[j])))
    return cat + num
