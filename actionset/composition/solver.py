"""``solve``: find a feasible start, anneal within the time allowed, and report a result checked from scratch."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import kernel
from .bounds import attribute_bound, matrix_bound
from .evaluate import evaluate
from .feasibility import find_start
from .model import compile_problem
from .problem import Problem

# Annealing schedule, tuned on MDGPLIB (see docs/benchmarks.md): each cycle cools from T_START_FACTOR times the mean
# worsening move of the start to END_RATIO of that, then restarts from the best assignment found.
T_START_FACTOR = 0.3
END_RATIO = 0.002
CYCLES = 4
MIN_CYCLE = 20_000
CHUNK_SECONDS = 0.05


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective: float
    iterations: int
    upper_bound: float | None


@dataclass
class SolveResult:
    """``assignment[p]`` is person p's set. ``violations`` is always empty when ``feasible``; when not, ``explanation``
    names rules that cannot all hold (or says the search could not find a way to keep them)."""

    assignment: list[int]
    objective: float
    set_scores: list[float]
    upper_bound: float | None
    violations: list[str]
    feasible: bool
    explanation: list[str] = field(default_factory=list)
    seconds: float = 0.0
    iterations: int = 0
    proven_infeasible: bool = False


def upper_bound(problem: Problem) -> float | None:
    if problem.distances is not None:
        return matrix_bound(problem)
    from .features import build_features

    return attribute_bound(problem, build_features(problem))


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    iterations: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SolveResult:
    """Best composition found within ``time_limit`` seconds (or ``iterations`` search steps, whichever ends first).

    The search path depends only on ``seed``; with an ``iterations`` budget and a generous time limit the result is
    exactly reproducible. ``should_stop`` is polled about twenty times a second; the best assignment so far is
    returned when it answers True.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    compiled = compile_problem(problem)
    start = find_start(compiled, seed, max(deadline - time.perf_counter(), 0.5))
    if start.group is None:
        return SolveResult(
            assignment=[],
            objective=float("nan"),
            set_scores=[],
            upper_bound=None,
            violations=[],
            feasible=False,
            explanation=start.explanation,
            seconds=time.perf_counter() - started,
            proven_infeasible=start.proven_infeasible,
        )
    a = compiled.arrays
    state = kernel.new_state(a, start.group, seed)
    bound = upper_bound(problem)
    movable = np.array(
        [
            u
            for u in range(a.num_units)
            if compiled.unit_pinned[u] < 0
            and (compiled.unit_allowed[u] is None or len(compiled.unit_allowed[u] or ()) > 1)
        ],
        dtype=np.int64,
    )
    done = 0
    if len(movable) > 0 and a.num_sets > 1:
        done = _search(a, state, movable, deadline, iterations, started, bound, progress, should_stop)
    unit_group = state.best_group
    assignment = [int(unit_group[u]) for u in a.unit_of]
    checked = evaluate(problem, assignment, compiled.features)
    return SolveResult(
        assignment=assignment,
        objective=checked.objective,
        set_scores=checked.set_scores,
        upper_bound=bound,
        violations=checked.violations,
        feasible=not checked.violations,
        seconds=time.perf_counter() - started,
        iterations=done,
    )


def _search(
    a: kernel.Arrays,
    state: kernel.State,
    movable: np.ndarray,
    deadline: float,
    iterations: int | None,
    started: float,
    bound: float | None,
    progress: Callable[[Progress], None] | None,
    should_stop: Callable[[], bool] | None,
) -> int:
    slack = bool(np.any(a.size_min < a.size_max))
    p_insert = 0.3 if slack else 0.0
    kernel.sample_worsening(a, state, movable, p_insert, 10)  # loads the compiled code before timing it
    tries = 20_000
    clock = time.perf_counter()
    worse, feasible = kernel.sample_worsening(a, state, movable, p_insert, tries)
    per_second = tries / max(time.perf_counter() - clock, 1e-6)
    if feasible == 0:
        return 0
    if worse <= 0.0:
        worse = 1.0
    if iterations is not None:
        total = iterations
    else:
        total = int(per_second * 0.6 * max(deadline - time.perf_counter(), 0.0))
    cycle = max(MIN_CYCLE, total // CYCLES)
    t_start = T_START_FACTOR * worse
    cooling = math.exp(math.log(END_RATIO) / cycle)
    state.sums[kernel.TEMP] = t_start
    chunk = 5_000
    done = 0
    while True:
        if iterations is not None:
            if done >= iterations:
                break
            chunk = min(chunk, iterations - done)
        clock = time.perf_counter()
        kernel.anneal(a, state, movable, chunk, p_insert, t_start, cooling, cycle)
        done += chunk
        now = time.perf_counter()
        if progress is not None:
            progress(Progress(now - started, float(state.sums[kernel.BEST]), done, bound))
        if now >= deadline or (should_stop is not None and should_stop()):
            break
        spent = now - clock
        chunk = max(1_000, min(chunk * 4, int(chunk * CHUNK_SECONDS / max(spent, 1e-6))))
        chunk = min(chunk, max(1_000, int(chunk * (deadline - now) / max(spent, 1e-6))))
    return done
