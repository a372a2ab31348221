"""Mark failed the compositions whose worker stopped. The scheduler runs it every minute; harmless to run by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from actionset.sets.tasks import STALLED_AFTER, compositions_fail_stalled


class Command(BaseCommand):
    help = f"Mark failed every running composition not heard from for {STALLED_AFTER.seconds} seconds."

    def handle(self, *args: Any, **options: Any) -> None:
        count = compositions_fail_stalled()
        self.stdout.write(f"Stalled compositions marked failed: {count}.")
