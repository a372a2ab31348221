import itertools

import numpy as np
import pytest

from actionset.composition import Problem, Progress, equal_sets, evaluate, kernel, solve, solver
from actionset.composition.bounds import max_pairs_mix
from actionset.composition.model import compile_problem

from .helpers import brute_force_best, team


def distances(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 100, (n, n)).astype(float)
    return np.triu(d, 1) + np.triu(d, 1).T


def test_it_finds_the_optimum_of_a_small_problem() -> None:
    problem = Problem(n=9, set_sizes=[(3, 3)] * 3, distances=distances(9))
    result = solve(problem, time_limit=10, iterations=200_000)
    assert result.objective == pytest.approx(brute_force_best(problem))
    assert result.upper_bound is not None
    assert result.upper_bound >= result.objective


def test_it_finds_the_optimum_with_uneven_size_limits() -> None:
    problem = Problem(n=8, set_sizes=[(2, 5), (2, 3), (1, 4)], distances=distances(8, seed=3))
    result = solve(problem, time_limit=10, iterations=200_000)
    assert result.objective == pytest.approx(brute_force_best(problem))


def test_it_never_puts_a_manager_with_their_report() -> None:
    n = 30
    managers = [(p, (p - 1) // 3) for p in range(1, n)]
    problem = Problem(n=n, set_sizes=equal_sets(n, 5, 7), attributes=team(n), cannot_link=managers)
    result = solve(problem, time_limit=5, iterations=50_000)
    assert result.feasible
    assert result.violations == []
    assert all(result.assignment[a] != result.assignment[b] for a, b in managers)


def test_it_keeps_must_link_groups_together_and_pinned_people_in_place() -> None:
    problem = Problem(
        n=12,
        set_sizes=[(4, 4)] * 3,
        attributes=team(12),
        must_link=[[0, 1, 2]],
        pinned={5: 2, 0: 1},
        allowed_sets={7: [0]},
    )
    result = solve(problem, time_limit=5, iterations=20_000)
    assert result.violations == []
    assert {result.assignment[p] for p in (0, 1, 2)} == {1}
    assert result.assignment[5] == 2
    assert result.assignment[7] == 0


def test_it_reports_an_objective_that_evaluation_confirms() -> None:
    problem = Problem(
        n=20, set_sizes=equal_sets(20, 4, 6), attributes=team(20), past_pairs=[(0, 4), (1, 5)], past_pair_penalty=3.0
    )
    result = solve(problem, time_limit=5, iterations=20_000)
    check = evaluate(problem, result.assignment)
    assert result.objective == pytest.approx(check.objective)
    assert result.set_scores == pytest.approx(check.set_scores)


def test_it_gives_the_same_answer_for_the_same_seed() -> None:
    problem = Problem(n=40, set_sizes=equal_sets(40, 5, 7), attributes=team(40))
    first = solve(problem, time_limit=30, seed=7, iterations=30_000)
    second = solve(problem, time_limit=30, seed=7, iterations=30_000)
    assert first.assignment == second.assignment


def test_it_stops_when_asked_and_returns_the_best_so_far() -> None:
    problem = Problem(n=60, set_sizes=equal_sets(60, 5, 7), distances=distances(60))
    seen: list[Progress] = []
    result = solve(problem, time_limit=60, progress=seen.append, should_stop=lambda: len(seen) >= 2)
    assert len(seen) == 2
    assert result.feasible
    assert result.objective >= seen[0].objective - 1e-6


def test_balance_evens_out_set_scores() -> None:
    n = 24
    plain = Problem(n=n, set_sizes=equal_sets(n, 4, 8), distances=distances(n))
    balanced = Problem(n=n, set_sizes=equal_sets(n, 4, 8), distances=distances(n), balance=5.0)
    loose = solve(plain, time_limit=10, iterations=100_000)
    even = solve(balanced, time_limit=10, iterations=100_000)
    assert np.std(even.set_scores) <= np.std(loose.set_scores)


def test_a_small_problem_is_solved_exactly_and_said_to_be() -> None:
    problem = Problem(n=8, set_sizes=[(2, 5), (2, 3), (1, 4)], distances=distances(8, seed=5))
    # A generous allowance for the proof: it takes milliseconds on a quiet machine, but a test must not race the clock.
    result = solve(problem, time_limit=120, seed=2, exact_seconds=30)
    assert result.proven_optimal
    assert result.objective == pytest.approx(brute_force_best(problem))


def test_the_exact_model_keeps_cannot_link_and_pinned_people() -> None:
    problem = Problem(
        n=9, set_sizes=[(3, 3)] * 3, distances=distances(9, seed=7), cannot_link=[(0, 1), (2, 3)], pinned={4: 2}
    )
    result = solve(problem, time_limit=120, exact_seconds=30)
    assert result.proven_optimal
    assert result.violations == []
    assert result.assignment[0] != result.assignment[1]
    assert result.assignment[4] == 2
    assert result.objective == pytest.approx(brute_force_best(problem))


def test_larger_problems_are_not_claimed_optimal() -> None:
    problem = Problem(n=30, set_sizes=[(10, 10)] * 3, distances=distances(30))
    assert not solve(problem, time_limit=1, iterations=20_000).proven_optimal


def test_the_tabu_restarts_give_the_same_answer_for_the_same_seed() -> None:
    limits = [(3, 9), (4, 8), (2, 10), (5, 7), (3, 6)]
    problem = Problem(n=30, set_sizes=limits, distances=distances(30, seed=3), cannot_link=[(0, 1), (2, 3)])
    first = solve(problem, time_limit=60, seed=5, iterations=2_000_000)
    second = solve(problem, time_limit=60, seed=5, iterations=2_000_000)
    assert first.assignment == second.assignment
    assert first.feasible


def test_max_pairs_mix_is_the_size_mix_with_the_most_pairs() -> None:
    limits = [(1, 4), (2, 5), (0, 3), (3, 6)]
    for n in range(6, 19):
        mix = max_pairs_mix(limits, n)
        mixes = [sizes for sizes in itertools.product(*(range(lo, hi + 1) for lo, hi in limits)) if sum(sizes) == n]
        pairs = [sum(s * (s - 1) // 2 for s in sizes) for sizes in mixes]
        assert mix is not None
        assert sum(mix) == n
        assert all(lo <= s <= hi for s, (lo, hi) in zip(mix, limits, strict=True))
        assert sum(s * (s - 1) // 2 for s in mix) == max(pairs)
    assert max_pairs_mix(limits, 19) is None


def test_resizing_moves_people_to_the_mix_with_the_most_pairs_and_keeps_the_rules() -> None:
    # The restarts start once from the mix with the most pairs: the annealing settles set sizes early and the tabu
    # search rarely changes them. Person 0 may not join person 1, who starts in the set that must grow.
    limits = [(2, 9), (2, 9), (2, 9)]
    problem = Problem(n=15, set_sizes=limits, distances=distances(15), cannot_link=[(0, 1)])
    compiled = compile_problem(problem)
    start = np.array([0] * 5 + [1] * 5 + [2] * 5, dtype=np.int64)
    start[[0, 1]] = [0, 1]
    state = kernel.new_state(compiled.arrays, start, 0)
    movable = np.arange(15, dtype=np.int64)
    target = np.array([9, 2, 4], dtype=np.int64)
    assert solver._resize(compiled.arrays, state, movable, target)
    assert state.set_size.tolist() == [9, 2, 4]
    assert state.group[0] != state.group[1]
    assert evaluate(problem, state.group.tolist()).violations == []
    # The gain table and scores were kept up to date move by move, as the search relies on.
    assert state.sums[kernel.S1] == pytest.approx(evaluate(problem, state.group.tolist()).objective)


def test_resizing_says_so_when_the_rules_forbid_the_mix() -> None:
    problem = Problem(n=6, set_sizes=[(1, 5), (1, 5)], distances=distances(6), cannot_link=[(0, 1), (0, 2)])
    compiled = compile_problem(problem)
    state = kernel.new_state(compiled.arrays, np.array([0, 1, 1, 0, 0, 1], dtype=np.int64), 0)
    # Set 0 (people 0, 3, 4) can only grow by person 5: 1 and 2 must be kept apart from 0.
    assert not solver._resize(compiled.arrays, state, np.arange(6, dtype=np.int64), np.array([5, 1], dtype=np.int64))


def test_the_best_assignment_kept_through_the_journal_is_the_best_found() -> None:
    # Keeping the best copies only the units moved since it was last kept; a journal of one entry overflows at once
    # and falls back to copying every unit: both must keep exactly the same best assignment, and it must score what
    # the search says it does.
    n = 300
    problem = Problem(n=n, set_sizes=equal_sets(n, 5, 7), attributes=team(n), cannot_link=[(0, 1), (2, 3)])
    compiled = compile_problem(problem)
    a = compiled.arrays
    start = solver.find_start(compiled, 1, 10.0).group
    assert start is not None
    movable = np.arange(a.num_units, dtype=np.int64)
    kept = []
    for journal in (None, np.zeros(1, dtype=np.int64)):
        state = kernel.new_state(a, start, 4)
        if journal is not None:
            state = state._replace(journal=journal)
        worse, _ = kernel.sample_worsening(a, state, movable, 0.0, 2_000)
        state.sums[kernel.TEMP] = worse
        kernel.anneal(a, state, movable, 200_000, 0.0, worse, 0.99995, 1 << 62)
        best = evaluate(problem, [int(state.best_group[u]) for u in a.unit_of])
        assert best.objective == pytest.approx(state.sums[kernel.BEST])
        kept.append(state.best_group.tolist())
    assert kept[0] == kept[1]
