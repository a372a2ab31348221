"""Benchmark the designers' set board at 6, 50 and 300 sets (issue 18): server time and bytes, and compose to result.

One run builds a fresh database (SQLite in a temporary directory, or the PostgreSQL database named by
``--database-url``, dropped and created afresh), migrates it, and builds three programmes of sets of seven in one
organisation (6, 50 and 300 sets: 42, 350 and 2,100 people), half of the sets with a facilitator, bulk-created as the
tests build them (``actionset/sets/tests/factories.py``). Then, signed in as a designer through Django's test client
(in process: no network, so the time is the server's own), it measures for each size:

- **board**: the whole board page (``GET /sets/programme/<id>/``), the median of ``--repeat`` requests after one
  warm-up; its bytes as sent (gzip, as a browser asks for it) and as HTML;
- **open a set**: one set's card opened on the board (htmx);
- **move**: a person moved to the first set the move chooser offers (htmx: only the two sets and the summary return);
- **chooser**: the move chooser for one person (every other set checked and scored by the engine);
- **queries** of the board page;
- **problem**: of the board's time, how much is building the engine's problem for the sets as they stand
  (``problem_for_board`` in ``sets/composer.py``).

Then **compose to result**: a designer presses *Compose* (``POST .../compose/``); a stand-in worker thread runs the
queued composition (``composition_execute``, as ``db_worker`` would, with ``--time-limit`` seconds of search) while
the main thread polls the progress exactly as the page does (a request, its answer, a second's pause, the next); the
time runs until the answer is the board with the result. The engine's own search time is part of it, so the figure
is printed beside the search time asked for.

Every figure is also given as a ratio to the 6-set board measured in the same run, and the load average is printed:
the machine may be shared. Nothing here asserts a limit.

Usage:
  python bench/board.py [--repeat 5] [--time-limit 5] [--sizes 6,50,300] [--compose-sizes 6,50,300]
                        [--database-url postgres://postgres@127.0.0.1:5432/actionset_board]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: What htmx sends with each of its requests.
HX = {"HX-Request": "true"}
sys.path.insert(0, str(REPO))


def setup(database_url: str | None) -> None:
    if database_url:
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='board-bench-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionset.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages read their static files' names from the sources, as the tests do, rather than from collectstatic's
    # manifest: what is measured is the board, not the static files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def median_seconds(call: Any, repeat: int) -> tuple[float, Any]:
    result = call()  # warm-up: caches, the engine's bound, template loading
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=5.0, help="the engine's search time when composing")
    parser.add_argument("--sizes", default="6,50,300")
    parser.add_argument("--compose-sizes", default="6,50,300")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from actionset.accounts.models import User
    from actionset.organisations.models import Organisation, StaffRole
    from actionset.sets.models import CompositionRun
    from actionset.sets.tasks import composition_execute
    from actionset.sets.tests.factories import large_programme

    sizes = [int(s) for s in args.sizes.split(",")]
    compose_sizes = [int(s) for s in args.compose_sizes.split(",") if s]
    print(
        f"python {platform.python_version()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"database {connection.vendor} · load average {os.getloadavg()[0]:.2f}"
    )
    organisation = Organisation.objects.create(name="Bench Council")
    designer = User.objects.create_user(email="designer@bench.test", password=None, name="Dana Designer")
    StaffRole.objects.create(user=designer, role="designer")
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(designer)

    rows: list[dict[str, Any]] = []
    for size in sizes:
        built = time.perf_counter()
        big = large_programme(organisation, sets=size, designer=designer, title=f"{size} sets", seed=size)
        built = time.perf_counter() - built
        programme = big.programme
        url = reverse("sets:board", kwargs={"programme": programme.public_id})
        board_seconds, response = median_seconds(lambda url=url: client.get(url), args.repeat)
        assert response.status_code == 200, response.status_code
        sent = len(response.content)
        plain = Client()
        plain.force_login(designer)
        html = len(plain.get(url).content)
        # The part of the board's time spent building the engine's problem (sets/composer.py, the adapter).
        from actionset.sets.composer import problem_for_board

        sets_now = list(programme.sets.order_by("position", "name"))
        problem_seconds, _ = median_seconds(lambda p=programme, s=sets_now: problem_for_board(p, s), args.repeat)
        queries: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any, queries: list[str] = queries) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        card_url = reverse("sets:set_card", kwargs={"learning_set": big.sets[size // 2].public_id})
        open_seconds, _ = median_seconds(lambda card_url=card_url: client.get(card_url, headers=HX), args.repeat)
        from actionset.sets.board import board_read, move_chooser

        # The first member of the middle set whom the chooser offers a set to (some can move nowhere: they can make
        # one slot only, say).
        data = board_read(programme, reveal_keep_apart=True)
        home = big.sets[size // 2]
        offered = None
        for membership in home.memberships.select_related("enrolment"):
            offered = move_chooser(data, membership.enrolment, reveal_keep_apart=True)
            if offered is not None and offered.choices:
                break
        assert offered is not None
        mover = offered.enrolment
        choices_url = reverse("sets:move_choices", kwargs={"programme": programme.public_id})
        chooser_seconds, chooser = median_seconds(
            lambda u=choices_url, e=str(mover.public_id): client.get(u, {"enrolment": e}, headers=HX), args.repeat
        )
        assert chooser.status_code == 200
        move_seconds = float("nan")
        move_bytes = 0
        if offered is not None and offered.choices:
            there = offered.choices[0].learning_set
            move_url = reverse("sets:move", kwargs={"programme": programme.public_id})
            times = []
            for k in range(2 * args.repeat):
                target = there if k % 2 == 0 else home
                start = time.perf_counter()
                moved = client.post(
                    move_url, {"enrolment": mover.public_id, "learning_set": target.public_id}, headers=HX
                )
                times.append(time.perf_counter() - start)
                move_bytes = len(moved.content)
            move_seconds = statistics.median(times)
        rows.append(
            {
                "sets": size,
                "people": size * 7,
                "built": built,
                "board": board_seconds,
                "sent": sent,
                "html": html,
                "queries": len(queries),
                "problem": problem_seconds,
                "open": open_seconds,
                "chooser": chooser_seconds,
                "move": move_seconds,
                "move_bytes": move_bytes,
                "programme": programme,
            }
        )

    reference = rows[0]
    print(f"\nBoard ({args.repeat} requests each, median; ratios to the {reference['sets']}-set board of this run)")
    print(
        f"{'sets':>5} {'people':>6} {'board s':>8} {'x':>6} {'sent KB':>8} {'x':>6} {'HTML KB':>8} {'queries':>7} "
        f"{'open s':>7} {'move s':>7} {'move KB':>7} {'chooser s':>9} {'problem s':>9}"
    )
    for row in rows:
        print(
            f"{row['sets']:>5} {row['people']:>6} {row['board']:>8.3f} {row['board'] / reference['board']:>6.1f} "
            f"{row['sent'] / 1000:>8.1f} {row['sent'] / reference['sent']:>6.1f} {row['html'] / 1000:>8.1f} "
            f"{row['queries']:>7} {row['open']:>7.3f} {row['move']:>7.3f} {row['move_bytes'] / 1000:>7.1f} "
            f"{row['chooser']:>9.3f} {row['problem']:>9.3f}"
        )
    print(f"load average {os.getloadavg()[0]:.2f}")

    if compose_sizes:
        print(f"\nCompose to result on screen (search time asked: {args.time_limit:g} s; polled as the page polls)")
        print(f"{'sets':>5} {'people':>6} {'seconds':>8} {'x 6-set board':>13} {'polls':>5} {'result':>8}")
        # Compositions run on the stand-in worker below; mail (none is sent here) would go at once.
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            for row in rows:
                if row["sets"] not in compose_sizes:
                    continue
                programme = row["programme"]
                start = time.perf_counter()
                client.post(
                    reverse("sets:compose", kwargs={"programme": programme.public_id}),
                    {"number_of_sets": row["sets"], "time_limit": args.time_limit},
                )
                run = CompositionRun.objects.filter(programme=programme).latest("created_at")
                worker = threading.Thread(target=composition_execute.call, args=(run.pk,))
                worker.start()
                progress = reverse("sets:progress", kwargs={"programme": programme.public_id})
                polls = 0
                while True:
                    polls += 1
                    answer = client.get(progress, headers={**HX, "HX-Target": "composition-progress"})
                    if answer.headers.get("HX-Retarget") == "#board":
                        break
                    time.sleep(1.0)
                seconds = time.perf_counter() - start
                worker.join()
                run.refresh_from_db()
                print(
                    f"{row['sets']:>5} {row['people']:>6} {seconds:>8.2f} {seconds / reference['board']:>13.0f} "
                    f"{polls:>5} {run.status:>8}"
                )
                for item in run.explanation if run.status == CompositionRun.Status.FAILED else []:
                    print(f"      the engine: {item.get('text', item) if isinstance(item, dict) else item}")
        print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
