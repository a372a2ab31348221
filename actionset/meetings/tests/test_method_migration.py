"""A meeting running when the progress round joined the WIAL, incident and Troika run sheets stays in its phase."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps

from actionset.meetings.methods import phases_for
from actionset.meetings.models import MeetingRun
from conftest import Cast

migration = importlib.import_module("actionset.meetings.migrations.0008_every_method_progress")


def _run(cast: Cast, method: str, index: int) -> MeetingRun:
    assert cast.meeting is not None
    from django.utils import timezone

    now = timezone.now()
    MeetingRun.objects.filter(meeting=cast.meeting).delete()
    return MeetingRun.objects.create(
        meeting=cast.meeting, method=method, phase_index=index, phase_started_at=now, started_at=now, version=4
    )


@pytest.mark.parametrize("method", ["wial", "incident", "troika"])
def test_every_phase_of_a_running_meeting_keeps_its_place(programme_world: Cast, method: str) -> None:
    for index, key in enumerate(migration.OLD[method]):
        run = _run(programme_world, method, index)
        migration.remap(migration.OLD, migration.NEW)(global_apps, None)
        run.refresh_from_db()
        assert phases_for(method)[run.phase_index].key == key
        # Moved, so every device redraws; a phase before the new progress round has not moved.
        assert run.version == (4 if run.phase_index == index else 5)


def test_the_new_sheets_written_in_the_migration_are_the_method_s(programme_world: Any) -> None:
    for method, keys in migration.NEW.items():
        assert [p.key for p in phases_for(method)] == keys


def test_going_back_a_run_in_the_progress_round_goes_to_the_phase_after_it(programme_world: Cast) -> None:
    run = _run(programme_world, "incident", 0)
    migration.remap(migration.NEW, migration.OLD)(global_apps, None)
    run.refresh_from_db()
    assert migration.OLD["incident"][run.phase_index] == "case"
