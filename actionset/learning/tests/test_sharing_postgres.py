"""Two members approving at the same instant, on a real database: the item is released exactly once.

Without the item's row lock each approval could see only itself and the author's, and the item would wait for
ever although everyone agreed; or both could release it. SQLite serialises every write, so this runs only when
DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from actionset.core.models import AuditEvent
from actionset.learning import services
from actionset.learning.models import SharedItem
from actionset.learning.tests.factories import set_world, user_of

pytestmark = pytest.mark.postgres


def tally_that_waits_for_the_other(count: Callable[..., Any]) -> Callable[..., Any]:
    """`count`, made to wait inside its transaction until the other decision is counting too (nothing kept them
    apart) or is waiting for a lock this one holds (the row lock did): either way the two overlap, however the
    threads happen to be scheduled, and the test waits only as long as that takes."""
    arrived: set[int] = set()
    changed = threading.Condition()

    def the_other_waits_for_me() -> bool:
        with connection.cursor() as cursor:
            # pg_stat_activity is read once per transaction unless told to look again.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity"
                " WHERE datname = current_database() AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
            )
            row = cursor.fetchone()
        return bool(row and row[0])

    def waiting_tally(*args: Any, **kwargs: Any) -> Any:
        with changed:
            arrived.add(threading.get_ident())
            changed.notify_all()
        # A guard against waiting for ever should the service change shape; the overlap is what the test needs.
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            with changed:
                if len(arrived) >= 2:
                    break
            if the_other_waits_for_me():
                break
            with changed:
                changed.wait(timeout=0.01)
        return count(*args, **kwargs)

    return waiting_tally


def test_the_last_two_approvals_arriving_together_release_the_item_once(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")
    world = set_world(size=3)
    # Hold the window between recording an approval and counting them open, so the two always overlap.
    slow_tally = tally_that_waits_for_the_other(services.item_tally)
    item = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="question", text="Who decides?"
    )
    monkeypatch.setattr(services, "item_tally", slow_tally)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(user: Any) -> None:
        try:
            barrier.wait()
            services.item_decide(actor=user, item=SharedItem.objects.get(pk=item.pk), verdict="approve")
        except BaseException as error:  # reported below, on the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user_of(m),)) for m in world.members[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    item.refresh_from_db()
    assert item.is_released
    assert AuditEvent.objects.filter(action="learning.item_released", target_id=str(item.public_id)).count() == 1


def test_a_decision_recorded_in_the_room_and_one_given_online_together_release_the_item_once(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")
    world = set_world(size=3)
    slow_tally = tally_that_waits_for_the_other(services.item_tally)
    item = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="lesson", text="Ask first."
    )
    monkeypatch.setattr(services, "item_tally", slow_tally)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(work: Any) -> None:
        try:
            barrier.wait()
            work(SharedItem.objects.get(pk=item.pk))
        except BaseException as error:  # reported below, on the test's own thread
            errors.append(error)
        finally:
            connection.close()

    def in_the_room(fresh: SharedItem) -> None:
        services.item_record_in_room(actor=world.facilitator, item=fresh, decisions={world.members[1].pk: "approve"})

    def online(fresh: SharedItem) -> None:
        services.item_decide(actor=user_of(world.members[2]), item=fresh, verdict="approve")

    threads = [threading.Thread(target=run, args=(work,)) for work in (in_the_room, online)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    item.refresh_from_db()
    assert item.is_released
    assert AuditEvent.objects.filter(action="learning.item_released", target_id=str(item.public_id)).count() == 1
