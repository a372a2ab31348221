"""`manage.py bootstrap` sets up a fresh install without the Django admin or a shell, and is safe to run twice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import Invitation
from actionset.organisations.models import Provider
from actionset.site.models import Page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAGS = {
    "provider_name": "Riverside Learning",
    "contact_email": "hello@riverside.example",
    "admin_email": "Ada@Riverside.example",
    "interactive": False,
}


def bootstrap(**overrides: Any) -> None:
    call_command("bootstrap", **{**FLAGS, **overrides}, stdout=None)


def test_a_fresh_install_gets_its_name_a_privacy_notice_and_an_invitation_for_its_first_administrator(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        bootstrap()

    provider = Provider.current()
    assert (provider.name, provider.contact_email) == ("Riverside Learning", "hello@riverside.example")
    privacy = client.get("/privacy/")
    assert privacy.status_code == 200
    html = privacy.content.decode()
    assert "Riverside Learning" in html
    assert "hello@riverside.example" in html
    assert "90 days" in html
    # The enquiry form's required consent box links to a notice that now exists.
    assert 'href="/privacy/"' in client.get(reverse("site:enquire")).content.decode()
    assert "Riverside Learning" in client.get("/").content.decode()

    invitation = Invitation.objects.get()
    assert invitation.email == "ada@riverside.example"
    assert invitation.staff_roles == ["administrator"]
    assert invitation.invited_by is None
    (message,) = mail.outbox
    assert message.to == ["ada@riverside.example"]
    assert "Riverside Learning has invited you" in message.body
    assert "None" not in message.body
    link = re.search(r"https?://\S+/invitations/\S+", str(message.body))
    assert link, message.body


def test_running_it_again_leaves_written_pages_alone_and_invites_no_administrator_who_already_signs_in(
    django_capture_on_commit_callbacks: Any,
) -> None:
    bootstrap()
    privacy = Page.objects.get(slug="privacy")
    privacy.body = "Our own notice, written by our lawyer."
    privacy.save()
    UserFactory.create(email="ada@riverside.example", staff_roles=["administrator"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        bootstrap(provider_name="Riverside Learning Ltd")

    assert Page.objects.filter(slug="privacy").count() == 1
    assert Page.objects.get(slug="privacy").body == "Our own notice, written by our lawyer."
    assert Page.objects.filter(kind=Page.Kind.HOME).count() == 1
    assert Provider.current().name == "Riverside Learning Ltd"
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_it_asks_for_what_no_flag_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["Riverside Learning", "not an address", "hello@riverside.example", "ada@riverside.example"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))

    call_command("bootstrap", stdout=None, stderr=None)

    assert Provider.current().contact_email == "hello@riverside.example"
    assert Invitation.objects.get().email == "ada@riverside.example"


def test_without_input_a_missing_flag_is_named() -> None:
    with pytest.raises(CommandError, match="--admin-email"):
        call_command("bootstrap", provider_name="Riverside", contact_email="hello@riverside.example", interactive=False)
    assert not Invitation.objects.exists()


def test_it_takes_no_password() -> None:
    from actionset.site.management.commands.bootstrap import Command

    assert "password" not in Command().create_parser("manage.py", "bootstrap").format_help().lower()
