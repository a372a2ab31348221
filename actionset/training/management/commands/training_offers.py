"""Lapse expired waitlist offers and pass their places on. Run from cron, e.g. every 15 minutes.

Offers are also lapsed whenever anyone books, cancels or accepts on the same cohort, so this command only makes
sure a place does not sit on an expired offer while the cohort is quiet.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from actionset.training.services import offers_expire


class Command(BaseCommand):
    help = "Lapse expired waitlist offers and offer their places to the next people waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        count = offers_expire()
        self.stdout.write(f"{count} offer{'s' if count != 1 else ''} lapsed.")
