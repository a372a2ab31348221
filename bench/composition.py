"""Benchmark the set-composition engine through its command line, exactly as a user would run it.

Every run is ``python -m actionset.composition solve FILE --time-limit T --seed S --out A`` in a fresh process; the
benchmark reads the contract line, then re-reads the written assignment and recomputes the objective and the rules
itself, so a figure here is never the engine's word alone.

Parts (all by default):
  small       every n = 10 and n = 12 MDGPLIB instance must reach the exact optimum in optima_small.csv
  literature  n = 120 (3 s) and n = 240 (20 s): ratio to the best TPSDP value in best_known_tpsdp.csv
  org         synthetic organisations (bench/orggen.py) of 2,000, 20,000 and 100,000 people with every rule
              (availability, manager-report and keep-apart pairs, pinned people), 50 s limit: wall time, peak
              memory, ratio to the engine's upper bound, violations, setup and search seconds
  large       generated instances of the RanReal n = 960 shape (24 sets of exactly 40, distances uniform in
              [0, 100) with three decimals, seeded; MDGPLIB here stops at n = 240), --large-time each (60 s by
              default; the literature allows 600 s). No published value exists for them: compare with --against.

--against REV runs every literature and large instance a second time with the engine as it was at git revision REV
(exported to a temporary directory, its compiled search warmed first), alternating which goes first, and prints both:
old and new at equal time in the same run, on the same (shared) machine.

Usage:
  python bench/composition.py [--data ../shared/data/mdgplib] [--parts small,literature,org]
                              [--families RanReal,RanInt,Geo] [--sizes 120,240] [--kinds ss,ds] [--limit K]
                              [--seed N] [--org-sizes 2000,20000,100000] [--org-time 50]
                              [--large-count 2] [--large-time 60] [--against REV]
  python bench/composition.py --smoke     # a cut-down run of under two minutes, for CI
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]
import orggen  # noqa: E402

LIMITS = {120: 3.0, 240: 20.0}
SMALL_LIMIT = 1.0
# The organisation targets (issue #22): 100,000 people with every rule within 60 s from start to finish and 2 GB,
# at 0.99 of the bound or better.
ORG_WALL = 60.0
ORG_MB = 2048
ORG_RATIO = 0.99


@dataclass
class Run:
    objective: float
    violations: int
    seconds: float
    wall: float
    peak_mb: float
    assignment: list[int]
    search: str = ""  # the CLI's "search: ..." line: how far the search got, and the setup's seconds


def run_cli(path: Path, time_limit: float, seed: int, engine: Path = REPO) -> Run:
    """One run through the command line of the engine in ``engine`` (this checkout, or an older one: --against)."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt", delete=False) as out:
        out_path = Path(out.name)
    command = [
        sys.executable,
        "-m",
        "actionset.composition",
        "solve",
        str(path),
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
        "--out",
        str(out_path),
    ]
    clock = time.perf_counter()
    process = subprocess.Popen(command, cwd=engine, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait4 gives this child's own peak memory (ru_maxrss, kilobytes on Linux).
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - clock
    stdout = process.stdout.read() if process.stdout else ""
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    fields = dict(part.split("=", 1) for part in last.split() if "=" in part)
    if set(fields) != {"objective", "violations", "seconds"}:
        stderr = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"{path.name}: unexpected output {last!r}\n{stderr}")
    lines = out_path.read_text().splitlines() if out_path.exists() else []
    out_path.unlink(missing_ok=True)
    assignment = [int(line.split()[1]) for line in lines]
    search = next((line for line in stdout.splitlines() if line.startswith("search: ")), "")
    return Run(
        float(fields["objective"]),
        int(fields["violations"]),
        float(fields["seconds"]),
        wall,
        usage.ru_maxrss / 1024,
        assignment,
        search,
    )


def mdgp_check(path: Path, assignment: list[int]) -> tuple[float, int]:
    """Objective and broken size limits of an assignment, recomputed from the instance file."""
    with gzip.open(path, "rt") as f:
        header = f.readline().split()
        body = np.loadtxt(f, ndmin=2)
    n, m = int(header[0]), int(header[1])
    bounds = [int(x) for x in header[3 : 3 + 2 * m]]
    if len(assignment) != n:
        return float("nan"), 1
    g = np.array(assignment)
    i, j = body[:, 0].astype(int), body[:, 1].astype(int)
    objective = float(body[g[i] == g[j], 2].sum())
    sizes = np.bincount(g, minlength=m)
    broken = sum(not bounds[2 * k] <= sizes[k] <= bounds[2 * k + 1] for k in range(m)) + int(g.max() >= m)
    return objective, broken


