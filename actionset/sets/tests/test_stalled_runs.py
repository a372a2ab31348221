"""A composition whose worker stopped is noticed by the scheduler's minute job, and can be started again."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actionset.programmes.models import Programme
from actionset.sets.models import CompositionRun
from actionset.sets.tasks import STALLED_AFTER, STALLED_MESSAGE
from conftest import Cast


def start_through_the_board(cast: Cast, programme: Programme) -> CompositionRun:
    cast.client("designer").post(
        reverse("sets:compose", kwargs={"programme": programme.public_id}), {"number_of_sets": 3, "time_limit": 5}
    )
    run = programme.composition_runs.first()
    assert run is not None
    return run


def worker_took_it_then_died(run: CompositionRun, *, silent_for: dt.timedelta) -> None:
    last_heard = timezone.now() - silent_for
    CompositionRun.objects.filter(pk=run.pk).update(
        status=CompositionRun.Status.RUNNING, started_at=last_heard, updated_at=last_heard, progress=0.4
    )


def test_a_composition_whose_worker_stopped_is_marked_failed_and_can_be_started_again(
    cast: Cast, pool_programme: Programme
) -> None:
    run = start_through_the_board(cast, pool_programme)
    worker_took_it_then_died(run, silent_for=STALLED_AFTER + dt.timedelta(seconds=5))

    call_command("compositions_fail_stalled")

    run.refresh_from_db()
    assert run.status == CompositionRun.Status.FAILED
    assert run.finished_at is not None
    board = cast.client("designer").get(reverse("sets:board", kwargs={"programme": pool_programme.public_id}))
    assert STALLED_MESSAGE in board.content.decode()
    again = start_through_the_board(cast, pool_programme)
    assert again.pk != run.pk
    assert again.status == CompositionRun.Status.QUEUED


def test_a_composition_still_reporting_progress_is_left_running(cast: Cast, pool_programme: Programme) -> None:
    run = start_through_the_board(cast, pool_programme)
    worker_took_it_then_died(run, silent_for=STALLED_AFTER - dt.timedelta(seconds=30))

    call_command("compositions_fail_stalled")

    run.refresh_from_db()
    assert run.status == CompositionRun.Status.RUNNING


def test_a_queued_composition_waits_for_a_worker_however_long(cast: Cast, pool_programme: Programme) -> None:
    run = start_through_the_board(cast, pool_programme)
    CompositionRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))

    call_command("compositions_fail_stalled")

    run.refresh_from_db()
    assert run.status == CompositionRun.Status.QUEUED
