"""A result says how far its search got, and compiling the search never eats a run's time limit."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

from actionset.composition import Problem, equal_sets, kernel, solve, solver
from actionset.composition.cli import main

from .helpers import team

REPO = Path(__file__).resolve().parents[3]


def distances(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 100, (n, n)).astype(float)
    return np.triu(d, 1) + np.triu(d, 1).T


def compiled_signatures() -> dict[str, int]:
    return {name: len(value.signatures) for name, value in vars(kernel).items() if isinstance(value, CPUDispatcher)}


def test_after_warming_a_real_solve_compiles_nothing_more() -> None:
    solver.warm()
    before = compiled_signatures()
    n = 60
    managers = [(p, (p - 1) // 3) for p in range(1, n)]
    rules = {"cannot_link": managers, "must_link": [[10, 11]], "allowed_sets": {5: [0, 2]}, "pinned": {7: 1}}
    solve(Problem(n=n, set_sizes=equal_sets(n, 5, 7), attributes=team(n), **rules), time_limit=5, iterations=50_000)  # type: ignore[arg-type]
    solve(Problem(n=n, set_sizes=[(3, 9)] * 10, distances=distances(n), **rules), time_limit=5, iterations=200_000)  # type: ignore[arg-type]
    solve(Problem(n=n, set_sizes=[(2, 10)] * 10, distances=distances(n)), time_limit=5, iterations=200_000)
    assert compiled_signatures() == before


def test_a_run_whose_setup_takes_the_whole_limit_says_it_is_a_first_draft() -> None:
    problem = Problem(n=300, set_sizes=equal_sets(300, 5, 7), attributes=team(300))
    result = solve(problem, time_limit=1e-6)
    assert result.feasible
    assert result.search == "unsearched"
    assert result.iterations == 0
    assert result.first_draft
    assert "FIRST DRAFT" in result.describe()


def test_a_run_that_searched_says_so() -> None:
    problem = Problem(n=60, set_sizes=equal_sets(60, 5, 7), attributes=team(60))
    result = solve(problem, time_limit=60, iterations=20_000)
    assert result.search == "searched"
    assert not result.first_draft
    assert result.iterations == 20_000
    assert result.setup_seconds >= 0
    assert result.search_seconds > 0


def test_iterations_count_tabu_steps_in_the_unit_the_budget_is_given_in() -> None:
    problem = Problem(n=30, set_sizes=[(5, 5)] * 6, distances=distances(30))
    result = solve(problem, time_limit=120, seed=3, iterations=300_000)
    assert result.search == "searched"
    # The annealing's share exactly, then whole tabu steps of TABU_STEP_COST each: never more than the budget.
    assert 300_000 - solver.TABU_STEP_COST < result.iterations <= 300_000


def test_the_command_line_prints_how_far_the_search_got(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "team.json"
    path.write_text(json.dumps({"n": 300, "min_size": 5, "max_size": 7, "distances": distances(300).tolist()}))
    assert main(["solve", str(path), "--time-limit", "0.000001"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("objective=")
    assert lines[-2].startswith("search: FIRST DRAFT")


def test_a_cold_cache_run_searches_or_says_plainly_that_it_did_not(tmp_path: Path) -> None:
    # A fresh install or a deploy that changes the kernel: numba's cache is empty and the search must be compiled.
    rng = np.random.default_rng(4)
    people = [
        {"dept": f"d{rng.integers(8)}", "grade": int(rng.integers(6)), "years": float(rng.random())}
        for _ in range(2000)
    ]
    data = {
        "min_size": 5,
        "max_size": 7,
        "people": people,
        "attributes": [
            {"name": "dept", "kind": "categorical", "weight": 2},
            {"name": "grade", "kind": "numeric"},
            {"name": "years", "kind": "numeric"},
        ],
        "cannot_link": [[p, (p - 1) // 5] for p in range(1, 2000)],
    }
    path = tmp_path / "org.json"
    path.write_text(json.dumps(data))
    env = {"PATH": os.environ.get("PATH", ""), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    done = subprocess.run(
        [sys.executable, "-m", "actionset.composition", "solve", str(path), "--time-limit", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "numba").rglob("*.nbi")), "the run compiled into the fresh cache"
    lines = done.stdout.strip().splitlines()
    effort = next(line for line in lines if line.startswith("search: "))
    compiling = re.search(r"([\d.]+) s compiling the search", effort)
    assert compiling is not None, "compiling is reported apart from the search"
    assert float(compiling.group(1)) > 0
    if "FIRST DRAFT" not in effort:
        steps, search_seconds = re.search(r"(\d+) steps in ([\d.]+) s", effort).groups()  # type: ignore[union-attr]
        assert int(steps) > 0
        assert float(search_seconds) >= solver.MIN_SEARCH_SHARE * 2
