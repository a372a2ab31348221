"""Benchmark live meetings as production serves them: devices polling on gunicorn and PostgreSQL (issue 17).

One run makes a PostgreSQL database of its own (``--database-url``, dropped and made afresh, as bench/web.py does),
migrates it and collects the static files with production settings, and builds the meetings: one published set of
``--per-meeting`` members (8, a full set) and a facilitator per meeting, enough meetings for the largest device count,
each started. People are signed in by session rows made there, never through the sign-in form: the figures are the
polls', not allauth's.

Then, on ``gunicorn -c python:actionset.gunicorn_conf actionset.wsgi`` (``--workers``, 2 by default: the cores of
this machine), for each device count N (``--devices 10,50,100``):

1. the reference: N clients ask for ``/healthz`` (no query, no template) once a second each, for ``--seconds``;
2. the meeting: N devices poll ``live:state`` once a second each, exactly as live.js does (``If-None-Match`` with
   the tag they hold, ``X-Live-Panel`` with the panel they show), while each meeting's facilitator makes a change
   every ``--every`` seconds, alternately a command (+5 min, the run's version) and a bid recorded for a member (the
   room's token), for ``--seconds``.

It prints, per N: the time from a change being sent to each device of its meeting holding the new state (p50, p95,
max, over every change and device), the poll's own response time against ``/healthz``'s, and the server's CPU per
request (gunicorn's master and workers, workers recycled by ``max_requests`` included through the master's
children's time) against ``/healthz``'s. PostgreSQL's share is not given: its backends come and go with gunicorn's
workers, and the server is shared with other databases, so no figure of it here would be the benchmark's alone.
The machine may be shared: every figure is read against the reference measured in the same run, with the load
average printed.

Usage:
  python bench/live.py --database-url postgres://postgres@127.0.0.1:5432/actionset_livebench
                       [--devices 10,50,100] [--per-meeting 8] [--seconds 30] [--every 3] [--workers 2]
                       [--cache-url redis://127.0.0.1:6379/3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import Server, _children, _clean_up, database, gunicorn, manage, percentile, production_env

REPO = Path(__file__).resolve().parent.parent
POLL_SECONDS = 1.0  # live.html's hx-trigger="every 1s"

#: Run in `manage.py shell` with production settings: the meetings, started, and a session for everyone in them.
BUILD = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from actionset.accounts.models import User
from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.organisations.models import Organisation, Person, StaffRole
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

org = Organisation.objects.create(name="Livebench Council")
facilitator = User.objects.create_user(email="fola@livebench.example", password=None, name="Fola Facilitator")
StaffRole.objects.create(user=facilitator, role="facilitator")
now = timezone.now()
programme = Programme.objects.create(organisation=org, title="Live bench", method="uk", status="running",
                                     published_at=now)
meetings = []
for m in range(MEETINGS):
    learning_set = LearningSet.objects.create(programme=programme, name=f"Set {m + 1}")
    FacilitatorAssignment.objects.create(learning_set=learning_set, user=facilitator)
    members = []
    for n in range(PER_MEETING):
        user = User.objects.create_user(email=f"m{m}-{n}@livebench.example", password=None, name=f"Member {m}-{n}")
        person = Person.objects.create(organisation=org, name=user.name, email=user.email, user=user)
        enrolment = Enrolment.objects.create(programme=programme, person=person)
        Membership.objects.create(learning_set=learning_set, enrolment=enrolment)
        members.append({"session": session(user), "enrolment": str(enrolment.public_id)})
    ends = now + timezone.timedelta(hours=3)
    meeting = Meeting.objects.create(learning_set=learning_set, number=1, starts_at=now, ends_at=ends)
    live.live_start(actor=facilitator, meeting=meeting, early=True)
    meetings.append({"meeting": str(meeting.public_id), "members": members})
print("BUILT " + json.dumps({"facilitator": session(facilitator), "meetings": meetings}))
"""


# --- measuring the server ------------------------------------------------------------------------------------------


def _ticks(pid: int, children: bool = False) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the command: utime and stime are fields 12 and 13 (0-based 11, 12), cutime and cstime the next two.
    return int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)


