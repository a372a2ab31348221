import numpy as np
import pytest

from actionset.composition import Problem, evaluate

from .helpers import naive_objective, team


def matrix_problem() -> Problem:
    d = np.array([[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]], dtype=float)
    return Problem(n=4, set_sizes=[(2, 2), (2, 2)], distances=d)


def test_it_scores_each_set_by_the_sum_of_its_pairs() -> None:
    result = evaluate(matrix_problem(), [0, 0, 1, 1])
    assert result.set_scores == [1.0, 6.0]
    assert result.objective == 7.0
    assert result.violations == []


def test_it_scores_attributes_as_the_definitions_say() -> None:
    problem = Problem(n=8, set_sizes=[(4, 4), (4, 4)], attributes=team(8))
    assignment = [0, 1, 0, 1, 1, 0, 1, 0]
    assert evaluate(problem, assignment).objective == pytest.approx(naive_objective(problem, assignment))


def test_it_subtracts_the_penalty_for_people_who_met_before() -> None:
    problem = Problem(
        n=4,
        set_sizes=[(2, 2), (2, 2)],
        distances=matrix_problem().distances,
        past_pairs=[(0, 1)],
        past_pair_penalty=0.5,
    )
    assert evaluate(problem, [0, 0, 1, 1]).set_scores == [0.5, 6.0]


def test_it_reports_every_broken_rule() -> None:
    problem = Problem(
        n=4,
        set_sizes=[(1, 2), (1, 2)],
        distances=matrix_problem().distances,
        cannot_link=[(0, 1)],
        must_link=[[2, 3]],
        allowed_sets={0: [1]},
        pinned={1: 1},
    )
    violations = evaluate(problem, [0, 0, 0, 1]).violations
    assert any("set 0 has 3 people" in v for v in violations)
    assert any("kept apart" in v for v in violations)
    assert any("must-link" in v for v in violations)
    assert any("allowed sets" in v for v in violations)
    assert any("pinned" in v for v in violations)


def test_it_reports_an_assignment_of_the_wrong_length() -> None:
    assert evaluate(matrix_problem(), [0, 1]).violations == ["assignment has 2 entries for 4 people"]


def test_balance_lowers_the_objective_of_uneven_sets() -> None:
    even = Problem(n=4, set_sizes=[(2, 2), (2, 2)], distances=matrix_problem().distances, balance=1.0)
    result = evaluate(even, [0, 0, 1, 1])
    assert result.objective == 7.0 - 1.0 * 2 * 2.5
