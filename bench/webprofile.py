"""Where one page's time goes: its queries (grouped, slowest first) and a profile of repeated requests.

For finding what to make cheaper, not for figures (bench/webcost.py measures). Run it as bench/webcost.py is run,
with production settings (DEBUG off) on a benchmark's database, e.g. after ``bench/web.py --scale 10k --keep``:

    python bench/webprofile.py --login designer@provider.example --path / --repeat 50

Each page is asked for once untimed (templates load, the connection opens), once with every statement recorded
(its text, how long the database took to answer, grouped by the statement with its parameters taken out), then
``--repeat`` times under cProfile; the functions that took the most time are printed, cumulative and own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionset.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from actionset.accounts.models import User  # noqa: E402


def _shape(sql: str) -> str:
    """The statement with its literals taken out, so that the same query with other values groups together."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((\?, )+\?\)", "(?...)", sql)


def queries(client: Client, path: str, width: int) -> None:
    timings: dict[str, list[float]] = defaultdict(list)

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings[_shape(sql)].append(time.perf_counter() - start)

    with connection.execute_wrapper(record):
        status = client.get(path, headers={"Accept-Encoding": "gzip"}).status_code
    total = sum(sum(t) for t in timings.values())
    count = sum(len(t) for t in timings.values())
    print(f"\n{path}: {status}, {count} queries, {total * 1000:.1f} ms waiting on the database (wall)")
    for sql, times in sorted(timings.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {sum(times) * 1000:7.2f} ms  x{len(times):<3} {sql[:width]}")


def cpu(client: Client, path: str, repeat: int) -> None:
    start = time.process_time()
    for _ in range(repeat):
        client.get(path, headers={"Accept-Encoding": "gzip"})
    print(f"\n{path}: {(time.process_time() - start) / repeat * 1000:.1f} CPU-ms a request (this process only)")


def profile(client: Client, path: str, repeat: int, top: int) -> None:
    # CPU time, not wall: waiting on the database is measured by the query log above, and a shared machine adds noise.
    profiler = cProfile.Profile(time.process_time)
    cpu = time.process_time()
    profiler.enable()
    for _ in range(repeat):
        client.get(path, headers={"Accept-Encoding": "gzip"})
    profiler.disable()
    print(f"\n{path}: {(time.process_time() - cpu) / repeat * 1000:.1f} CPU-ms a request under the profiler")
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--login", required=True, help="the demo login to ask as")
    parser.add_argument("--path", action="append", required=True, help="a page's path (may be given again)")
    parser.add_argument("--repeat", type=int, default=30, help="requests profiled per page (0: queries only)")
    parser.add_argument("--top", type=int, default=45, help="functions printed per ordering (0: no profile)")
    parser.add_argument("--width", type=int, default=260, help="characters of each statement printed")
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(email=args.login))
    for path in args.path:
        client.get(path)
        queries(client, path, args.width)
        if args.repeat:
            cpu(client, path, args.repeat)
        if args.repeat and args.top:
            profile(client, path, args.repeat, args.top)


if __name__ == "__main__":
    main()
