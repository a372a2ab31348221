"""Benchmark the web processes as production runs them: gunicorn's workers and timeout from measurement (issue 20).

One run builds a database with the demo world (SQLite in a temporary directory, or the PostgreSQL database named by
``--database-url``, dropped and created afresh), runs ``migrate``, ``demo_seed`` and ``collectstatic`` with
production settings (DEBUG off, a generated SECRET_KEY), then for each worker count starts
``gunicorn -c python:actionset.gunicorn_conf actionset.wsgi`` with ``WEB_CONCURRENCY=N`` on a free port and drives it
with simulated people for a fixed time.

Each simulated person is a thread with a cookie jar of its own, signed in through the real sign-in form (CSRF
included) as one of the demo logins, looping over its role's main pages with a random think time between requests
(its first request after a random part of one think time, so the people are spread out in time as real ones are,
and only requests sent after the warm-up are measured).
The pages are found by following links from each login's home page (two levels deep, see ``MAIN_PAGES``), so they
are what that person really sees. One more client asks for ``/healthz`` (no query, no template) throughout: its
latency is the time a request waits for a free worker plus the machine's own noise, the reference every page figure
is divided by. The machine may be shared, so every figure is read against a reference measured in the same run (the
first worker count, and ``/healthz``); nothing here asserts a wall-clock limit.

With ``--scale demo|10k|100k`` (issue 21) it measures pages at a customer's size instead: every main page of every
role, alone (bench/webcost.py: queries, the application's and PostgreSQL's CPU per request, against ``/healthz`` and
an unchanged live poll), at the demo world and then at each larger world up to the one asked for (bench/webscale.py
builds them, on PostgreSQL), then loads the largest with 50 people thinking 5 s on 2 workers and gives each role's
pages' p50/p95/p99 as ratios to ``/healthz``'s p95 in the same run.

Usage:
  python bench/web.py [--workers 1,2,3,5] [--clients 20] [--seconds 30] [--think 0.5]
                      [--database-url postgres://postgres@127.0.0.1:5432/actionset_webbench] [--keep]
  python bench/web.py --scale 10k --database-url postgres://postgres@127.0.0.1:5432/actionset_webbench
                      [--seconds 120] [--min-seconds 0.5] [--cache-url redis://127.0.0.1:6379/2]
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: The pages a person uses day to day, by kind. A link up to DEPTH steps from a person's home page that matches one
#: of these joins that person's mix if it answers 200; exports, calendar files, account settings and the admin do
#: not. Issue 21 widens this to every page of every role.
MAIN_PAGES: list[tuple[str, str]] = [
    ("home", r"/"),
    ("programme list", r"/programmes/"),
    ("programme", rf"/programmes/{UUID}/"),
    ("set board", rf"/sets/programme/{UUID}/"),
    ("set", rf"/sets/{UUID}/"),
    ("calendar", r"/calendar/"),
    ("journal", r"/journal/"),
    ("shared learning", rf"/learning/(shared|sets/{UUID}|programmes/{UUID})/"),
    ("results", rf"/evaluation/programmes/{UUID}/"),
    ("surveys", rf"/evaluation/surveys/({UUID}/)?"),
    ("staff list", r"/provider/staff/"),
    ("organisations", rf"/organisations/({UUID}/(people/)?)?"),
    ("portfolio", rf"/portfolio/({UUID}/)?"),
    ("training", rf"/training/(bookings|manage)/|/training/cohorts/{UUID}/"),
]
#: Downloads (PDF reports, evidence packs, spreadsheets), the slowest requests there are: not in the mix, since
#: people ask for them now and then, but each found is timed once, alone, for gunicorn's timeout to be read against.
EXPORTS = r"/\S*\.(pdf|csv|xlsx|md)"
#: At most this many pages of one kind per person (a programme designer's home lists every set), so that each kind
#: weighs about the same in the mix however large the demo world grows.
PER_KIND = 2
#: Links are followed this many steps from a person's home page.
DEPTH = 2
#: The demo logins driven, cycled over the clients: every role, from both organisations.
LOGINS = [
    "admin@provider.example",
    "designer@provider.example",
    "facilitator@provider.example",
    "trainer@provider.example",
    "orgadmin@northwind.example",
    "sponsor@northwind.example",
    "participant@northwind.example",
    "participant@southfield.example",
]
PASSWORD = "demo"
#: A request slower than this counts as timed out (and is reported); gunicorn's own timeout is longer.
CLIENT_TIMEOUT = 30.0


def kind_of(path: str) -> str | None:
    for kind, pattern in MAIN_PAGES:
        if re.fullmatch(pattern, path):
            return kind
    return None


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


# --- the database and the settings --------------------------------------------------------------------------------


@contextmanager
def database(url: str | None, workdir: Path, keep: bool, template: str | None = None) -> Iterator[str]:
    """A fresh database's URL: a SQLite file in ``workdir``, or the PostgreSQL database ``url`` names, made afresh
    (as a copy of the database ``template``, when given)."""
    if not url:
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    # The database is dropped first: refuse the test suite's databases and anything not obviously a benchmark's own.
    if not name or name == "test" or name.startswith("test_") or "bench" not in name:
        sys.exit(f"--database-url names {name!r}: use a database of the benchmark's own, e.g. actionset_webbench")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield url
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DEMO_MODE", "TASKS_IMMEDIATE", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="actionset.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_URL="consolemail://",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        HOST="127.0.0.1",
        # Each simulated person sends an address of its own in X-Forwarded-For, as people behind the production
        # proxy do; otherwise allauth's per-address sign-in limit (30 a minute) would hold back more than 30 clients.
        TRUSTED_PROXY_COUNT="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


# --- gunicorn -------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory(pid: int) -> dict[str, int]:
    """A process's peak resident memory (VmHWM) and its proportional share now (Pss), in kilobytes; empty once gone.

    Pss divides each page shared with other processes (libraries, the master's memory a worker was forked with) among
    them, so adding it up over gunicorn's processes gives the memory they take together, which adding RSS overstates.
    """
    found = {}
    for name, key in ((f"/proc/{pid}/status", "VmHWM"), (f"/proc/{pid}/smaps_rollup", "Pss")):
        try:
            text = Path(name).read_text()
        except OSError:
            return {}
        for line in text.splitlines():
            if line.startswith(key + ":"):
                found[key] = int(line.split()[1])
    return found


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name (field 2) may hold spaces; the parent's id is the second field after it.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@dataclass
class Memory:
    """Memory of gunicorn's processes, sampled from /proc while the server runs: the largest worker's peak resident
    memory, and the most the master and its workers took together (Pss)."""

    worker_peak_kb: int = 0
    total_peak_kb: int = 0
    workers_seen: set[int] = field(default_factory=set)

    def sample(self, master: int) -> None:
        workers = _children(master)
        self.workers_seen.update(workers)
        measured = [_memory(pid) for pid in workers]
        self.worker_peak_kb = max([self.worker_peak_kb, *(m.get("VmHWM", 0) for m in measured)])
        total = _memory(master).get("Pss", 0) + sum(m.get("Pss", 0) for m in measured)
        self.total_peak_kb = max(self.total_peak_kb, total)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    memory: Memory


@contextmanager
def gunicorn(
    env: dict[str, str], workers: int, workdir: Path, config: str = "actionset.gunicorn_conf"
) -> Iterator[Server]:
    """gunicorn with `config` on a free port, once it answers /healthz with all its workers started.

    The port and worker count reach the config through the environment, under the names both configs read
    (the web process's PORT and WEB_CONCURRENCY, the event streams' EVENTS_PORT and EVENTS_WORKERS)."""
    port = free_port()
    log = workdir / f"gunicorn-{config.rsplit('.', 1)[-1]}-{workers}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", f"python:{config}", "actionset.wsgi"],
            cwd=REPO,
            env={
                **env,
                "PORT": str(port),
                "WEB_CONCURRENCY": str(workers),
                "EVENTS_PORT": str(port),
                "EVENTS_WORKERS": str(workers),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, Memory())
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.5):
            server.memory.sample(process.pid)

    watcher = threading.Thread(target=watch, daemon=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                sys.exit(f"gunicorn stopped while starting:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
                    if response.status == 200 and len(_children(process.pid)) >= workers:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"gunicorn did not answer /healthz within 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
        watcher.start()
        yield server
    finally:
        stop.set()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- simulated people -----------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is a response of its own to time and to count, never followed silently.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Sample:
    kind: str
    path: str
    status: int  # 0: timed out or the connection failed
    seconds: float
    login: str = ""


def _text(body: bytes, headers: Any) -> str:
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8", "replace")


class Person:
    """One simulated person: a login, a cookie jar and an address of their own."""

    def __init__(self, number: int, login: str) -> None:
        self.login = login
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.address = f"10.{number // 250}.{number % 250}.{1 + number % 200}"
        self.pages: list[tuple[str, str]] = []
        self.exports: set[str] = set()

    def fetch(self, base: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Browsers ask for compressed pages, so the simulated people do too.
        headers = {"X-Forwarded-For": self.address, "Accept-Encoding": "gzip"}
        request = urllib.request.Request(base + path, data=body, headers=headers)
        clock = time.perf_counter()
        try:
            with self.opener.open(request, timeout=CLIENT_TIMEOUT) as response:
                status, text = response.status, _text(response.read(), response.headers)
        except urllib.error.HTTPError as error:
            status, text = error.code, _text(error.read(), error.headers)
        except OSError:
            status, text = 0, ""
        return status, text, time.perf_counter() - clock

    def sign_in(self, base: str) -> None:
        status, page, _ = self.fetch(base, "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            sys.exit(f"{self.login}: the sign-in page answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": token.group(1), "login": self.login, "password": PASSWORD}
        status, _, _ = self.fetch(base, "/accounts/login/", form)
        if status != 302 or not any(cookie.name == "sessionid" for cookie in self.jar):
            sys.exit(f"{self.login}: signing in answered {status} without a session")

    def discover(self, base: str) -> list[str]:
        """Find this person's main pages: home, those it links to, and theirs. Returns the ones not answering 200."""
        queue = [("home", "/", 0)]
        seen, failed = {"/"}, []
        taken: dict[str, int] = defaultdict(int)
        self.pages = []
        while queue:
            kind, path, depth = queue.pop(0)
            status, page, _ = self.fetch(base, path)
            if status != 200:
                failed.append(f"{path} {status}")
                continue
            self.pages.append((kind, path))
            if depth == DEPTH:
                continue
            for link in re.findall(r'href="(/[^"#?]*)"', page):
                if re.fullmatch(EXPORTS, link):
                    self.exports.add(link)
                found = kind_of(link)
                if found and link not in seen and taken[found] < PER_KIND:
                    seen.add(link)
                    taken[found] += 1
                    queue.append((found, link, depth + 1))
        return failed

    def drive(
        self, base: str, measured: tuple[float, float], think: float, rng: random.Random, out: list[Sample]
    ) -> None:
        """Ask for this person's pages one after another, thinking between them, until the measured window ends;
        only requests sent within the window are kept.

        The first comes after a pause of up to one think time: people do not all click at the same moment, and
        fifty requests sent at once would measure one queue of fifty at the start of the window (and, as the people
        stay in step, its echoes) rather than the pages."""
        start, until = measured
        time.sleep(think * rng.uniform(0.0, 1.0))
        while time.monotonic() < until:
            kind, path = rng.choice(self.pages)
            sent = time.monotonic()
            status, _, seconds = self.fetch(base, path)
            if sent >= start:
                out.append(Sample(kind, path, status, seconds, self.login))
            time.sleep(think * rng.uniform(0.5, 1.5))


def probe_health(base: str, measured: tuple[float, float], interval: float, out: list[Sample]) -> None:
    prober = Person(0, "(none)")
    start, until = measured
    while time.monotonic() < until:
        sent = time.monotonic()
        status, _, seconds = prober.fetch(base, "/healthz")
        if sent >= start:
            out.append(Sample("healthz", "/healthz", status, seconds))
        time.sleep(interval)


@dataclass
class Result:
    workers: int
    seconds: float
    pages: list[Sample]
    health: list[Sample]
    memory: Memory
    log_timeouts: int
    log_errors: int

    def times(self, samples: list[Sample] | None = None) -> list[float]:
        return [s.seconds for s in (self.pages if samples is None else samples) if s.status == 200]

    @property
    def failures(self) -> list[Sample]:
        return [s for s in self.pages + self.health if s.status != 200]


def load(
    server: Server, people: list[Person], args: argparse.Namespace, seconds: float, warmup: float
) -> tuple[list[Sample], list[Sample]]:
    """The people and the /healthz probe at work for `warmup` seconds, then `seconds` more that are measured: one
    stretch, so the people are already spread out in time when the measured window opens."""
    pages: list[Sample] = []
    health: list[Sample] = []
    start = time.monotonic() + warmup
    measured = (start, start + seconds)
    threads = [
        threading.Thread(
            target=person.drive, args=(server.url, measured, args.think, random.Random(args.seed + n), pages)
        )
        for n, person in enumerate(people)
    ]
    threads.append(threading.Thread(target=probe_health, args=(server.url, measured, args.health_interval, health)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pages, health


def run(
    env: dict[str, str],
    workers: int,
    people: list[Person],
    args: argparse.Namespace,
    workdir: Path,
    prepare: bool,
    exports: list[Sample],
) -> Result:
    with gunicorn(env, workers, workdir) as server:
        if prepare:
            print(f"signing in {len(people)} people and finding their pages (not timed)...", flush=True)
            for person in people:
                person.sign_in(server.url)
            # People signed in with the same login see the same pages: found once, through the first of them.
            first: dict[str, Person] = {}
            for person in people:
                first.setdefault(person.login, person)
            for person in first.values():
                failed = person.discover(server.url)
                kinds = sorted({kind for kind, _ in person.pages})
                print(f"  {person.login:<32} {len(person.pages):2d} pages: {', '.join(kinds)}")
                for failure in failed:
                    print(f"    not 200, left out: {failure}")
            for person in people:
                person.pages = first[person.login].pages
                if not person.pages:
                    sys.exit(f"{person.login}: no page of theirs answered 200")
            timed: set[str] = set()
            for person in first.values():
                for path in sorted(person.exports - timed):
                    timed.add(path)
                    status, body, seconds = person.fetch(server.url, path)
                    exports.append(Sample("export", path, status, seconds))
                    print(f"  export {path} as {person.login}: {status}, {len(body) // 1024} KB, {seconds:.2f} s")
        # Every worker opens its database connection and prepares its statements on its first requests: the
        # warm-up's requests are not kept.
        pages, health = load(server, people, args, args.seconds, args.warmup)
        elapsed = args.seconds
        memory = server.memory
    text = server.log.read_text(errors="replace")
    return Result(
        workers, elapsed, pages, health, memory, text.count("WORKER TIMEOUT"), len(re.findall(r"\] ERROR|^ERROR", text))
    )


# --- the report -----------------------------------------------------------------------------------------------------


def report(results: list[Result], exports: list[Sample]) -> None:
    reference = results[0]
    ref_rate = len(reference.times()) / reference.seconds
    ref_p95 = percentile(reference.times(), 95)
    ref_health = percentile(reference.times(reference.health), 95)
    print("\n# page mix and /healthz, milliseconds; responses not 200 (5xx, timeouts) are listed below the tables")
    print("# worker MB: the largest worker's peak resident memory; total MB: the master and workers together (Pss)")
    print(
        f"{'workers':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'health p95':>10} {'not 200':>7} "
        f"{'worker MB':>9} {'total MB':>8}"
    )
    for r in results:
        t = r.times()
        print(
            f"{r.workers:7d} {len(t) / r.seconds:7.1f} {percentile(t, 50) * 1000:7.0f} {percentile(t, 95) * 1000:7.0f} "
            f"{percentile(t, 99) * 1000:7.0f} {percentile(r.times(r.health), 95) * 1000:10.1f} {len(r.failures):7d} "
            f"{r.memory.worker_peak_kb / 1024:9.0f} {r.memory.total_peak_kb / 1024:8.0f}"
        )
    print(f"\n# ratio to the {reference.workers}-worker run")
    print(f"{'workers':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'health p95':>10} {'total MB':>8}")
    for r in results:
        t = r.times()
        print(
            f"{r.workers:7d} {len(t) / r.seconds / ref_rate:7.2f} "
            f"{percentile(t, 50) / percentile(reference.times(), 50):7.2f} {percentile(t, 95) / ref_p95:7.2f} "
            f"{percentile(t, 99) / percentile(reference.times(), 99):7.2f} "
            f"{percentile(r.times(r.health), 95) / ref_health:10.2f} "
            f"{r.memory.total_peak_kb / max(reference.memory.total_peak_kb, 1):8.2f}"
        )
    print("\n# ratio to /healthz's p95 in the same run")
    print(f"{'workers':>7} {'p50':>7} {'p95':>7} {'p99':>7}")
    for r in results:
        t, health = r.times(), percentile(r.times(r.health), 95)
        print(
            f"{r.workers:7d} {percentile(t, 50) / health:7.1f} {percentile(t, 95) / health:7.1f} "
            f"{percentile(t, 99) / health:7.1f}"
        )
    print("\n# pages by kind, every run together, milliseconds (slowest p99 first)")
    print(f"{'kind':<18} {'requests':>8} {'p50':>7} {'p99':>7} {'max':>7}  slowest path")
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for r in results:
        for s in r.pages:
            if s.status == 200:
                by_kind[s.kind].append(s)
    rows = sorted(by_kind.items(), key=lambda item: -percentile([s.seconds for s in item[1]], 99))
    for kind, samples in rows:
        t = [s.seconds for s in samples]
        slowest = max(samples, key=lambda s: s.seconds)
        print(
            f"{kind:<18} {len(t):8d} {percentile(t, 50) * 1000:7.0f} {percentile(t, 99) * 1000:7.0f} "
            f"{max(t) * 1000:7.0f}  {slowest.path}"
        )
    if rows:
        kind, samples = rows[0]
        print(
            f"slowest page: {kind}, p99 {percentile([s.seconds for s in samples], 99):.2f} s, "
            f"longest single request {max(s.seconds for r in results for s in r.pages):.2f} s"
        )
    if exports:
        slowest = max(exports, key=lambda s: s.seconds)
        print(
            f"slowest of {len(exports)} exports, each timed once alone on the first server: {slowest.path}, "
            f"{slowest.seconds:.2f} s (status {slowest.status})"
        )
    for r in results:
        failures = r.failures
        if failures or r.log_timeouts or r.log_errors:
            counts: dict[tuple[str, int], int] = defaultdict(int)
            for s in failures:
                counts[s.path, s.status] += 1
            listed = ", ".join(f"{path} {status or 'timeout'} x{n}" for (path, status), n in sorted(counts.items()))
            print(
                f"{r.workers} workers: {len(failures)} responses not 200 ({listed or 'none'}); gunicorn's log: "
                f"{r.log_timeouts} WORKER TIMEOUT, {r.log_errors} ERROR lines"
            )
    print(f"workers replaced or started: {', '.join(f'{r.workers}→{len(r.memory.workers_seen)}' for r in results)}")


# --- pages at a customer's size (issue 21) --------------------------------------------------------------------------

#: Stages of the world, each built on the one before: the demo world, Northwind grown to 10,000 people, and ten
#: organisations of 10,000 (bench/webscale.py).
SCALES = {"demo": 0, "10k": 1, "100k": 10}
#: How each login is named in the table.
ROLE_OF = {
    "admin@provider.example": "administrator",
    "designer@provider.example": "designer",
    "facilitator@provider.example": "facilitator",
    "trainer@provider.example": "trainer",
    "orgadmin@northwind.example": "org admin",
    "sponsor@northwind.example": "sponsor",
    "participant@northwind.example": "participant",
    "participant@southfield.example": "participant (S)",
}


def measure_costs(env: dict[str, str], min_seconds: float) -> dict[str, Any]:
    """bench/webcost.py in a process of its own: every main page's queries and CPU, one request at a time."""
    done = subprocess.run(
        [sys.executable, "bench/webcost.py", "--min-seconds", str(min_seconds)],
        cwd=REPO,
        env={**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def database_sessions(url: str) -> int:
    """Connections PostgreSQL has accepted to the benchmark's database so far (pg_stat_database.sessions)."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,)).fetchone()
    return int(row[0]) if row else 0


def _by_role_kind(pages: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for page in pages:
        if page["status"] == 200:
            grouped[ROLE_OF.get(page["login"], page["login"]), page["kind"]].append(page)
    return grouped


def scale_report(costs: dict[str, dict[str, Any]], load: Result | None, sessions: int | None, workers: int) -> None:
    largest = list(costs)[-1]
    health = costs[largest]["healthz"]
    health_cpu = health["app_ms"] + health["db_ms"]
    health_p95 = percentile(load.times(load.health), 95) if load else float("nan")
    grouped = {scale: _by_role_kind(found["pages"]) for scale, found in costs.items()}
    latency: dict[tuple[str, str], list[float]] = defaultdict(list)
    if load:
        for sample in load.pages:
            if sample.status == 200:
                latency[ROLE_OF.get(sample.login, sample.login), sample.kind].append(sample.seconds)
    scales = list(costs)
    print("\n# every main page of every role; queries: the most one page of the kind makes, at each scale")
    print(
        f"# CPU-ms per request at {largest} (mean over the role's pages of the kind), alone, in-process; x min: ratio "
        f"to the minimal view's CPU ({health_cpu:.2f} ms: app {health['app_ms']:.2f} + db {health['db_ms']:.2f}, the "
        f"median of {len(health.get('readings_ms', [1]))} readings: "
        f"{', '.join(f'{r:.2f}' for r in health.get('readings_ms', [health_cpu]))}); KB: gzipped, as sent"
    )
    if load:
        print(
            "# latency under the load: p50/p95/p99 as ratios to the minimal "
            f"view's p95 in the same run ({health_p95 * 1000:.1f} ms); n: requests"
        )
    header = f"{'role':<15} {'page':<16}" + "".join(f" {'q ' + s:>8}" for s in scales)
    header += f" {'app ms':>7} {'db ms':>6} {'x min':>6} {'KB':>5} {'n':>4} {'p50':>5} {'p95':>5} {'p99':>5}"
    print(header)
    keys = sorted(
        {key for g in grouped.values() for key in g},
        key=lambda k: (list(ROLE_OF.values()).index(k[0]) if k[0] in ROLE_OF.values() else 99, k[1]),
    )
    for key in keys:
        row = f"{key[0]:<15} {key[1]:<16}"
        for scale in scales:
            found = grouped[scale].get(key)
            row += f" {max(p['queries'] for p in found) if found else '-':>8}"
        found = grouped[largest].get(key, [])
        if found:
            app = statistics.mean(p["app_ms"] for p in found)
            db = statistics.mean(p["db_ms"] for p in found)
            size = statistics.mean(p["bytes"] for p in found) / 1024
            row += f" {app:7.1f} {db:6.1f} {(app + db) / health_cpu:6.1f} {size:5.0f}"
        else:
            row += f" {'-':>7} {'-':>6} {'-':>6} {'-':>5}"
        times = latency.get(key, [])
        if times:
            row += f" {len(times):4d}" + "".join(f" {percentile(times, p) / health_p95:5.1f}" for p in (50, 95, 99))
        print(row)
    poll = costs[largest].get("live poll")
    if poll:
        cpu = poll["app_ms"] + poll["db_ms"]
        print(
            f"\nunchanged live poll ({poll['status']}): {poll['queries']} queries, app {poll['app_ms']:.2f} + db "
            f"{poll['db_ms']:.2f} = {cpu:.2f} CPU-ms, {cpu / health_cpu:.1f} x the minimal view"
        )
    if load:
        all_times = load.times()
        print(
            f"the whole mix under load: {len(all_times)} pages in {load.seconds:.0f} s, p50 "
            f"{percentile(all_times, 50) * 1000:.0f} ms, p95 {percentile(all_times, 95) * 1000:.0f} ms, p99 "
            f"{percentile(all_times, 99) * 1000:.0f} ms; minimal view p50 "
            f"{percentile(load.times(load.health), 50) * 1000:.1f} ms, p95 {health_p95 * 1000:.1f} ms, p99 "
            f"{percentile(load.times(load.health), 99) * 1000:.1f} ms; {len(load.failures)} not 200"
        )
        print(
            f"memory: the largest worker's peak {load.memory.worker_peak_kb / 1024:.0f} MB resident, the master and "
            f"workers together at most {load.memory.total_peak_kb / 1024:.0f} MB (Pss)"
        )
    if sessions is not None:
        print(f"database connections opened during the load: {sessions} ({workers} gunicorn workers)")


def scale_main(args: argparse.Namespace) -> int:
    if SCALES[args.scale] and not args.database_url:
        sys.exit("--scale 10k and 100k run on PostgreSQL: give --database-url")
    workers = int(args.workers.split(",")[0])
    workdir = Path(tempfile.mkdtemp(prefix="actionset-webbench-"))
    costs: dict[str, dict[str, Any]] = {}
    load_result: Result | None = None
    sessions: int | None = None
    try:
        with database(args.database_url, workdir, args.keep, args.template) as url:
            env = production_env(url, workdir)
            if args.cache_url:
                env["CACHE_URL"] = args.cache_url
            clock = time.monotonic()
            if not args.template:
                manage(env, "migrate", "--verbosity", "0")
                manage(env, "demo_seed")
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            print(f"migrate, demo_seed, collectstatic: {time.monotonic() - clock:.0f} s", flush=True)
            for scale, organisations in SCALES.items():
                if args.template and scale != args.scale:
                    continue  # the copy is the world already grown: only its own size is measured
                if organisations and not args.template:
                    clock = time.monotonic()
                    subprocess.run(
                        [sys.executable, "bench/webscale.py", "--organisations", str(organisations)],
                        cwd=REPO,
                        env=env,
                        check=True,
                    )
                    if url.startswith("postgres"):
                        # Thousands of rows just made in bulk, the planner's statistics still those of the demo
                        # world and no page yet marked all-visible (so no count can be read from an index alone)
                        # until autovacuum comes round: a customer's database has been vacuumed and analysed.
                        with psycopg.connect(url, autocommit=True) as conn:
                            conn.execute("VACUUM ANALYZE")
                    print(f"built the {scale} world: {time.monotonic() - clock:.0f} s", flush=True)
                clock = time.monotonic()
                costs[scale] = measure_costs(env, args.min_seconds)
                print(
                    f"{scale}: {len(costs[scale]['pages'])} pages measured one at a time, "
                    f"{time.monotonic() - clock:.0f} s",
                    flush=True,
                )
                if scale == args.scale:
                    break
            if args.seconds > 0:
                people = [Person(n + 1, LOGINS[n % len(LOGINS)]) for n in range(args.clients)]
                before = database_sessions(url) if args.database_url else None
                load_result = run(env, workers, people, args, workdir, True, [])
                if before is not None:
                    sessions = database_sessions(url) - before
            scale_report(costs, load_result, sessions, workers)
    finally:
        _clean_up(args, workdir)
    return 1 if load_result and load_result.failures else 0


def _clean_up(args: argparse.Namespace, workdir: Path) -> None:
    """Remove the run's files unless asked to keep them; the load average at the end, for reading the figures."""
    if args.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,3,5", help="gunicorn worker counts, the first is the reference")
    parser.add_argument("--clients", type=int, default=20, help="simulated people at once")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per worker count")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed load before each measurement")
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between one person's requests")
    parser.add_argument("--health-interval", type=float, default=0.1, help="pause between /healthz requests")
    parser.add_argument("--database-url", help="a PostgreSQL database of the benchmark's own (dropped first)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database and the working directory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        help="measure every main page at the demo world and up to this size, then load it: --workers' first count "
        "(2 unless given), --clients (50 unless given), --think (5 s unless given), --seconds (120 unless given), "
        "--warmup (two think times unless given)",
    )
    parser.add_argument("--min-seconds", type=float, default=0.5, help="with --scale: time each page is measured")
    parser.add_argument("--cache-url", help="CACHE_URL for the served app, e.g. redis://127.0.0.1:6379/2")
    parser.add_argument(
        "--template",
        help="with --scale: start from a copy of this PostgreSQL database, the world already grown to --scale (one "
        "an earlier run kept with --keep), instead of building it; only that size is measured",
    )
    args = parser.parse_args()
    if args.scale:
        given = set(sys.argv)
        args.workers = args.workers if "--workers" in given else "2"
        args.clients = args.clients if "--clients" in given else 50
        args.think = args.think if "--think" in given else 5.0
        args.seconds = args.seconds if "--seconds" in given else 120.0
        # Two think times: every person has started (each within one) and settled into their own rhythm.
        args.warmup = args.warmup if "--warmup" in given else 2 * args.think
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(
            f"scale {args.scale}; database: {'PostgreSQL' if args.database_url else 'SQLite'}; cache: "
            f"{args.cache_url or 'the database'}; {args.clients} people, think {args.think:g} s, {args.workers} "
            f"workers of {os.environ.get('WEB_THREADS', '1')} thread(s), {args.seconds:g} s after {args.warmup:g} s "
            f"of warm-up{f', from a copy of {args.template}' if args.template else ''}",
            flush=True,
        )
        return scale_main(args)
    counts = [int(n) for n in args.workers.split(",")]

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    # The machine may be shared: say how busy it was.
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; {args.clients} people, think {args.think} s, "
        f"{args.seconds:g} s per worker count after {args.warmup:g} s of warm-up",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="actionset-webbench-"))
    results: list[Result] = []
    try:
        with database(args.database_url, workdir, args.keep) as url:
            env = production_env(url, workdir)
            clock = time.monotonic()
            manage(env, "migrate", "--verbosity", "0")
            manage(env, "demo_seed")
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            print(f"migrate, demo_seed, collectstatic: {time.monotonic() - clock:.0f} s", flush=True)
            people = [Person(n + 1, LOGINS[n % len(LOGINS)]) for n in range(args.clients)]
            exports: list[Sample] = []
            for index, workers in enumerate(counts):
                # The sessions live in the database, so the people signed in on the first server stay signed in.
                result = run(env, workers, people, args, workdir, index == 0, exports)
                t = result.times()
                print(
                    f"{workers} workers: {len(t)} pages, p95 {percentile(t, 95) * 1000:.0f} ms, "
                    f"{len(result.failures)} not 200",
                    flush=True,
                )
                results.append(result)
            report(results, exports)
    finally:
        _clean_up(args, workdir)
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
