"""``solve``: find a feasible start, anneal within the time allowed, and report a result checked from scratch."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from . import exact, kernel
from .bounds import max_pairs_mix, pairs, upper_bound
from .evaluate import evaluate
from .feasibility import find_start
from .model import MATRIX, compile_problem
from .problem import Attribute, Problem

# Annealing schedule, tuned on MDGPLIB (see docs/benchmarks.md): each cycle cools from T_START_FACTOR times the mean
# worsening move of the start to END_RATIO of that, then restarts from the best assignment found.
T_START_FACTOR = 1.0
END_RATIO = 0.002
CYCLES = 1
REHEAT = 1.0
# The tabu phase takes most of the time: on the n = 120 random-matrix instances it did better than annealing with the
# same budget. At 0.9 the annealing was once too short to settle the mix of set sizes on Geo `ds` instances (ratios
# down to 0.984 at 3 s); since the restarts move the anchor to the mix with the most pairs (``_resize``), 0.8 keeps
# them and gains on the random-matrix `ds` groups over 0.6 (docs/benchmarks.md).
TABU_SHARE = 0.8
TENURE = 5
MIN_CYCLE = 20_000
CHUNK_SECONDS = 0.05
P_INSERT = 0.3
# Small problems (exact.MAX_UNITS units or fewer) are first given to CP-SAT for a proven optimum, for at most this
# share of the time limit and this many seconds; if it does not prove one, the search runs as usual.
EXACT_SHARE = 0.3
EXACT_SECONDS = 1.0
# The tabu phase runs as restarts (``_restarts``): each round perturbs an anchor with RESTART_STRENGTH x units random
# swaps, clears the tabu list and runs a tabu search until RESTART_PATIENCE_PER_PAIR x swaps steps (within the limits
# below) pass without a new best. The anchor is the annealing's best after one such search. Anchoring on the best so
# far did worse, as did iterating from the best with 10 % of the units swapped (docs/benchmarks.md).
RESTART_STRENGTH = 0.5
RESTART_PATIENCE_PER_PAIR = 3.0
PATIENCE_MIN = 1000
PATIENCE_MAX = 50_000
# Above PATIENCE_SCALE_FROM units the most patience grows in proportion to the units: at n = 960, a restart from a
# half-perturbed anchor seldom caught up with the long first walk within 60 s, and 200,000 steps (four times the
# cap) ended ahead of 50,000 in each of 4 side-by-side pairs, by 0.005-0.18 % (docs/benchmarks.md). At n = 240 and
# below nothing changes.
PATIENCE_SCALE_FROM = 240
# A tabu step weighs every insert and swap where an annealing step weighs one move: in an ``iterations`` budget and in
# ``SolveResult.iterations`` it counts as this many steps, so that both phases are measured in one unit of work.
TABU_STEP_COST = 1000
# A run whose search had less than this share of its time limit (its setup took the rest) and did not finish an
# ``iterations`` budget is only a first draft, and says so (``SolveResult.first_draft``).
MIN_SEARCH_SHARE = 0.5

#: How far a run got. ``optimal``: proven optimal by CP-SAT. ``fixed``: nothing could move (every unit pinned, or one
#: set), so there was nothing to search. ``searched``: the search ran for its budget or most of its time limit.
#: ``short``: it ran, but for less than it should have. ``unsearched``: the result is the first feasible assignment.
Search = Literal["optimal", "fixed", "searched", "short", "unsearched"]


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective: float
    iterations: int
    upper_bound: float | None


@dataclass
class SolveResult:
    """``assignment[p]`` is person p's set. ``violations`` is always empty when ``feasible``; when not, ``explanation``
    names rules that cannot all hold (or says the search could not find a way to keep them). ``proven_optimal`` is
    True when CP-SAT proved the assignment optimal (small problems only, see ``exact``).

    How far the search got is part of the answer, never left to be guessed from the objective: ``search`` (see
    ``Search``), ``iterations`` (work done, in annealing steps, a tabu step counting ``TABU_STEP_COST``), and the time
    spent: ``compile_seconds`` making the compiled search ready before the clock started (outside the time limit;
    near zero once numba's cache is warm), ``setup_seconds`` compiling the problem, finding a start and computing the
    bound, ``search_seconds`` searching (both inside the limit). ``first_draft`` is True when the search ran for
    less than it should have: the sets are then a first draft, not a searched answer."""

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
    proven_optimal: bool = False
    search: Search = "unsearched"
    compile_seconds: float = 0.0
    setup_seconds: float = 0.0
    search_seconds: float = 0.0

    @property
    def first_draft(self) -> bool:
        return self.feasible and self.search in ("short", "unsearched")

    def describe(self) -> str:
        """One line on how far the run got, for people: the CLI prints it and the benchmark logs it."""
        timing = (
            f"{self.iterations} steps in {self.search_seconds:.2f} s after {self.setup_seconds:.2f} s of setup"
            f" ({self.compile_seconds:.2f} s compiling the search beforehand)"
        )
        if self.search == "optimal":
            return f"search: proven optimal; {timing}"
        if self.search == "fixed":
            return f"search: nothing to move (every person pinned, or one set); {timing}"
        if self.search == "searched":
            return f"search: complete; {timing}"
        if self.search == "short":
            return f"search: FIRST DRAFT, the search ran for less than it should have; {timing}"
        return f"search: FIRST DRAFT, no search ran: this is the unsearched start; {timing}"


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    iterations: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    exact_seconds: float = EXACT_SECONDS,
) -> SolveResult:
    """Best composition found within ``time_limit`` seconds (or ``iterations`` steps of work, whichever ends first).

    The compiled search is made ready first (``warm``), before the clock starts: compiling it is not allowed to eat
    the time limit and leave the answer unsearched. Compiling the problem, the first assignment and the bound run
    inside the limit; the result says how long each took and how far the search got (``SolveResult.search``).

    Small problems are first given to CP-SAT for a proof of optimality, for ``exact_seconds`` at most (and no more
    than a share of the time limit); whether a proof comes in that time depends on the machine's load, except with an
    ``iterations`` budget, when CP-SAT's own deterministic clock is used instead.

    The search path depends only on ``seed``; with an ``iterations`` budget that ends well within the time limit the
    result is exactly reproducible. ``should_stop`` is polled about twenty times a second; the best assignment so far
    is returned when it answers True.
    """
    compile_seconds = warm()
    return _solve(problem, time_limit, seed, iterations, progress, should_stop, exact_seconds, compile_seconds)


_warm = False


def warm() -> float:
    """Compile (or load from numba's cache) every compiled function of the search, once a process; the seconds it took.

    numba compiles a function on its first call, with the argument types of that call: a tiny problem of each kind,
    with every rule, takes each function the search uses through the same types a real problem does (a test checks
    that a real solve compiles nothing more). With the cache warm (``NUMBA_CACHE_DIR``, filled by ``python -m
    actionset.composition warm`` at install or at a worker's start) this loads in about a second.
    """
    global _warm
    if _warm:
        return 0.0
    clock = time.perf_counter()
    d = np.arange(64, dtype=np.float64).reshape(8, 8) % 7
    d = d + d.T
    np.fill_diagonal(d, 0.0)
    sizes = [(1, 4), (2, 3), (2, 4)]
    values = [float(p % 3) for p in range(8)]
    every_rule = {"cannot_link": [(0, 1)], "must_link": [[2, 3]], "allowed_sets": {4: [0, 1]}, "pinned": {5: 2}}
    problems = [
        Problem(n=8, set_sizes=sizes, distances=d, **every_rule),  # type: ignore[arg-type]
        # Single people and mixed sizes: the restarts resize towards the mix with the most pairs (``_resize``).
        Problem(n=8, set_sizes=sizes, distances=d, cannot_link=[(0, 1)]),
        Problem(
            n=8,
            set_sizes=sizes,
            attributes=[Attribute("a", "categorical", values), Attribute("b", "numeric", values)],
            past_pairs=[(0, 2)],
            past_pair_penalty=0.5,
            **every_rule,  # type: ignore[arg-type]
        ),
    ]
    for warm_problem in problems:
        # exact_seconds=0: the exact model is built (kernel.pair) but not solved, so the search runs too.
        _solve(warm_problem, 60.0, 0, 20_000, None, None, 0.0, 0.0)
    _warm = True
    return time.perf_counter() - clock


def _solve(
    problem: Problem,
    time_limit: float,
    seed: int,
    iterations: int | None,
    progress: Callable[[Progress], None] | None,
    should_stop: Callable[[], bool] | None,
    exact_seconds: float,
    compile_seconds: float,
) -> SolveResult:
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
            compile_seconds=compile_seconds,
            setup_seconds=time.perf_counter() - started,
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
    searching = time.perf_counter()
    done = 0
    proven = None
    if exact.eligible(compiled):
        # With an iterations budget the allowance must not depend on how long the setup took.
        left = time_limit if iterations is not None else deadline - time.perf_counter()
        allowance = min(EXACT_SHARE * left, exact_seconds)
        proven = exact.solve_exact(
            compiled, allowance, seed, deterministic=iterations is not None, wall=deadline - time.perf_counter()
        )
    searchable = len(movable) > 0 and a.num_sets > 1
    use_tabu = a.mode == MATRIX and a.balance <= 0 and TABU_SHARE > 0
    if proven is not None:
        state.best_group[:] = proven
    elif searchable:
        first = deadline if not use_tabu else time.perf_counter() + (1 - TABU_SHARE) * (deadline - time.perf_counter())
        budget = iterations
        if use_tabu and iterations is not None:
            budget = int(iterations * (1 - TABU_SHARE))
        if not use_tabu or TABU_SHARE < 1:
            done = _search(a, state, movable, first, budget, started, bound, progress, should_stop)
        if use_tabu and not (should_stop is not None and should_stop()):
            tabu_budget = None if iterations is None else max(iterations - done, 0) // TABU_STEP_COST
            steps = _restarts(a, state, movable, deadline, tabu_budget, started, bound, progress, should_stop, done)
            done += TABU_STEP_COST * steps
    search_seconds = time.perf_counter() - searching
    # A budget is met when the tabu phase made its last whole step (it is spent TABU_STEP_COST at a time).
    search: Search
    if proven is not None:
        search = "optimal"
    elif not searchable:
        search = "fixed"
    elif done == 0:
        search = "unsearched"
    elif (
        iterations is not None and done > iterations - (TABU_STEP_COST if use_tabu else 1)
    ) or search_seconds >= MIN_SEARCH_SHARE * time_limit:
        search = "searched"
    else:
        search = "short"
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
        proven_optimal=proven is not None and not checked.violations,
        search=search,
        compile_seconds=compile_seconds,
        setup_seconds=searching - started,
        search_seconds=search_seconds,
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
    p_insert = P_INSERT if slack else 0.0
    worse, feasible = kernel.sample_worsening(a, state, movable, p_insert, 20_000)
    if feasible == 0:
        return 0
    t_start = T_START_FACTOR * (worse if worse > 0.0 else 1.0)
    state.sums[kernel.TEMP] = t_start
    if iterations is not None:
        # A fixed budget: the schedule is counted in steps, so the run is exactly reproducible.
        cycle = max(MIN_CYCLE, iterations // CYCLES)
        cooling = math.exp(math.log(END_RATIO) / cycle)
        done = 0
        # The clock is checked before each chunk as well: a setup that used up the limit leaves no search to run.
        while done < iterations and time.perf_counter() < deadline:
            chunk = min(1_000_000, iterations - done)
            kernel.anneal(a, state, movable, chunk, p_insert, t_start, cooling, cycle)
            done += chunk
            if progress is not None:
                progress(Progress(time.perf_counter() - started, float(state.sums[kernel.BEST]), done, bound))
            if should_stop is not None and should_stop():
                break
        return done
    # A time budget: the temperature follows the clock, so every cycle ends cold whatever the machine's speed.
    cycle_seconds = max(deadline - time.perf_counter(), 1e-3) / CYCLES
    cycle_start = time.perf_counter()
    never = 1 << 62
    chunk = 2_000
    rate = 0.0
    done = 0
    while True:
        now = time.perf_counter()
        if now >= deadline or (should_stop is not None and should_stop()):
            break
        if now - cycle_start >= cycle_seconds:
            t_start *= REHEAT
            kernel.restart(a, state, t_start)
            cycle_start = now
        if rate > 0:
            chunk = int(max(1_000, min(rate * CHUNK_SECONDS, rate * (deadline - now))))
            expected = chunk / rate
        else:
            expected = CHUNK_SECONDS
        fraction = min((now + expected - cycle_start) / cycle_seconds, 1.0)
        target = t_start * END_RATIO**fraction
        temperature = float(state.sums[kernel.TEMP])
        cooling = (target / temperature) ** (1.0 / chunk) if temperature > 0 else 1.0
        kernel.anneal(a, state, movable, chunk, p_insert, t_start, cooling, never)
        spent = time.perf_counter() - now
        rate = chunk / max(spent, 1e-6)
        done += chunk
        if progress is not None:
            progress(Progress(time.perf_counter() - started, float(state.sums[kernel.BEST]), done, bound))
    return done


def _restarts(
    a: kernel.Arrays,
    state: kernel.State,
    movable: np.ndarray,
    deadline: float,
    iterations: int | None,
    started: float,
    bound: float | None,
    progress: Callable[[Progress], None] | None,
    should_stop: Callable[[], bool] | None,
    offset: int = 0,
) -> int:
    """Plain tabu searches, each from a strongly perturbed anchor with a fresh tabu list, keeping the best of all.

    Returns the tabu steps made; progress is reported in steps of work after ``offset`` (the annealing's)."""
    swaps = len(movable) * (len(movable) - 1) // 2
    most = PATIENCE_MAX * max(1.0, len(movable) / PATIENCE_SCALE_FROM)
    patience = int(min(most, max(PATIENCE_MIN, RESTART_PATIENCE_PER_PAIR * swaps)))
    strength = max(2, int(RESTART_STRENGTH * len(movable)))
    tabu_until = np.zeros(a.num_units * a.num_sets, dtype=np.int64)
    kernel.restart(a, state, 0.0)
    best = state.best_group.copy()
    best_value = float(state.sums[kernel.S1])
    anchors: list[np.ndarray] = []
    target = _pairs_mix(a, movable)
    done = 0
    rounds = 0
    while True:
        if iterations is not None and done >= iterations:
            break
        if time.perf_counter() >= deadline or (should_stop is not None and should_stop()):
            break
        state.group[:] = best if not anchors else anchors[rounds % len(anchors)]
        kernel.rebuild(a, state)
        resizing = False
        if len(anchors) == 1 and target is not None:
            resizing = _resize(a, state, movable, target)
            if not resizing:
                target = None
                kernel.rebuild(a, state)
        if anchors and not resizing:
            kernel.perturb(a, state, movable, strength)
        rounds += 1
        state.best_group[:] = state.group
        state.sums[kernel.BEST] = state.sums[kernel.S1]
        tabu_until[:] = 0
        stale = np.zeros(1, dtype=np.int64)
        chunk = 50
        while True:
            now = time.perf_counter()
            if iterations is not None:
                chunk = min(chunk, iterations - done)
            made = kernel.tabu(a, state, movable, chunk, TENURE, patience, tabu_until, stale)
            done += made
            if state.sums[kernel.BEST] > best_value + 1e-9:
                best_value = float(state.sums[kernel.BEST])
                best = state.best_group.copy()
            if progress is not None:
                progress(Progress(time.perf_counter() - started, best_value, offset + TABU_STEP_COST * done, bound))
            if made < chunk or (iterations is not None and done >= iterations):
                break
            if time.perf_counter() >= deadline or (should_stop is not None and should_stop()):
                break
            rate = made / max(time.perf_counter() - now, 1e-6)
            if iterations is None:
                chunk = int(max(1, min(rate * CHUNK_SECONDS, rate * (deadline - time.perf_counter()))))
        if not anchors:
            anchors.append(state.best_group.copy())
            if target is not None and pairs(state.set_size) >= pairs(target):
                target = None
        elif resizing:
            anchors.append(state.best_group.copy())
    state.group[:] = best
    kernel.rebuild(a, state)
    state.best_group[:] = best
    state.sums[kernel.BEST] = best_value
    return done


def _pairs_mix(a: kernel.Arrays, movable: np.ndarray) -> np.ndarray | None:
    """The sizes with the most pairs, when every unit is one free person (otherwise None: not attempted)."""
    if len(movable) != a.num_units or np.any(a.unit_size != 1):
        return None
    mix = max_pairs_mix(list(zip(a.size_min.tolist(), a.size_max.tolist(), strict=True)), a.num_units)
    return None if mix is None else np.array(mix, dtype=np.int64)


def _resize(a: kernel.Arrays, state: kernel.State, movable: np.ndarray, target: np.ndarray) -> bool:
    """Move people, the least costly move first, from sets above ``target`` to sets below it, keeping the rules.

    The annealing settles the mix of set sizes early and the tabu search, whose every insert is a large worsening,
    seldom changes it; on distances that grow with the number of pairs (the Geo instances) a mix with fewer pairs
    than the limits allow cost up to 0.6 % (docs/benchmarks.md). False when some move cannot keep the rules.
    """
    group = state.group
    for _ in range(a.num_units):
        over = state.set_size > target
        if not over.any():
            return True
        under = np.flatnonzero(state.set_size < target)
        units = movable[over[group[movable]]]
        here = state.gain_table[units, group[units]]
        deltas = state.gain_table[np.ix_(units, under)] - here[:, None]
        moved = False
        for flat in np.argsort(-deltas, axis=None):
            u = int(units[flat // len(under)])
            g = int(under[flat % len(under)])
            if not kernel._allowed(a, u, g) or kernel._clash(a, state, u, g, -1):
                continue
            kernel._move(a, state, u, g)
            moved = True
            break
        if not moved:
            return False
    return not (state.set_size > target).any()
