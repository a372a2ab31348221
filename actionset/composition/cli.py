"""The command-line contract, shared by ``python -m actionset.composition`` and the benchmark."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from .io import read_problem
from .solver import TABU_STEP_COST, SolveResult, solve, warm


def solve_file(
    path: str | Path, *, time_limit: float, seed: int = 0, iterations: int | None = None
) -> tuple[SolveResult, float]:
    """Read and solve one file; returns the result and the seconds spent solving (reading the file is not counted)."""
    problem = read_problem(path)
    clock = time.perf_counter()
    result = solve(problem, time_limit=time_limit, seed=seed, iterations=iterations)
    return result, time.perf_counter() - clock


def summary_line(result: SolveResult, seconds: float) -> str:
    return f"objective={result.objective:.6f} violations={len(result.violations)} seconds={seconds:.3f}"


def write_assignment(result: SolveResult, out: TextIO) -> None:
    for person, group in enumerate(result.assignment):
        out.write(f"{person} {group}\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m actionset.composition")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="solve an MDGPLIB instance or a JSON problem")
    run.add_argument("file")
    run.add_argument("--time-limit", type=float, default=10.0)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument(
        "--iterations",
        type=int,
        default=None,
        help=(
            "stop after this much search work, counted in annealing steps (one move tried); a tabu step, which weighs"
            f" every swap, counts as {TABU_STEP_COST:,}. A run that ends on this budget, not on the time limit, gives"
            " the same answer every time for the same seed"
        ),
    )
    run.add_argument("--out", default=None, help="write 'element group' lines here")
    commands.add_parser(
        "warm",
        help="compile the search into numba's cache (NUMBA_CACHE_DIR) now, so that no later run pays for it",
    )
    args = parser.parse_args(argv)
    if args.command == "warm":
        seconds = warm()
        print(f"search compiled or loaded from the cache in {seconds:.2f} s")
        return 0
    result, seconds = solve_file(args.file, time_limit=args.time_limit, seed=args.seed, iterations=args.iterations)
    if not result.feasible:
        for line in result.explanation:
            print(f"infeasible: {line}")
    if result.proven_optimal:
        print("proven optimal (CP-SAT)")
    if result.feasible:
        # Before the contract line, which stays last: a run that searched less than it should says so plainly.
        print(result.describe())
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            write_assignment(result, f)
    print(summary_line(result, seconds))
    sys.stdout.flush()
    return 0 if result.feasible else 2