def gunicorn_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn: the master, its live workers, and the workers it has reaped."""
    ticks = _ticks(master, children=True) + sum(_ticks(pid) for pid in _children(master))
    return ticks / os.sysconf("SC_CLK_TCK")


# --- devices and the facilitator -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def request(
    url: str, session: str = "", headers: dict[str, str] | None = None, data: bytes | None = None
) -> tuple[int, dict[str, str], str, float]:
    """Status, headers, body and seconds taken; status 0 for a failure to connect or a timeout."""
    all_headers = {"X-Forwarded-For": "10.9.0.1", **(headers or {})}
    if session:
        all_headers["Cookie"] = f"sessionid={session}" + all_headers.pop("Cookie", "")
    started = time.perf_counter()
    try:
        with OPENER.open(urllib.request.Request(url, data=data, headers=all_headers), timeout=30) as response:
            body = response.read().decode()
            return response.status, dict(response.headers), body, time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace"), time.perf_counter() - started
    except OSError:
        return 0, {}, "", time.perf_counter() - started


@dataclass
class Device:
    meeting: int
    session: str
    url: str
    etag: str = ""
    panel: str = ""
    #: (time received, status, tag held afterwards) for every poll.
    log: list[tuple[float, int, str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def poll(self) -> None:
        headers = {"HX-Request": "true", "X-Live-Panel": self.panel}
        if self.etag:
            headers["If-None-Match"] = self.etag
        status, got, body, seconds = request(self.url, self.session, headers)
        if status == 200:
            self.etag = got.get("ETag", "").removeprefix("W/")
            found = re.search(r'id="live-panel"[^>]*data-panel-key="([^"]+)"', body) or re.search(
                r'data-panel-key="([^"]+)"', body
            )
            if found:
                self.panel = found[1]
        self.log.append((time.monotonic(), status, self.etag))
        self.seconds.append(seconds)


def keep_polling(device: Device, until: float, offset: float) -> None:
    """Poll once a second, like htmx's `every 1s`, from a random phase so devices do not ask all at once."""
    next_at = time.monotonic() + offset
    while next_at < until:
        time.sleep(max(0.0, next_at - time.monotonic()))
        device.poll()
        next_at += POLL_SECONDS


#: As live.js: with a stream open, a device still asks now and then, in case an event was lost on the way.
SAFETY_SECONDS = 15.0


def keep_listening(device: Device, events_url: str, until: float, refused: list[int]) -> None:
    """As live.js with an event stream: ask for the state on each "changed", and every SAFETY_SECONDS anyway."""
    parts = urllib.parse.urlsplit(events_url)
    # The stream's heartbeat comes every 15 s, so a read never waits longer than that past `until`.
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        # As the page: the address carries the tag of the state the device holds, which admits the stream without
        # a query (meetings/poll.py, `stream_admitted`).
        connection.request(
            "GET",
            f"{parts.path}?tag={urllib.parse.quote(device.etag)}",
            headers={
                "Cookie": f"sessionid={device.session}",
                "Accept": "text/event-stream",
                "X-Forwarded-For": "10.9.0.1",
            },
        )
        response = connection.getresponse()
        if response.status != 200:
            refused.append(response.status)
            keep_polling(device, until, random.random() * POLL_SECONDS)
            return
        last = time.monotonic()
        while time.monotonic() < until:
            line = response.fp.readline()
            if not line:
                refused.append(0)  # the stream ended early: poll, as the page would until it reconnects
                keep_polling(device, until, 0.0)
                return
            if line.startswith(b"event: changed") or time.monotonic() - last >= SAFETY_SECONDS:
                device.poll()
                last = time.monotonic()
    except OSError:
        refused.append(0)
    finally:
        connection.close()


def keep_asking(url: str, until: float, offset: float, out: list[tuple[int, float]]) -> None:
    next_at = time.monotonic() + offset
    while next_at < until:
        time.sleep(max(0.0, next_at - time.monotonic()))
        status, _, _, seconds = request(url)
        out.append((status, seconds))
        next_at += POLL_SECONDS


def csrf_of(base: str, meeting: str, session: str) -> tuple[str, str, int]:
    """The CSRF cookie and form token a signed-in facilitator's page carries, and the run's version it shows.

    The version matters when a meeting is measured again at the next device count: its run has moved on, and a
    command sent with the first run's version would be refused as a conflict, as the page refuses a stale one.
    """
    status, headers, body, _ = request(f"{base}/meetings/{meeting}/live/", session)
    if status != 200:
        sys.exit(f"the facilitator's live page answered {status}")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not cookie or not token:
        sys.exit("no CSRF token on the facilitator's live page")
    version = re.search(r'data-version="(\d+)"', body)
    return cookie[1], token[1], int(version[1]) if version else 1


