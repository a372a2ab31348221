"""Queue the periodic jobs for the worker at their intervals (see `actionset.core.scheduler`): no cron needed."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from actionset.core.scheduler import JOBS, logger, scheduler_tick


class Command(BaseCommand):
    help = "Queue each periodic job (reminders, survey notices, offers, pruning, stalled compositions) when it is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between looks at what is due.")
        parser.add_argument("--once", action="store_true", help="Queue what is due now, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            queued = scheduler_tick()
            self.stdout.write(f"Queued: {', '.join(queued) or 'nothing due'}.")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        names = ", ".join(f"{job.name} every {job.every}" for job in JOBS)
        self.stdout.write(f"Scheduler started: {names}.")
        while not stop.is_set():
            # A long-lived process: a database restart must not leave it holding a dead connection.
            close_old_connections()
            try:
                scheduler_tick()
            except Exception:  # the database gone for a moment: try again at the next tick
                logger.exception("scheduler tick failed; trying again")
            stop.wait(options["interval"])
        self.stdout.write("Scheduler stopped.")
