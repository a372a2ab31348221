"""Periodic jobs, queued for the worker by `manage.py scheduler`, so that a deployment needs no cron entry.

Each job is a management command that is safe to run again at any time (an administrator may also run it by hand);
the scheduler only decides when to queue it and the worker (`db_worker`) runs it like any other task. Every process
talks to the others through the database, as the task queue does:

- Two schedulers never queue a job twice: a job is claimed by one conditional UPDATE of its `ScheduledJob` row
  ("last queued before its interval ago"), which only one of them can win.
- A job whose last run is still waiting or running is not queued again, so a stopped worker does not come back to
  a pile of the same job.
- The scheduler writes its own heartbeat on every tick, and queues a tiny heartbeat task for the worker, so
  `/readyz` can tell that both are alive and that the queue is moving.

django-crontask was considered: it needs Django 6's `django.tasks` (this project runs the django-tasks backport on
Django 5.2) and keeps two schedulers apart only with a Redis lock, a service this project does not otherwise need.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task

from actionset.core.models import Heartbeat, ScheduledJob

logger = logging.getLogger("actionset.scheduler")

#: The heartbeat names `/readyz` looks for.
WORKER = "worker"
SCHEDULER = "scheduler"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    command: str
    args: tuple[str, ...] = ()


#: Every periodic job. A job named "heartbeat" is the worker's sign of life; the others are the commands the
#: deployment guide used to ask for in cron.
JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("heartbeat", dt.timedelta(seconds=20), ""),
    PeriodicJob("compositions_fail_stalled", dt.timedelta(minutes=1), "compositions_fail_stalled"),
    PeriodicJob("training_offers", dt.timedelta(minutes=15), "training_offers"),
    PeriodicJob("send_reminders", dt.timedelta(hours=1), "send_reminders"),
    PeriodicJob("evaluation_notices", dt.timedelta(hours=1), "evaluation_notices"),
    PeriodicJob("site_prune", dt.timedelta(days=1), "site_prune"),
    PeriodicJob("retention_apply", dt.timedelta(days=1), "retention_apply"),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def heartbeat_record(*, name: str, now: dt.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now or timezone.now()})


@task()
def periodic_run(name: str) -> str:
    """Run one periodic job in the worker."""
    job = JOBS_BY_NAME[name]
    if not job.command:
        heartbeat_record(name=WORKER)
        _forget_finished()
        return "alive"
    call_command(job.command, *job.args, verbosity=0)
    return "done"


#: How long a finished periodic run stays in the queue's table: the heartbeat alone adds thousands a day.
KEEP_FINISHED = dt.timedelta(days=1)


def _forget_finished() -> None:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=periodic_run.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=timezone.now() - KEEP_FINISHED,
    ).delete()


def _still_pending(result_id: str) -> bool:
    if not result_id:
        return False
    try:
        result = default_task_backend.get_result(result_id)
    except Exception:  # gone from the queue's table, or a backend that keeps no results
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def _claim(job: PeriodicJob, now: dt.datetime) -> bool:
    due = Q(last_queued_at__isnull=True) | Q(last_queued_at__lte=now - job.every)
    return ScheduledJob.objects.filter(due, name=job.name).update(last_queued_at=now) == 1


def scheduler_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every job that is due; return the names of those queued. Called every few seconds by the scheduler."""
    now = now or timezone.now()
    heartbeat_record(name=SCHEDULER, now=now)
    # Another scheduler may be making the same rows at this moment: whichever is second makes none.
    ScheduledJob.objects.bulk_create([ScheduledJob(name=job.name) for job in JOBS], ignore_conflicts=True)
    queued = []
    for job in JOBS:
        entry = ScheduledJob.objects.filter(name=job.name).first()
        if entry is not None and _still_pending(entry.last_result_id):
            continue
        with transaction.atomic():
            if not _claim(job, now):
                continue
            result = periodic_run.enqueue(job.name)
            ScheduledJob.objects.filter(name=job.name).update(last_result_id=str(result.id))
        queued.append(job.name)
    if queued:
        logger.info("queued %s", ", ".join(queued))
    return queued
