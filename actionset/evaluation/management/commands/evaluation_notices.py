"""Invite participants to open surveys and remind those who have not answered. Run it hourly from cron.

Each invitation and each reminder is recorded and goes to a person once per survey, however often this runs,
so running it more often than needed is harmless. It also brings every running programme's surveys in line
with its evaluation plan and meeting schedule.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from actionset.evaluation.services import notices_send


class Command(BaseCommand):
    help = "Email survey invitations (once) and reminders (once, four days later) for open evaluation surveys."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = notices_send()
        self.stdout.write(f"Survey invitations sent: {counts['invitations']}; reminders sent: {counts['reminders']}.")