def facilitate(
    base: str, meeting: dict[str, Any], session: str, until: float, every: float, offset: float, changes: list[Any]
) -> None:
    """Every `every` seconds, a change: +5 min (the run's version) and a bid recorded for a member (the room's)."""
    cookie, token, version = csrf_of(base, meeting["meeting"], session)
    headers = {"Cookie": f"; csrftoken={cookie}", "X-CSRFToken": token, "HX-Request": "true", "Referer": base + "/"}
    turn = 0
    next_at = time.monotonic() + offset
    while next_at < until:
        time.sleep(max(0.0, next_at - time.monotonic()))
        sent = time.monotonic()
        if turn % 2 == 0:
            form = {"command": "extend", "version": str(version)}
            url = f"{base}/meetings/{meeting['meeting']}/live/command/"
        else:
            member = meeting["members"][turn // 2 % len(meeting["members"])]
            form = {
                "member": member["enrolment"],
                "needs_time": "yes",
                "minutes": str(5 * (1 + turn % 20)),
                "panel": "bids",
            }
            url = f"{base}/sets/meetings/{meeting['meeting']}/bids/"
        status, _, body, _ = request(url, session, headers, urllib.parse.urlencode(form).encode())
        found = re.search(r'data-version="(\d+)"', body)
        if found:
            version = int(found[1])
        changes.append((sent, status))
        turn += 1
        next_at += every


# --- one device count ----------------------------------------------------------------------------------------------


@dataclass
class Row:
    devices: int
    meetings: int
    health_ms: list[float]
    health_cpu_ms: float
    poll_ms: list[float]
    poll_cpu_ms: float
    reach_ms: list[float]
    #: The servers' CPU (web, and the event streams' when there are streams) per device per second of the meeting.
    device_cpu_ms: float
    polls: int
    changes: int
    failures: int
    missed: int


def measure(
    base: str, master: int, world: dict[str, Any], count: int, args: argparse.Namespace, events: Server | None = None
) -> Row:
    meetings = world["meetings"][: math.ceil(count / args.per_meeting)]
    sessions = [(i, m) for i, meeting in enumerate(meetings) for m in meeting["members"]][:count]

    # The reference: the same number of clients asking for /healthz at the same rate.
    health: list[tuple[int, float]] = []
    cpu = gunicorn_cpu(master)
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=keep_asking, args=(base + "/healthz", until, random.random(), health))
        for _ in range(count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    health_cpu = (gunicorn_cpu(master) - cpu) / max(1, len(health)) * 1000

    # The meeting: devices polling, facilitators changing things.
    devices = [Device(i, m["session"], f"{base}/meetings/{meetings[i]['meeting']}/live/state/") for i, m in sessions]
    for device in devices:
        device.poll()  # each device has loaded its page: it holds the current tag
    changes: dict[int, list[Any]] = {i: [] for i in range(len(meetings))}
    refused: list[int] = []
    cpu = gunicorn_cpu(master) + (gunicorn_cpu(events.process.pid) if events else 0.0)
    started = time.monotonic()
    until = started + args.seconds
    if events:
        listeners = [
            threading.Thread(
                target=keep_listening,
                args=(d, f"{events.url}/meetings/{meetings[d.meeting]['meeting']}/live/events/", until, refused),
            )
            for d in devices
        ]
    else:
        listeners = [
            threading.Thread(target=keep_polling, args=(d, until, random.random() * POLL_SECONDS)) for d in devices
        ]
    threads = listeners + [
        threading.Thread(
            target=facilitate,
            args=(
                base,
                m,
                world["facilitator"],
                until - POLL_SECONDS * 3,
                args.every,
                1 + random.random() * args.every,
                changes[i],
            ),
        )
        for i, m in enumerate(meetings)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    polls = sum(len(d.log) for d in devices) - len(devices)
    requests = polls + sum(len(c) for c in changes.values())
    used = gunicorn_cpu(master) + (gunicorn_cpu(events.process.pid) if events else 0.0) - cpu
    poll_cpu = used / max(1, requests) * 1000

    # From each change to each device of its meeting holding a tag it did not hold when the change was sent.
    reach: list[float] = []
    missed = 0
    for device in devices:
        for sent, status in changes[device.meeting]:
            if status != 200:
                continue
            before = [tag for at, _, tag in device.log if at <= sent]
            held = before[-1] if before else ""
            seen = next((at for at, code, tag in device.log if at > sent and code == 200 and tag != held), None)
            if seen is None:
                missed += 1
            else:
                reach.append((seen - sent) * 1000)
    failures = (
        sum(1 for d in devices for _, status, _ in d.log if status not in (200, 304))
        + sum(1 for c in changes.values() for _, status in c if status != 200)
        + len(refused)
    )
    return Row(
        devices=len(devices),
        meetings=len(meetings),
        health_ms=[s * 1000 for _, s in health],
        health_cpu_ms=health_cpu,
        poll_ms=[s * 1000 for d in devices for s in d.seconds[1:]],
        poll_cpu_ms=poll_cpu,
        reach_ms=reach,
        device_cpu_ms=used / max(1, len(devices)) / elapsed * 1000,
        polls=polls,
        changes=sum(len(c) for c in changes.values()),
        failures=failures,
        missed=missed,
    )


def report(rows: list[Row]) -> None:
    print()
    print(
        "| devices (meetings) | change reaches a device: p50 / p95 / max | poll p95 ÷ /healthz p95 | "
        "app CPU per request ÷ /healthz | app CPU per request | server CPU per device-second | polls | changes | "
        "not 200/304 | missed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        p95_ratio = percentile(r.poll_ms, 95) / percentile(r.health_ms, 95)
        print(
            f"| {r.devices} ({r.meetings}) | {percentile(r.reach_ms, 50):.0f} / {percentile(r.reach_ms, 95):.0f} / "
            f"{max(r.reach_ms, default=float('nan')):.0f} ms | {percentile(r.poll_ms, 95):.0f} ÷ "
            f"{percentile(r.health_ms, 95):.0f} ms = {p95_ratio:.1f} | {r.poll_cpu_ms / r.health_cpu_ms:.2f} | "
            f"{r.poll_cpu_ms:.2f} ms | {r.device_cpu_ms:.2f} ms | {r.polls} | {r.changes} | "
            f"{r.failures} | {r.missed} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of the benchmark's own")
    parser.add_argument("--devices", default="10,50,100", help="device counts to measure, each in its own run")
    parser.add_argument("--per-meeting", type=int, default=8, help="devices (members) per meeting")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per device count")
    parser.add_argument("--every", type=float, default=3.0, help="seconds between one facilitator's changes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--cache-url", help="CACHE_URL for the served app (the database's cache table without it)")
    parser.add_argument(
        "--events",
        action="store_true",
        help="devices hold the meeting's event stream (a second gunicorn, actionset.gunicorn_events_conf) and poll "
        "when it says a change, as live.js does where streams are served; without it they poll every second",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the working directory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    counts = [int(n) for n in args.devices.split(",")]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"{args.workers} gunicorn workers on PostgreSQL; cache: {args.cache_url or 'the database'}; devices "
        f"{args.devices}, {args.per_meeting} a meeting, "
        f"{'event streams, polling on each change' if args.events else f'polling every {POLL_SECONDS:g} s'}; "
        f"a change every {args.every:g} s in each meeting; {args.seconds:g} s each",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="actionset-livebench-"))
    rows: list[Row] = []
    try:
        with database(args.database_url, workdir, args.keep) as url:
            env = production_env(url, workdir)
            if args.cache_url:
                env["CACHE_URL"] = args.cache_url
            manage(env, "migrate", "--verbosity", "0")
            manage(env, "createcachetable")
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            meetings = math.ceil(max(counts) / args.per_meeting)
            code = BUILD.replace("MEETINGS", str(meetings)).replace("PER_MEETING", str(args.per_meeting))
            out = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=REPO,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            world = json.loads(out.split("BUILT ", 1)[1])
            with gunicorn(env, args.workers, workdir) as server, ExitStack() as stack:
                events = (
                    stack.enter_context(gunicorn(env, 1, workdir, config="actionset.gunicorn_events_conf"))
                    if args.events
                    else None
                )
                for count in counts:
                    row = measure(server.url, server.process.pid, world, count, args, events)
                    print(
                        f"{row.devices} devices: change reaches a device p95 {percentile(row.reach_ms, 95):.0f} ms; "
                        f"load average {os.getloadavg()[0]:.2f}",
                        flush=True,
                    )
                    rows.append(row)
            report(rows)
    finally:
        _clean_up(args, workdir)
    return 1 if any(r.failures or r.missed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
