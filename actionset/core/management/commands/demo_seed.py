"""Load the demo world: the provider, Northwind and Southfield, and one login per role.

Safe to run again: it does nothing if the demo world is already there (use --reset to rebuild it
from scratch on a demo database). Each app builds its own part (`demo=` in its AppConfig.ready(), see
actionset.core.extensions), lowest layer first, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from actionset.core import extensions
from actionset.core.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Load the demo world (provider, Northwind, Southfield, one login per role). Demo databases only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete everything first (demo databases only).")

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if get_user_model()._default_manager.filter(email="admin@provider.example").exists():
            self.stdout.write("The demo world is already loaded.")
        else:
            # The demo world's invitations and notices go out after commit; they are not worth printing.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                for seed in extensions.demo_seeders():
                    seed()
            self.stdout.write(self.style.SUCCESS("Demo world loaded."))
        self.stdout.write("\nDemo logins (password: demo — demo data only):")
        for email in DEMO_LOGINS:
            self.stdout.write(f"  {email}")
