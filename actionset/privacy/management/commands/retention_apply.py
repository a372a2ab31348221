"""Delete what is past the retention schedule's periods. Queued daily by `manage.py scheduler`; harmless to run
more often."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from actionset.privacy.retention import retention_apply


class Command(BaseCommand):
    help = "Delete data past the periods of the retention schedule (the privacy notice prints them)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = retention_apply()
        self.stdout.write("; ".join(f"{kind}: {n}" for kind, n in deleted.items()) + ".")
