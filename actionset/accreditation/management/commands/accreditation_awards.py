"""Make the awards and their requirements in the database match `actionset/accreditation/awards.py`."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from actionset.accreditation.awards import AWARDS, awards_load


class Command(BaseCommand):
    help = "Load the awards and their requirements (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            awards_load()
        self.stdout.write(self.style.SUCCESS(f"{len(AWARDS)} awards loaded."))
