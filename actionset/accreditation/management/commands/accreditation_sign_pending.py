"""Sign the credentials recorded while no signing key was configured. Safe to run again at any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from actionset.accreditation.services import credentials_sign_pending
from actionset.accreditation.signing import SigningKeyMissing


class Command(BaseCommand):
    help = "Sign the Open Badges credentials of certificates issued while no signing key was configured."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = credentials_sign_pending()
        except SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Signed {count} credential{'' if count == 1 else 's'}.")
