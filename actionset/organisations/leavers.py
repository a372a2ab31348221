"""What a leaver still holds, asked of the apps that know, when someone is about to deactivate their login.

Deactivating is this app's (`services.account_deactivate`); the work a person leaves behind — sets they facilitate,
enquiries they own, programmes they sponsor — belongs to apps above it, and handing it over is the privacy app's.
That app adds a source here from its `ready()`; the confirmation page shows what the sources say, with a link to
hand the work over first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpenWork:
    #: What they hold, in words ("3 sets facilitated, 1 open enquiry").
    summary: str
    #: Where to hand it over, or "" when the person deactivating may not.
    handover_url: str


#: (actor, the login about to be deactivated) -> what it holds, or None when nothing.
sources: list[Callable[[Any, Any], OpenWork | None]] = []


def open_work_of(*, actor: Any, user: Any) -> list[OpenWork]:
    return [found for source in sources if (found := source(actor, user)) is not None]
