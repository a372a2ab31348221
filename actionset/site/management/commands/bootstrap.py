"""Set up a fresh install: the provider's name and contact address, the starter pages, the first administrator.

Asks for what no flag gives. The administrator is invited by email through the normal invitation, and chooses their
own password from the link: no password is ever typed on a command line. Safe to run again: pages staff have written
are left alone, and someone who already signs in is not invited again.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from actionset.accounts.services import invitation_send, login_for_email
from actionset.organisations.models import Provider, StaffRole
from actionset.organisations.services import provider_update
from actionset.site.starter import starter_pages_create


class Command(BaseCommand):
    help = (
        "Set up a fresh install: the provider's name and contact address, the privacy notice and home page, and an "
        "invitation by email for the first administrator. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider-name", help="The provider's name, as people will see it.")
        parser.add_argument("--contact-email", help="The address people write to the provider at.")
        parser.add_argument("--admin-email", help="The first administrator's email address: they are sent a link.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Ask nothing: every flag must be given."
        )

    def _ask(self, options: dict[str, Any], key: str, question: str, *, default: str = "", email: bool = False) -> str:
        value = (options.get(key) or "").strip()
        while True:
            if not value and options["interactive"]:
                shown = f" [{default}]" if default else ""
                value = input(f"{question}{shown}: ").strip() or default
            if not value:
                raise CommandError(f"Give --{key.replace('_', '-')} (or run without --no-input to be asked).")
            if not email:
                return value
            try:
                validate_email(value)
            except ValidationError as error:
                if not options["interactive"]:
                    raise CommandError(f"--{key.replace('_', '-')}: {value} is not an email address.") from error
                self.stderr.write(f"{value} is not an email address.")
                value = ""
                continue
            return value.lower()

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Provider.current()
        named = provider.name != Provider._meta.get_field("name").get_default()
        name = self._ask(options, "provider_name", "The provider's name", default=provider.name if named else "")
        contact = self._ask(
            options, "contact_email", "Contact email address", default=provider.contact_email, email=True
        )
        admin_email = self._ask(options, "admin_email", "The first administrator's email address", email=True)

        with transaction.atomic():
            provider = provider_update(actor=None, data={"name": name, "contact_email": contact})
            pages = starter_pages_create(provider=provider)
            login = login_for_email(admin_email)
            if login is not None and StaffRole.objects.filter(user=login, role=StaffRole.Role.ADMINISTRATOR).exists():
                invited = False
            else:
                invitation_send(invited_by=None, email=admin_email, staff_roles=[StaffRole.Role.ADMINISTRATOR])
                invited = True

        self.stdout.write(f"Provider: {provider.name} <{provider.contact_email}>.")
        if pages:
            self.stdout.write("Pages created: " + ", ".join(page.get_absolute_url() for page in pages) + ".")
        else:
            self.stdout.write("Pages: the home page and privacy notice already exist; left as they are.")
        if invited:
            self.stdout.write(
                f"Invitation sent to {admin_email}: they choose their password from the link (a worker must be "
                "running for the email to go)."
            )
        else:
            self.stdout.write(f"{admin_email} is already an administrator: they sign in as usual.")
