"""Cheap, honest upper bounds on the total diversity (penalties only lower the objective, so they are left out).

Matrix: each person contributes at most their (largest set size - 1) largest distances; the whole objective is also at
most the sum of the K largest distances, K being the most pairs any allowed mix of set sizes has.

Attributes: the objective is a sum over columns (a hierarchical attribute is one categorical column per level), each
a sum over the sets' pairs. For a fixed mix of set sizes (T_s sets of size s), each column is bounded on its own and
the bounds added; the bound is the best over every mix the size limits allow.

- numeric: within a set sorted by value the sum of gaps is sum_k (2k - s - 1) x_(k), so the total is a sum of
  coefficients times values; giving the largest coefficients to the largest values (rearrangement inequality)
  bounds it, and is exact for the column alone (the coefficients can be dealt out in value strata).
- categorical: all pairs, minus the same-value pairs no assignment can avoid. A set holding n_v people of value v
  has sum_v C(n_v, 2) such pairs. Let N_sv be how many people of value v are in sets of size s. However they are
  split among those T_s sets, they make at least f_s(N_sv) same-value pairs, f_s being the even split: filling the
  sets one layer at a time, the k-th layer (k = 0 .. s - 1, one more person of v in each set) costs k pairs a person,
  so f_s is convex and piecewise linear with T_s-long pieces of slopes 0, 1, ..., s - 1. The fewest same-value pairs
  for the mix are thus at least those of

      min sum_{s,v} f_s(N_sv)  subject to  sum_s N_sv = c_v (people of value v),  sum_v N_sv = s T_s (places),

  a min-cost flow from values to set sizes (its optimum is reached by a real assignment: within the sets of one
  size, deal each value's layers round the sets). Its Lagrangian dual, pricing each size's places at lambda_s,

      L(lambda) = sum_s lambda_s s T_s + sum_v (the c_v cheapest places for v, a place in the k-th layer of size s
                                                costing k - lambda_s)

  is a lower bound at every lambda (weak duality), so the bound stays valid however lambda is chosen; with integer
  costs the flow has integer optimal prices, and steepest ascent in steps of +-1 on sets of sizes finds them (the
  dual is L-natural concave, for which such steps suffice; with one categorical attribute the bound is the optimum
  on every small problem the tests try), so at the mix where it matters the column is exact for itself alone. At
  lambda = 0 every place of layer k costs k wherever it is: every value spread evenly over all the sets, except that
  no set holds more than its size, so at least the count of the bound before issue #22 (every value spread evenly
  over all the sets whatever their sizes). When sizes differ, the old count is loose for a value most people share:
  on a 2,000-person organisation of sets of 5 and 7, spreading the 51 % / 47 % / 2 % of a gender attribute evenly
  would put about 3 women and 3 men in every set, but a set of 7 holds 7; the dual's same-value pairs are 103 more,
  the bound 103 lower (docs/benchmarks.md).

Only each column alone is exact: the columns still compete for the same people, which the bound does not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from .features import Features
from .problem import Problem

MAX_SIZE_MIXES = 20_000

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


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
    """The best, over every mix of set sizes the limits allow, of the per-attribute bounds for that mix.

    Numeric columns: the rearrangement bound. Categorical columns: the same-value pairs no assignment can avoid,
    bounded from below for each mix by a Lagrangian dual that knows how many sets of each size there are
    (``_same_pairs_dual``; the module docstring has the derivation). Never above ``independent_attribute_bound``, the
    bound before issue #22's work, which is the dual at zero multipliers.
    """
    parts = _attribute_parts(problem, features)
    if parts is None:
        return None
    table, size_range, base, counts = parts
    work = int(size_range.sum()) * len(table) * max((len(np.unique(c)) for c in counts), default=0)
    if work > DUAL_WORK:
        # Very wide size limits with many mixes and many distinct counts: the even spread alone (still valid).
        return independent_attribute_bound(problem, features)
    weights = [float(w) for w in features.cat_weights]
    # Per column, the best lower bound on its same-value pairs found so far, for every mix.
    lower = [_same_pairs_dual(c, table, size_range, np.zeros(len(size_range))) for c in counts]
    multipliers = [np.zeros(len(size_range)) for _ in counts]
    best = -1
    for _ in range(DUAL_ROUNDS):
        value = base - _weighted(weights, lower, len(table))
        top = int(np.argmax(value))
        if top == best:
            break
        best = top
        # Multipliers that suit the mix now on top; any multipliers bound every mix, so each mix keeps its best.
        for c, column in enumerate(counts):
            if weights[c] <= 0:
                continue
            multipliers[c] = _ascend(column, table[top : top + 1], size_range, multipliers[c])
            lower[c] = np.maximum(lower[c], _same_pairs_dual(column, table, size_range, multipliers[c]))
    return float(np.max(base - _weighted(weights, lower, len(table))))


def independent_attribute_bound(problem: Problem, features: Features) -> float | None:
    """The bound as it was before issue #22's work: every categorical value spread evenly over all the sets, as if any
    set could hold any number of people. Valid, but loose when set sizes are mixed; kept for the tests to compare."""
    parts = _attribute_parts(problem, features)
    if parts is None:
        return None
    _, _, base, counts = parts
    m = problem.num_sets
    even = 0.0
    for weight, column in zip(features.cat_weights, counts, strict=True):
        q, r = np.divmod(column, m)
        even += float(weight) * float(np.sum(r * (q + 1) * q / 2 + (m - r) * q * (q - 1) / 2))
    return float(np.max(base - even))


DUAL_ROUNDS = 6
ASCENT_STEPS = 200
# Places x mixes x distinct value counts above which the dual is not computed: about a second of numpy.
DUAL_WORK = 50_000_000


def _weighted(weights: list[float], lower: list[F64], mixes: int) -> F64:
    total = np.zeros(mixes)
    for weight, column in zip(weights, lower, strict=True):
        total += weight * column
    return total


def _attribute_parts(problem: Problem, features: Features) -> tuple[I64, I64, F64, list[I64]] | None:
    """Every allowed mix of set sizes (a mixes x sizes table: how many sets have each size lo..hi), the sizes, and for
    each mix everything the bound adds but the categorical same-value pairs: every pair at the categorical weights, plus
    the numeric columns' rearrangement bounds; also each categorical column's value counts. None: no bound."""
    sizes = set(problem.set_sizes)
    if len(sizes) != 1:
        return None
    ((lo, hi),) = sizes
    m, n = problem.num_sets, problem.n
    hi = min(hi, n)
    if lo > hi:
        return None
    mixes: list[list[int]] = []
    for count, found in enumerate(_size_mixes(lo, hi, m, n)):
        if count >= MAX_SIZE_MIXES:
            return None
        mixes.append([found.get(s, 0) for s in range(lo, hi + 1)])
    if not mixes:
        return None
    size_range = np.arange(lo, hi + 1, dtype=np.int64)
    table = np.array(mixes, dtype=np.int64).reshape(len(mixes), len(size_range))
    cat_weight = float(features.cat_weights.sum())
    base = cat_weight * (table @ (size_range * (size_range - 1) // 2)).astype(np.float64)
    columns = [
        np.concatenate([[0.0], np.cumsum(-np.sort(-features.numeric[:, k]))]) for k in range(features.numeric.shape[1])
    ]
    for row, mix in enumerate(mixes):
        # How many people get each coefficient 2k - s - 1, largest coefficient first.
        coefficient_counts = [
            (
                coef,
                sum(
                    c
                    for s, c in zip(range(lo, hi + 1), mix, strict=True)
                    if abs(coef) <= s - 1 and (s - 1 - coef) % 2 == 0
                ),
            )
            for coef in range(hi - 1, -hi, -1)
        ]
        for weight, prefix in zip(features.num_weights, columns, strict=True):
            start = 0
            value = 0.0
            for coef, times in coefficient_counts:
                if times:
                    value += coef * (prefix[start + times] - prefix[start])
                    start += times
            base[row] += weight * value
    counts = [
        np.bincount(features.codes[:, c] - features.offsets[c]).astype(np.int64) for c in range(features.codes.shape[1])
    ]
    return table, size_range, base, counts


def _same_pairs_dual(counts: I64, table: I64, size_range: I64, multipliers: F64) -> F64:
    """For every mix (row of ``table``), a lower bound on the same-value pairs of one categorical column: the
    Lagrangian dual L(lambda) of the module docstring at these multipliers, one per set size. Valid at any multipliers;
    at zero it is the even spread over all sets.

    A value with c people costs, in the sets of size s, nothing for its first T_s people (one per set), then 1 each for
    the next T_s (the second in a set pairs with the first), 2 each for the next, up to s per set; less lambda_s per
    person placed there. Each value takes its c cheapest places, and lambda_s is paid back for each place there is.
    """
    present = counts[counts > 0]
    values, times = np.unique(present, return_counts=True)
    segment_cost = []
    segment_size = []
    for i, s in enumerate(size_range):
        for k in range(int(s)):
            segment_cost.append(k - float(multipliers[i]))
            segment_size.append(i)
    total = table @ (multipliers * size_range)
    if not segment_cost:
        return total.astype(np.float64)
    order = np.argsort(np.array(segment_cost), kind="stable")
    cost = np.array(segment_cost)[order]
    lengths = table[:, np.array(segment_size)[order]].astype(np.float64)
    before = np.cumsum(lengths, axis=1) - lengths
    need = values.astype(np.float64)
    for j in range(len(cost)):
        taken = np.clip(need[None, :] - before[:, j : j + 1], 0.0, lengths[:, j : j + 1])
        total = total + cost[j] * (taken @ times.astype(np.float64))
    return np.asarray(total, dtype=np.float64)


def _ascend(counts: I64, row: I64, size_range: I64, start: F64) -> F64:
    """Integer multipliers that make the dual at this mix as large as steepest ascent finds, from ``start``.

    The dual of a min-cost flow with integer costs has integer optimal multipliers, and its objective is L-natural
    concave in them, where steps of +-1 on any subset of the set sizes reach the maximum; only the sizes this mix uses
    are moved (moving all of them at once changes nothing), and with more than four of them only one at a time, which
    may stop short of the maximum. Any result is valid; this only makes it tight."""
    active = [i for i in range(len(size_range)) if row[0, i] > 0]
    moves: list[F64] = []
    if len(active) <= 4:
        for mask in range(1, (1 << len(active)) - 1):
            step = np.zeros(len(size_range))
            for b, i in enumerate(active):
                if mask >> b & 1:
                    step[i] = 1.0
            moves.extend([step, -step])
    else:
        for i in active:
            step = np.zeros(len(size_range))
            step[i] = 1.0
            moves.extend([step, -step])
    current = start.copy()
    value = float(_same_pairs_dual(counts, row, size_range, current)[0])
    for _ in range(ASCENT_STEPS):
        best_value = value
        best_move = None
        for move in moves:
            tried = float(_same_pairs_dual(counts, row, size_range, current + move)[0])
            if tried > best_value + 1e-9:
                best_value, best_move = tried, move
        if best_move is None:
            break
        current = current + best_move
        value = best_value
    return current
