"""The vocabulary of the access matrix, shared by every `tests/matrix_<area>.py` file of cases.

Each area lists its URLs in its own `CASES` dict, so that work on different parts of the product
does not collide in one file; `tests/test_access_matrix.py` gathers them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actionset.accounts.models import Invitation
from conftest import ROLES, STAFF_ROLES, Cast
from tests.factories import PersonFactory

OK, DONE, LOGIN, DENY, HIDE = "OK", "DONE", "LOGIN", "DENY", "HIDE"
#: Allowed, with nothing to send: a live meeting's event stream asked of a server that serves none (the test client
#: is one, as a sync gunicorn worker is; meetings/events.py).
EMPTY = "EMPTY"
STATUS = {OK: 200, EMPTY: 204, DONE: 302, DENY: 403, HIDE: 404}


def expect(default: str, **overrides: str) -> dict[str, str]:
    """Expected outcome per role: `default` for everyone not named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: overrides.get(role, default) for role in ROLES}


def staff_only(admin_outcome: str, *allowed: str) -> dict[str, str]:
    """Provider-staff pages: org people are not told they exist; staff without the role are refused."""
    result = expect(HIDE, anonymous=LOGIN)
    for role in STAFF_ROLES:
        result[role] = admin_outcome if role in allowed else DENY
    return result


def org_a_rule(outcome: str, *, staff: tuple[str, ...], org: tuple[str, ...]) -> dict[str, str]:
    """An organisation-A object: org B is told nothing; A's people and staff by role."""
    result = expect(DENY, anonymous=LOGIN, b_participant=HIDE)
    for role in staff:
        result[role] = outcome
    for role in org:
        result[f"a_{role}"] = outcome
    return result


@dataclass
class Case:
    """How to request one URL (method, URL kwargs, POST data) and what each role must get."""

    method: str
    kwargs: Callable[[Cast], dict[str, Any]]
    expected: dict[str, str]
    data: Callable[[Cast], dict[str, Any]] = lambda cast: {}


def org_a(cast: Cast) -> dict[str, Any]:
    return {"organisation": cast.org_a.public_id}


def person_in_a(cast: Cast) -> dict[str, Any]:
    person = PersonFactory.create(organisation=cast.org_a)
    return {"organisation": cast.org_a.public_id, "person": person.public_id}


def fresh_invitation(cast: Cast) -> dict[str, Any]:
    token, token_hash = Invitation.new_token()
    Invitation.objects.create(email="new@example.org", token_hash=token_hash, expires_at=Invitation.default_expiry())
    return {"token": token}


ALL_STAFF = STAFF_ROLES
MAINTAINERS = ("administrator", "designer")


def all_cases() -> dict[str, Case]:
    """Every `CASES` dict from the `tests.matrix_*` modules, merged; a URL may be classified only once."""
    import tests

    merged: dict[str, Case] = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("matrix_"):
            cases: dict[str, Case] = importlib.import_module(f"tests.{module.name}").CASES
            clash = set(cases) & set(merged)
            assert not clash, f"{module.name} classifies URLs already classified elsewhere: {clash}"
            merged.update(cases)
    return merged
