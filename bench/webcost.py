"""What one request to each main page costs, alone: queries, and CPU in the application and in PostgreSQL.

Run by bench/web.py in a process of its own with production settings, on the benchmark's database. For every demo
login it finds that person's main pages the way bench/web.py's simulated people do (links from their home page, two
steps deep, ``MAIN_PAGES``), then asks for each page through Django's whole request handling (middleware, sessions,
access checks, templates; Django's test client stands in for gunicorn's HTTP parsing) and records:

- queries: the number of SQL statements one request makes;
- app CPU-ms: this process's CPU time (user + system) per request;
- db CPU-ms: the CPU time of this process's PostgreSQL backend (from /proc/<pid>/stat, in clock ticks) per request;
- bytes: the response's size as sent to a browser that accepts gzip.

Each page is asked for again and again until ``--min-seconds`` have passed (at least three times) after one untimed
request, so that the backend's CPU, counted in 10 ms ticks, is read over many requests. The minimal view
(``/healthz``, no query, no template) is measured the same way, and so is an unchanged live poll: the Northwind
participant's set's meeting is started if none is, and its state asked for with the tag the device already has.

Prints one JSON object: {"pages": [...], "healthz": {...}, "live poll": {...}}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionset.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from web import DEPTH, EXPORTS, LOGINS, PER_KIND, kind_of  # noqa: E402

from actionset.accounts.models import User  # noqa: E402
from actionset.meetings import live  # noqa: E402
from actionset.meetings.models import Meeting, MeetingRun  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the PostgreSQL backend ``pid`` has used (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _table(sql: str) -> str:
    return sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql.split()[0]


def discover(client: Client) -> list[tuple[str, str]]:
    queue = [("home", "/", 0)]
    seen = {"/"}
    taken: dict[str, int] = defaultdict(int)
    pages = []
    while queue:
        kind, path, depth = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200:
            continue
        pages.append((kind, path))
        if depth == DEPTH:
            continue
        for link in re.findall(r'href="(/[^"#?]*)"', response.content.decode("utf-8", "replace")):
            if re.fullmatch(EXPORTS, link):
                continue
            found = kind_of(link)
            if found and link not in seen and taken[found] < PER_KIND:
                seen.add(link)
                taken[found] += 1
                queue.append((found, link, depth + 1))
    return pages


def cost(client: Client, path: str, min_seconds: float, headers: dict[str, str] | None = None) -> dict[str, Any]:
    # Browsers ask for compressed pages: the cost includes gzipping them (and the bytes are what is sent).
    headers = {"Accept-Encoding": "gzip", **(headers or {})}
    first = client.get(path, headers=headers)  # untimed: opens the connection, loads templates
    # Counted by a wrapper round every statement: Django empties its own query log when a request starts.
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = client.get(path, headers=headers).status_code
    backend = connection.cursor().connection.info.backend_pid
    count = 0
    wall, cpu, db = time.perf_counter(), time.process_time(), backend_cpu(backend)
    while count < 3 or time.perf_counter() - wall < min_seconds:
        client.get(path, headers=headers)
        count += 1
    app_ms = (time.process_time() - cpu) / count * 1000
    db_ms = (backend_cpu(backend) - db) / count * 1000
    return {
        "path": path,
        "status": status,
        "first_status": first.status_code,
        "queries": len(statements),
        "tables": sorted({_table(sql) for sql in statements}),
        "requests": count,
        "app_ms": app_ms,
        "db_ms": db_ms,
        "bytes": len(first.content),
    }


def live_poll(min_seconds: float) -> dict[str, Any] | None:
    user = User.objects.filter(email="participant@northwind.example").first()
    meeting = (
        Meeting.objects.filter(learning_set__memberships__enrolment__person__user=user, status="scheduled")
        .order_by("starts_at")
        .first()
    )
    if user is None or meeting is None:
        return None
    if not MeetingRun.objects.filter(meeting=meeting).exists():
        facilitator = meeting.learning_set.facilitators.select_related("user").first()
        assert facilitator is not None
        live.live_start(actor=facilitator.user, meeting=meeting, early=True)
    client = Client()
    client.force_login(user)
    path = reverse("live:state", kwargs={"meeting": meeting.public_id})
    etag = client.get(path)["ETag"]
    result = cost(client, path, min_seconds, headers={"If-None-Match": etag})
    result["meeting started"] = timezone.localtime(meeting.starts_at).isoformat()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-seconds", type=float, default=0.5, help="measured time per page, at least")
    parser.add_argument(
        "--poll-only", action="store_true", help="only /healthz and the unchanged live poll, each for --min-seconds x 2"
    )
    args = parser.parse_args()
    pages = []
    # The minimal view is measured before each login's pages and after the last: one reading of a view that costs
    # half a millisecond moved by up to a factor two on a shared machine, and every ratio is divided by it. The
    # median reading is the one reported (and every reading is kept).
    floor = []
    for email in [] if args.poll_only else LOGINS:
        floor.append(cost(Client(), "/healthz", args.min_seconds))
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        for kind, path in discover(client):
            pages.append({"login": email, "kind": kind, **cost(client, path, args.min_seconds)})
        print(f"  {email}: {sum(1 for p in pages if p['login'] == email)} pages", file=sys.stderr, flush=True)
    floor.append(cost(Client(), "/healthz", args.min_seconds * 2))
    floor.sort(key=lambda reading: reading["app_ms"] + reading["db_ms"])
    result = {
        "pages": pages,
        "healthz": {**floor[len(floor) // 2], "readings_ms": [r["app_ms"] + r["db_ms"] for r in floor]},
        "live poll": live_poll(args.min_seconds * 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
