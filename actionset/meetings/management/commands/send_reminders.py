"""Remind people of their meetings in the next 48 hours. Run it hourly from cron (or a platform scheduler).

Each meeting is reminded once however often this runs, so running it more often than needed is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from actionset.meetings.services import reminders_send
from actionset.meetings.tasks import send_reminders


class Command(BaseCommand):
    help = "Email reminders for meetings starting within the next 48 hours that have not had one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the background worker instead of sending now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"Reminders queued ({result.id}).")
            return
        sent = reminders_send()
        self.stdout.write(f"Reminders sent for {sent} meeting{'s' if sent != 1 else ''}.")