def instances(data: Path, families: list[str], sizes: list[int], kinds: list[str]) -> list[tuple[str, Path]]:
    found = []
    for family in families:
        for size in sizes:
            for kind in kinds:
                for path in sorted((data / "instances" / family).glob(f"{family}_n{size:03d}_{kind}_*.txt.gz")):
                    found.append((path.name.removesuffix(".txt.gz"), path))
    return found


def spread(chosen: list[tuple[str, Path]], limit: int) -> list[tuple[str, Path]]:
    """At most ``limit`` instances, evenly spaced so a subset still covers every family and kind."""
    if not limit or limit >= len(chosen):
        return chosen
    return [chosen[round(k * (len(chosen) - 1) / max(limit - 1, 1))] for k in range(limit)]


def small(data: Path, args: argparse.Namespace) -> bool:
    with open(data / "optima_small.csv", encoding="utf-8") as f:
        optima = {r["instance"]: float(r["optimum"]) for r in csv.DictReader(f)}
    chosen = instances(data, args.families, [10, 12], args.kinds)
    chosen = spread(chosen, args.limit)
    print(f"\n# small: exact optima, {SMALL_LIMIT:g} s each")
    print(f"{'instance':<22} {'objective':>14} {'optimum':>14} {'match':>5} {'viol':>4} {'seconds':>7}")
    misses = 0
    for name, path in chosen:
        run = run_cli(path, SMALL_LIMIT, args.seed)
        checked, broken = mdgp_check(path, run.assignment)
        match = abs(checked - optima[name]) < 1e-3 and abs(run.objective - checked) < 1e-3
        misses += (not match) or broken > 0 or run.violations > 0
        print(
            f"{name:<22} {checked:14.3f} {optima[name]:14.3f} {'yes' if match else 'NO':>5} "
            f"{run.violations + broken:4d} {run.seconds:7.2f}",
            flush=True,
        )
    print(f"small: {len(chosen) - misses}/{len(chosen)} reached the optimum")
    return misses == 0


def literature(data: Path, args: argparse.Namespace) -> bool:
    with open(data / "best_known_tpsdp.csv", encoding="utf-8") as f:
        best = {r["instance"]: float(r["best"]) for r in csv.DictReader(f)}
    chosen = instances(data, args.families, [s for s in args.sizes if s in LIMITS], args.kinds)
    chosen = spread(chosen, args.limit)
    print("\n# literature: ratio to TPSDP best, single-threaded, 3 s (n=120) / 20 s (n=240)")
    old_header = f" {'old ratio':>9} {'new/old':>8}" if args.against else ""
    print(f"{'instance':<22} {'objective':>14} {'tpsdp best':>14} {'ratio':>7} {'viol':>4} {'seconds':>7}{old_header}")
    groups: dict[tuple[str, int, str], list[float]] = defaultdict(list)
    olds: list[float] = []
    ok = True
    for name, path in chosen:
        family, size, kind, _ = name.split("_")
        n = int(size[1:])
        run, old = run_pair(path, LIMITS[n], args, len(groups))
        checked, broken = mdgp_check(path, run.assignment)
        old_checked = mdgp_check(path, old.assignment)[0] if old is not None else math.nan
        ok &= broken == 0 and run.violations == 0 and abs(run.objective - checked) <= 1e-6 * abs(checked) + 1e-3
        if name not in best:
            # best_known_tpsdp.csv has no row for a few instances: report the run, leave it out of the ratios.
            print(f"{name:<22} {checked:14.3f} {'(none)':>14} {'-':>7} {run.violations + broken:4d} {run.seconds:7.2f}")
            continue
        ratio = checked / best[name]
        groups[family, n, kind].append(ratio)
        if old is not None:
            olds.append(old_checked / best[name])
        versus = f" {old_checked / best[name]:9.4f} {checked / old_checked:8.5f}" if old is not None else ""
        print(
            f"{name:<22} {checked:14.3f} {best[name]:14.3f} {ratio:7.4f} {run.violations + broken:4d} "
            f"{run.seconds:7.2f}{versus}",
            flush=True,
        )
    print(f"\n{'family':<8} {'n':>4} {'kind':>4} {'runs':>4} {'mean':>7} {'min':>7} {'target':>8}")
    for (family, n, kind), ratios in sorted(groups.items()):
        mean, low = statistics.mean(ratios), min(ratios)
        met = mean >= 0.998 and low >= 0.995
        # One short run per group in smoke mode says nothing reliable about a mean; CI fails only on broken runs.
        ok &= met or args.smoke
        print(f"{family:<8} {n:4d} {kind:>4} {len(ratios):4d} {mean:7.4f} {low:7.4f} {'met' if met else 'MISSED':>8}")
    everything = [r for ratios in groups.values() for r in ratios]
    if everything:
        print(
            f"literature: mean ratio {statistics.mean(everything):.4f}, lowest {min(everything):.4f}, "
            f"{len(everything)} runs"
        )
    if olds:
        print(
            f"literature, old engine ({args.against}): mean ratio {statistics.mean(olds):.4f}, lowest {min(olds):.4f}"
        )
    return ok


