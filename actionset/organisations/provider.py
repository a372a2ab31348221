"""The provider every page and every email speaks for: its name and where replies go."""

from __future__ import annotations

from typing import Any

from actionset.organisations.models import Provider


def shared_context() -> dict[str, Any]:
    return {"provider": Provider.current()}


def mail_sender() -> tuple[str, str]:
    provider = Provider.current()
    return provider.name, provider.contact_email
