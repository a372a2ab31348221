"""Cheap, honest upper bounds on the total diversity (penalties only lower the objective, so they are left out).

Matrix: each person contributes at most their (largest set size - 1) largest distances; the whole objective is also at
most the sum of the K largest distances, K being the most pairs any allowed mix of set sizes has.

Attributes: for a fixed mix of set sizes, each attribute is bounded on its own and the bounds added; the bound is the
best over every mix the size limits allow.
- categorical: all pairs, minus the same-value pairs that cannot be avoided even when every value is spread as evenly
  as possible over the sets;
- numeric: within a set sorted by value the sum of gaps is sum_k (2k - s - 1) x_(k), so the total is a sum of
  coefficients times values; giving the largest coefficients to the largest values (rearrangement inequality)
  bounds it, and is tight when people can be dealt out in value strata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from .features import Features
from .problem import Problem

MAX_SIZE_MIXES = 20_000


def upper_bound(problem: Problem) -> float | None:
    """The bound for either kind of problem. It lives here, beside the bounds, rather than in ``solver`` so that a web
    page showing it (the set board) does not import the search and numba with it."""
    if problem.distances is not None:
        return matrix_bound(problem)
    from .features import build_features

    return attribute_bound(problem, build_features(problem))


def pairs(sizes: Iterable[int]) -> int:
    """How many pairs sets of these sizes hold."""
    return int(sum(s * (s - 1) // 2 for s in sizes))


def _max_pairs(set_sizes: list[tuple[int, int]], n: int) -> int:
    mix = max_pairs_mix(set_sizes, n)
    return pairs(mix) if mix is not None else 0


def max_pairs_mix(set_sizes: list[tuple[int, int]], n: int) -> list[int] | None:
    """Sizes within each set's limits, adding up to n, with the most pairs in all (None when there are none)."""
    neg = -(10**18)
    best = np.full(n + 1, neg, dtype=np.int64)
    best[0] = 0
    # choice[k][t]: the size set k takes when the first k + 1 sets hold t people.
    choice = []
    for lo, hi in set_sizes:
        nxt = np.full(n + 1, neg, dtype=np.int64)
        took = np.full(n + 1, -1, dtype=np.int64)
        for s in range(lo, min(hi, n) + 1):
            shifted = np.full(n + 1, neg, dtype=np.int64)
            shifted[s:] = best[: n + 1 - s]
            valid = shifted > neg
            shifted[valid] += s * (s - 1) // 2
            better = shifted > nxt
            nxt[better] = shifted[better]
            took[better] = s
        best = nxt
        choice.append(took)
    if best[n] <= neg:
        return None
    sizes = []
    left = n
    for took in reversed(choice):
        sizes.append(int(took[left]))
        left -= sizes[-1]
    return sizes[::-1]


def matrix_bound(problem: Problem) -> float:
    assert problem.distances is not None
    d = np.array(problem.distances, dtype=np.float64)
    n = problem.n
    if problem.past_pair_penalty > 0:
        for i, j in problem.past_pairs:
            d[i, j] -= problem.past_pair_penalty
            d[j, i] -= problem.past_pair_penalty
    np.fill_diagonal(d, -np.inf)
    largest = min(max(hi for _, hi in problem.set_sizes), n) - 1
    if largest <= 0 or n < 2:
        return 0.0
    top = -np.sort(-d, axis=1)[:, :largest]
    per_person = float(np.sum(np.maximum(top, 0.0))) / 2.0
    upper = d[np.triu_indices(n, 1)]
    k = min(_max_pairs(list(problem.set_sizes), n), len(upper))
    by_pairs = float(np.sum(np.maximum(-np.sort(-upper)[:k], 0.0))) if k > 0 else 0.0
    return min(per_person, by_pairs)


def _size_mixes(lo: int, hi: int, m: int, n: int) -> Iterator[dict[int, int]]:
    """Every way to choose how many of the m sets have each size in lo..hi so that the sizes add up to n."""
    sizes = list(range(lo, hi + 1))

    def rec(k: int, sets_left: int, people_left: int, mix: dict[int, int]) -> Iterator[dict[int, int]]:
        s = sizes[k]
        if k == len(sizes) - 1:
            if sets_left * s == people_left:
                yield {**mix, s: sets_left}
            return
        rest_lo, rest_hi = sizes[k + 1], sizes[-1]
        # Only the counts that leave the other sets a feasible load: rest_lo x (sets left) <= people left <=
        # rest_hi x (sets left), solved for count. Trying every count from 0 to m at each level cost O(m^2): 20 s for
        # the 16,667 sets of 100,000 people, where the mixes themselves number about m / 2.
        low = max(0, -((people_left - sets_left * rest_lo) // (rest_lo - s)))
        high = min(
            sets_left, (sets_left * rest_hi - people_left) // (rest_hi - s), people_left // s if s else sets_left
        )
        for count in range(low, high + 1):
            left_sets, left_people = sets_left - count, people_left - count * s
            if left_sets * rest_lo <= left_people <= left_sets * rest_hi:
                yield from rec(k + 1, left_sets, left_people, {**mix, s: count})

    yield from rec(0, m, n, {})


def attribute_bound(problem: Problem, features: Features) -> float | None:
    sizes = set(problem.set_sizes)
    if len(sizes) != 1:
        return None
    ((lo, hi),) = sizes
    m, n = problem.num_sets, problem.n
    hi = min(hi, n)
    if lo > hi:
        return None
    same_pairs = 0.0
    for c, weight in enumerate(features.cat_weights):
        counts = np.bincount(features.codes[:, c] - features.offsets[c])
        q, r = np.divmod(counts, m)
        same_pairs += weight * float(np.sum(r * (q + 1) * q / 2 + (m - r) * q * (q - 1) / 2))
    cat_weight = float(features.cat_weights.sum())
    columns = [
        np.concatenate([[0.0], np.cumsum(-np.sort(-features.numeric[:, k]))]) for k in range(features.numeric.shape[1])
    ]
    best: float | None = None
    for count, mix in enumerate(_size_mixes(lo, hi, m, n)):
        if count >= MAX_SIZE_MIXES:
            return None
        pairs = sum(c * s * (s - 1) / 2 for s, c in mix.items())
        total = cat_weight * pairs - same_pairs
        # How many people get each coefficient 2k - s - 1, largest coefficient first.
        coefficient_counts = [
            (coef, sum(c for s, c in mix.items() if abs(coef) <= s - 1 and (s - 1 - coef) % 2 == 0))
            for coef in range(hi - 1, -hi, -1)
        ]
        for weight, prefix in zip(features.num_weights, columns, strict=True):
            start = 0
            value = 0.0
            for coef, times in coefficient_counts:
                if times:
                    value += coef * (prefix[start + times] - prefix[start])
                    start += times
            total += weight * value
        best = total if best is None else max(best, total)
    return best
