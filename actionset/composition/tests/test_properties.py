"""Properties over random small problems: no returned assignment breaks a rule, the reported objective is the true
one, infeasible input is reported as infeasible (checked by enumerating every assignment), and the bound holds."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionset.composition import Attribute, Availability, Problem, solve, upper_bound

from .helpers import all_assignments, naive_feasible, naive_objective

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 3))
    sizes = []
    for _ in range(m):
        lo = draw(st.integers(0, 3))
        sizes.append((lo, lo + draw(st.integers(0, 3))))
    people = st.integers(0, n - 1)
    pairs = st.lists(st.tuples(people, people).filter(lambda p: p[0] != p[1]), max_size=4)
    cannot = draw(pairs)
    must: list[list[int]] = []
    if draw(st.booleans()):
        group = draw(st.lists(people, min_size=2, max_size=3, unique=True))
        must.append(group)
    allowed = draw(
        st.dictionaries(people, st.lists(st.integers(0, m - 1), min_size=1, max_size=m, unique=True), max_size=3)
    )
    pinned = draw(st.dictionaries(people, st.integers(0, m - 1), max_size=2))
    # Availability patterns: people who may join only some sets, alone or together with allowed_sets above.
    availability = [
        Availability(sets=sets, people=members)
        for sets, members in draw(
            st.lists(
                st.tuples(
                    st.lists(st.integers(0, m - 1), min_size=1, max_size=m, unique=True),
                    st.lists(people, min_size=1, max_size=3, unique=True),
                ),
                max_size=2,
            )
        )
    ]
    past = draw(pairs)
    if draw(st.booleans()):
        values = draw(st.lists(st.integers(0, 20), min_size=n * n, max_size=n * n))
        d = np.array(values, dtype=float).reshape(n, n)
        return Problem(
            n=n,
            set_sizes=sizes,
            distances=np.triu(d, 1) + np.triu(d, 1).T,
            cannot_link=cannot,
            must_link=must,
            allowed_sets=allowed,
            availability=availability,
            pinned=pinned,
            past_pairs=past,
            past_pair_penalty=draw(st.sampled_from([0.0, 2.5])),
        )
    attributes = [
        Attribute("team", "categorical", draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)), weight=2.0),
        Attribute("grade", "ordinal", draw(st.lists(st.sampled_from("ABCD"), min_size=n, max_size=n)), levels="ABCD"),
        Attribute("age", "numeric", draw(st.lists(st.integers(20, 65), min_size=n, max_size=n)), weight=0.5),
        Attribute(
            "site",
            "hierarchical",
            draw(st.lists(st.sampled_from([("N", "Leeds"), ("N", "York"), ("S", "Kent")]), min_size=n, max_size=n)),
        ),
    ]
    return Problem(
        n=n,
        set_sizes=sizes,
        attributes=attributes,
        cannot_link=cannot,
        must_link=must,
        allowed_sets=allowed,
        availability=availability,
        pinned=pinned,
        past_pairs=past,
        past_pair_penalty=draw(st.sampled_from([0.0, 1.0])),
    )


@SETTINGS
@given(problems(), st.integers(0, 3))
def test_it_never_returns_an_assignment_that_breaks_a_rule(problem: Problem, seed: int) -> None:
    result = solve(problem, time_limit=5, seed=seed, iterations=3_000)
    exists = any(naive_feasible(problem, a) for a in all_assignments(problem))
    assert result.feasible == exists
    if result.feasible:
        assert result.violations == []
        assert naive_feasible(problem, result.assignment)
    else:
        assert result.assignment == []
        assert result.explanation


@SETTINGS
@given(problems())
def test_the_reported_objective_is_the_one_recomputed_from_scratch(problem: Problem) -> None:
    result = solve(problem, time_limit=5, iterations=3_000)
    if result.feasible:
        assert abs(result.objective - naive_objective(problem, result.assignment)) < 1e-6
        assert abs(sum(result.set_scores) - result.objective) < 1e-6


@SETTINGS
@given(problems())
def test_the_upper_bound_is_never_below_a_feasible_assignment(problem: Problem) -> None:
    bound = upper_bound(problem)
    if bound is None:
        return
    best = max(
        (naive_objective(problem, a) for a in all_assignments(problem) if naive_feasible(problem, a)), default=None
    )
    if best is not None:
        assert best <= bound + 1e-6
