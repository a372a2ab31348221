"""What moving a programme to another stage would do, said before it is done, and told to the apps above.

The apps above this one (meetings, sets) know what a stage change means for what they hold: closing a programme
with meetings still to come cancels them, for example. Each registers a check from its `AppConfig.ready()` that
says so in a sentence; the stage page shows the sentences and asks the designer to confirm before moving. Once the
move is saved, `programme_moved` is sent inside its transaction, so a receiver's own changes commit or roll back
with it (and anything slow is queued for the worker on commit).
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

from actionset.programmes.models import Programme

#: (programme, status it would move to) -> sentences the designer must read first; empty when there is nothing to say.
Check = Callable[[Programme, str], list[str]]

_checks: list[Check] = []

#: Sent with `programme`, `before`, `after` and `actor` once a programme's stage has changed.
programme_moved = Signal()


def register_check(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def consequences(programme: Programme, status: str) -> list[str]:
    return [sentence for check in _checks for sentence in check(programme, status)]
