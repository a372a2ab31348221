"""Two devices driving one meeting at the same instant: row locks and versions decide, on a real database.

SQLite serialises every write, so it cannot show a race; these run whenever DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from actionset.meetings import live
from actionset.meetings.models import Meeting, MeetingRun
from tests.factories import (
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def meeting(transactional_db: Any) -> tuple[Meeting, Any]:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")
    programme = ProgrammeFactory.create(status="running")
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    learning_set = LearningSetFactory.create(programme=programme)
    for _ in range(3):
        MembershipFactory.create(learning_set=learning_set)
    facilitator = UserFactory.create(staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=facilitator)
    return MeetingFactory.create(learning_set=learning_set), facilitator


def at_once(action: Callable[[], Any]) -> list[str]:
    """Run `action` on two threads (two devices, two connections) released together."""
    barrier = threading.Barrier(2)
    results: list[str] = []

    def device() -> None:
        try:
            barrier.wait()
            action()
            results.append("won")
        except live.LiveConflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=device) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_devices_moving_on_from_the_same_version_one_wins_one_is_told(meeting: tuple[Meeting, Any]) -> None:
    target, facilitator = meeting
    run = live.live_start(actor=facilitator, meeting=target, early=True)
    results = at_once(lambda: live.live_next(actor=facilitator, meeting=target, version=run.version))
    assert results == ["conflict", "won"]
    run.refresh_from_db()
    assert (run.phase_index, run.version) == (1, 2)


def test_two_devices_starting_the_meeting_at_once_start_it_once(meeting: tuple[Meeting, Any]) -> None:
    target, facilitator = meeting
    results = at_once(lambda: live.live_start(actor=facilitator, meeting=target, early=True))
    assert results == ["conflict", "won"]
    assert MeetingRun.objects.filter(meeting=target).count() == 1
