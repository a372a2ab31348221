import numpy as np

from actionset.composition import Problem, solve


def distances(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    d = rng.random((n, n))
    return (d + d.T) * (1 - np.eye(n))


def infeasible(problem: Problem) -> list[str]:
    result = solve(problem, time_limit=5, iterations=1000)
    assert not result.feasible
    assert result.assignment == []
    assert result.violations == []
    assert result.explanation
    return result.explanation


def test_it_explains_sizes_that_cannot_hold_everyone() -> None:
    explanation = infeasible(Problem(n=10, set_sizes=[(2, 4), (2, 4)], distances=distances(10)))
    assert any("fewer than the 10 people" in line for line in explanation)


def test_it_explains_a_must_link_group_too_big_for_any_set() -> None:
    explanation = infeasible(Problem(n=6, set_sizes=[(1, 3), (1, 3)], distances=distances(6), must_link=[[0, 1, 2, 3]]))
    assert any("must-link group [0, 1, 2, 3]" in line for line in explanation)


def test_it_explains_a_must_link_group_holding_people_to_keep_apart() -> None:
    explanation = infeasible(
        Problem(n=6, set_sizes=[(3, 3), (3, 3)], distances=distances(6), must_link=[[0, 1]], cannot_link=[(1, 0)])
    )
    assert any("people 1 and 0 must be kept apart but are in the same must-link group" in line for line in explanation)


def test_it_explains_conflicting_pins() -> None:
    explanation = infeasible(
        Problem(n=6, set_sizes=[(3, 3), (3, 3)], distances=distances(6), cannot_link=[(0, 1)], pinned={0: 1, 1: 1})
    )
    assert any("both pinned to set 1" in line for line in explanation)


def test_it_explains_a_person_with_nowhere_to_go() -> None:
    explanation = infeasible(
        Problem(
            n=6,
            set_sizes=[(3, 3), (3, 3)],
            distances=distances(6),
            allowed_sets={2: [0]},
            must_link=[[2, 3]],
            pinned={3: 1},
        )
    )
    assert any("not one of their allowed sets" in line for line in explanation)


def test_it_explains_too_many_people_available_for_too_few_sets() -> None:
    explanation = infeasible(
        Problem(n=6, set_sizes=[(3, 3), (3, 3)], distances=distances(6), allowed_sets={p: [0] for p in range(4)})
    )
    assert any("4 people may only join sets [0]" in line for line in explanation)


def test_it_names_the_rules_that_clash_when_counting_is_not_enough() -> None:
    # Three people who must all be kept apart cannot fit in two sets; no single rule is wrong on its own.
    problem = Problem(n=6, set_sizes=[(3, 3), (3, 3)], distances=distances(6), cannot_link=[(0, 1), (1, 2), (0, 2)])
    explanation = infeasible(problem)
    assert sum("must be kept apart" in line for line in explanation) >= 2
    assert solve(problem, time_limit=5, iterations=1000).proven_infeasible
