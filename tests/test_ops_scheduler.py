"""The scheduler queues each periodic job at its interval, once however many schedulers run, for the worker to run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionset.core.models import Heartbeat
from actionset.core.scheduler import JOBS, JOBS_BY_NAME, SCHEDULER, WORKER, periodic_run, scheduler_tick

pytestmark = pytest.mark.django_db


def queued(name: str) -> int:
    return DBTaskResult.objects.filter(task_path=periodic_run.module_path, args_kwargs__args=[name]).count()


def test_every_periodic_job_is_queued_on_the_first_tick() -> None:
    assert sorted(scheduler_tick()) == sorted(job.name for job in JOBS)
    assert queued("send_reminders") == 1


def test_two_schedulers_at_the_same_moment_queue_each_job_once() -> None:
    now = timezone.now()
    first = scheduler_tick(now=now)
    second = scheduler_tick(now=now)
    assert first
    assert second == []
    assert all(queued(job.name) == 1 for job in JOBS)


def test_a_job_is_queued_again_once_its_interval_has_passed_and_its_last_run_is_done() -> None:
    now = timezone.now()
    scheduler_tick(now=now)
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=now)
    later = scheduler_tick(now=now + dt.timedelta(minutes=16))
    assert "training_offers" in later
    assert "send_reminders" not in later
    assert queued("training_offers") == 2


def test_a_job_still_waiting_for_a_worker_is_not_piled_up() -> None:
    now = timezone.now()
    scheduler_tick(now=now)
    later = scheduler_tick(now=now + dt.timedelta(days=2))
    assert later == []
    assert all(queued(job.name) == 1 for job in JOBS)


def test_the_scheduler_and_the_worker_leave_heartbeats() -> None:
    scheduler_tick()
    assert Heartbeat.objects.filter(name=SCHEDULER).exists()
    assert not Heartbeat.objects.filter(name=WORKER).exists()
    periodic_run.call("heartbeat")
    assert Heartbeat.objects.filter(name=WORKER).exists()


def test_finished_periodic_runs_are_removed_from_the_queue_after_a_day() -> None:
    now = timezone.now()
    scheduler_tick(now=now)
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=now - dt.timedelta(days=2))
    periodic_run.call("heartbeat")
    assert not DBTaskResult.objects.filter(task_path=periodic_run.module_path).exists()


def test_a_periodic_job_runs_its_command_in_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[Any] = []
    monkeypatch.setattr("actionset.core.scheduler.call_command", lambda *a, **k: ran.append(a))
    assert periodic_run.call("site_prune") == "done"
    assert ran == [("site_prune",)]


def test_every_periodic_command_exists() -> None:
    for job in JOBS:
        if job.command:
            call_command(job.command, *job.args, verbosity=0)
    assert JOBS_BY_NAME["compositions_fail_stalled"].every <= dt.timedelta(minutes=1)


def test_the_scheduler_command_can_queue_what_is_due_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("scheduler", "--once")
    assert "send_reminders" in capsys.readouterr().out
