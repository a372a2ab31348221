"""Forget what the privacy notice says we do not keep. Run it daily from cron (or a platform scheduler).

Network addresses of enquiries go after 90 days, held enquiries nobody released after 30, and enquiries that did
not become clients two years after the last activity. Running it more often is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from actionset.site.services import enquiries_prune


class Command(BaseCommand):
    help = "Delete enquiry data past the periods the privacy notice gives."

    def handle(self, *args: Any, **options: Any) -> None:
        result = enquiries_prune()
        self.stdout.write(
            f"Network addresses cleared: {result.addresses_cleared}; held enquiries deleted: {result.held_deleted}; "
            f"old enquiries deleted: {result.enquiries_deleted}."
        )