def ranreal(path: Path, n: int, m: int, seed: int) -> None:
    """An MDGPLIB file of the RanReal shape: m sets of exactly n / m, every distance uniform in [0, 100), three
    decimals. The same n, m and seed always give the same file."""
    rng = np.random.default_rng(seed)
    i, j = np.triu_indices(n, 1)
    d = np.floor(rng.random(len(i)) * 100_000) / 1000
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(f"{n} {m} ss " + " ".join([str(n // m)] * (2 * m)) + "\n")
        f.write("\n".join(f"{a} {b} {x:.3f}" for a, b, x in zip(i.tolist(), j.tolist(), d.tolist(), strict=True)))
        f.write("\n")


def run_pair(path: Path, time_limit: float, args: argparse.Namespace, index: int) -> tuple[Run, Run | None]:
    """This engine's run and, with --against, the old engine's on the same file; which goes first alternates, so
    that a machine growing busier during the run does not favour one of them."""
    if args.against_root is None:
        return run_cli(path, time_limit, args.seed), None
    if index % 2 == 0:
        new = run_cli(path, time_limit, args.seed)
        return new, run_cli(path, time_limit, args.seed, args.against_root)
    old = run_cli(path, time_limit, args.seed, args.against_root)
    return run_cli(path, time_limit, args.seed), old


def large(args: argparse.Namespace) -> bool:
    """RanReal-shaped instances of 960 people in 24 sets of 40, generated (seeds 1, 2, ...), at --large-time."""
    n, m = 960, 24
    print(
        f"\n# large: generated RanReal-shaped instances, n = {n} in {m} sets of {n // m}, {args.large_time:g} s each"
        + (f"; against the engine at {args.against}" if args.against else "")
    )
    print(f"{'instance':<16} {'objective':>14} {'old':>14} {'new/old':>8} {'viol':>4} {'seconds':>7} {'load':>5}")
    ok = True
    details = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(1, args.large_count + 1):
            name = f"ranreal{n}_{k:02d}"
            path = Path(tmp) / f"{name}.txt.gz"
            ranreal(path, n, m, k)
            run, old = run_pair(path, args.large_time, args, k - 1)
            checked, broken = mdgp_check(path, run.assignment)
            ok &= broken == 0 and run.violations == 0 and abs(run.objective - checked) <= 1e-6 * abs(checked) + 1e-3
            old_checked = mdgp_check(path, old.assignment)[0] if old is not None else math.nan
            print(
                f"{name:<16} {checked:14.3f} {old_checked:14.3f} {checked / old_checked:8.5f} "
                f"{run.violations + broken:4d} {run.seconds:7.2f} {os.getloadavg()[0]:5.2f}",
                flush=True,
            )
            details.append(f"{name} new: {run.search}")
            if old is not None:
                details.append(f"{name} old: {old.search}")
    print("\n".join(details))
    return ok


def export_engine(revision: str, into: Path) -> Path:
    """The repository at ``revision``, exported (``git archive``) for --against, with its compiled search warmed."""
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    print(f"warming the engine at {revision} (not timed)...", flush=True)
    subprocess.run([sys.executable, "-m", "actionset.composition", "warm"], cwd=into, check=True)
    return into


def org(args: argparse.Namespace) -> bool:
    """Whole organisations with every rule, each solved in a fresh process; targets: at most ORG_WALL seconds from
    start to finish, ORG_MB of peak memory, ORG_RATIO of the bound, no broken rule, and a searched (not a first
    draft) answer."""
    from actionset.composition import evaluate, upper_bound
    from actionset.composition.bounds import independent_attribute_bound
    from actionset.composition.features import build_features
    from actionset.composition.io import parse_json

    print(
        f"\n# org: synthetic organisations (bench/orggen.py, seed {args.seed}) with every rule, {args.org_time:g} s"
        f" limit; targets: wall <= {ORG_WALL:g} s, peak <= {ORG_MB} MB, ratio >= {ORG_RATIO}, no violation"
    )
    header = (
        f"{'people':>7} {'sets':>5} {'cannot':>7} {'avail':>6} {'pinned':>6} {'objective':>12} {'bound':>12} "
        f"{'ratio':>7} {'before':>7} {'viol':>4} {'setup':>6} {'search':>7} {'wall':>6} {'peak MB':>8} "
        f"{'target':>7} {'load':>5}"
    )
    print(header)
    # load: the 1-minute load average as the run ended (2 cores; the machine may be shared).
    ok = True
    details = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.org_sizes:
            data = orggen.generate(n, args.seed)
            path = Path(tmp) / f"org_{n}.json"
            path.write_text(json.dumps(data))
            problem = parse_json(data)
            bound = upper_bound(problem)
            # The ratio to the bound before issue #22's tightening, for comparison (bounds.py).
            loose = independent_attribute_bound(problem, build_features(problem))
            run = run_cli(path, args.org_time, args.seed)
            checked = evaluate(problem, run.assignment)
            violations = len(checked.violations) + run.violations
            ratio = checked.objective / bound if bound else float("nan")
            timing = re.search(r"in ([\d.]+) s after ([\d.]+) s of setup", run.search)
            search_s, setup_s = (float(timing.group(1)), float(timing.group(2))) if timing else (math.nan, math.nan)
            met = (
                violations == 0
                and ratio >= ORG_RATIO
                and run.peak_mb <= ORG_MB
                and run.wall <= ORG_WALL
                and "FIRST DRAFT" not in run.search
            )
            ok &= met
            restricted = sum(len(pattern.people) for pattern in problem.availability)
            print(
                f"{n:7d} {problem.num_sets:5d} {len(problem.cannot_link):7d} {restricted:6d} {len(problem.pinned):6d} "
                f"{checked.objective:12.2f} {bound or float('nan'):12.2f} {ratio:7.4f} "
                f"{checked.objective / loose if loose else float('nan'):7.4f} {violations:4d} "
                f"{setup_s:6.2f} {search_s:7.2f} {run.wall:6.1f} {run.peak_mb:8.0f} {'met' if met else 'MISSED':>7} "
                f"{os.getloadavg()[0]:5.2f}",
                flush=True,
            )
            details.append(f"{n:7d}: {run.search}")
    print("\n".join(details))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("MDGPLIB", REPO / ".." / "shared" / "data" / "mdgplib"))
    )
    parser.add_argument("--parts", default="small,literature,org")
    parser.add_argument("--families", default="RanReal,RanInt,Geo")
    parser.add_argument("--sizes", default="120,240")
    parser.add_argument("--kinds", default="ss,ds")
    parser.add_argument("--limit", type=int, default=0, help="at most this many instances per part")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--org-sizes", default="2000,20000,100000")
    # Starting Python, importing the engine, reading the file and writing the answer take the rest of the 60 s.
    parser.add_argument("--org-time", type=float, default=50.0)
    parser.add_argument("--large-count", type=int, default=2)
    parser.add_argument("--large-time", type=float, default=60.0)
    parser.add_argument("--against", default=None, help="also run the engine as it was at this git revision")
    parser.add_argument("--smoke", action="store_true", help="a short run for CI (under two minutes)")
    args = parser.parse_args()
    args.families = args.families.split(",")
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.kinds = args.kinds.split(",")
    args.org_sizes = [int(s) for s in args.org_sizes.split(",")]
    parts = args.parts.split(",")
    if args.smoke:
        args.sizes, args.limit, args.org_sizes, args.org_time = [120], 4, [2000], 15.0
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    # Other work on the machine slows single-threaded runs under a fixed time limit: say how busy it was.
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("warming the compiled-code cache (not timed)...", flush=True)
    subprocess.run([sys.executable, "-m", "actionset.composition", "warm"], cwd=REPO, check=True)
    with tempfile.TemporaryDirectory() as old_engine:
        args.against_root = export_engine(args.against, Path(old_engine)) if args.against else None
        clock = time.perf_counter()
        ok = True
        if "small" in parts:
            ok &= small(args.data, args)
        if "literature" in parts:
            ok &= literature(args.data, args)
        if "org" in parts:
            ok &= org(args)
        if "large" in parts:
            ok &= large(args)
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"\nsummary: {'all targets met' if ok else 'some targets MISSED'} in {time.perf_counter() - clock:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
