"""The access matrix: every URL pattern, classified, checked as every role.

Walks Django's resolver, so a new URL that nobody has classified fails `test_every_url_is_classified`.
URLs are classified in `tests/matrix_<area>.py` files (see `tests/matrix.py` for the vocabulary).
Each classified URL of ours is requested as every role in the shared cast, with a published
programme in organisation A (`programme_world`), and must give exactly the expected outcome:

    OK    200 — allowed, page shown
    EMPTY 204 — allowed, nothing to send (a live meeting's event stream, from a server that serves none)
    DONE  302 — allowed, action done and redirected
    LOGIN 302 to the sign-in page — anonymous
    DENY  403 — known but not allowed
    HIDE  404 — not even told it exists (e.g. a member of another organisation)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLES, Cast
from tests.matrix import LOGIN, STATUS, all_cases

OURS = all_cases()


def walk(patterns: list[Any], ns: str | None = None) -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {p.pattern}>"
            yield f"{ns}:{name}" if ns else name


# allauth's own pages: each applies its own login requirement. Listed by name so that a new
# page arriving with an upgrade has to be looked at and added here.
ALLAUTH = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "usersessions_list",
    # Single sign-on (accounts/sso.py decides who a sign-in reaches): the list of one's own linked identities, the
    # pages a refused or cancelled sign-in lands on, the sign-up page that is always closed, and each identity
    # provider's start and return addresses.
    "socialaccount_connections",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
    "openid_connect_login",
    "openid_connect_callback",
}


def is_unnamed_admin_page(name: str) -> bool:
    """The admin's unnamed patterns cannot be reversed: its catch-all and each model's old-style object address,
    which redirects to the change page. They pass the same gate as every admin page (tests/security/test_admin.py)."""
    return name.startswith("admin:<unnamed ")


def all_url_names() -> list[str]:
    return list(walk(get_resolver().url_patterns))


def test_every_url_is_classified() -> None:
    unclassified = [n for n in all_url_names() if n not in OURS and n not in ALLAUTH and not is_unnamed_admin_page(n)]
    assert unclassified == [], f"Classify these URLs in a tests/matrix_<area>.py file: {unclassified}"


def test_the_matrix_names_no_url_that_does_not_exist() -> None:
    names = set(all_url_names())
    assert set(OURS) - names == set()
    assert ALLAUTH - names == set()


def test_every_view_of_ours_declares_an_access_rule() -> None:
    def views(patterns: list[Any]) -> Iterator[Any]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from views(p.url_patterns)
            else:
                yield p.callback

    for callback in views(get_resolver().url_patterns):
        if callback.__module__.startswith("actionset."):
            assert getattr(callback, "access_rule", None), f"{callback.__module__}.{callback.__name__} has no rule"


def outcome_of(response: Any) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    for outcome, status in STATUS.items():
        if response.status_code == status:
            return outcome
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("name", sorted(OURS))
def test_each_url_gives_each_role_the_expected_outcome(programme_world: Cast, name: str) -> None:
    cast = programme_world
    case = OURS[name]
    got: dict[str, str] = {}
    for role in ROLES:
        url = reverse(name, kwargs=case.kwargs(cast))
        client = cast.client(role)
        response = getattr(client, case.method)(url, case.data(cast))
        got[role] = outcome_of(response)
    assert got == case.expected


def test_another_organisations_participant_gets_404_on_every_object_url(programme_world: Cast) -> None:
    """Every URL naming an object of organisation A (any UUID in it) is a 404 to organisation B's participant."""
    cast = programme_world
    checked = []
    for name, case in sorted(OURS.items()):
        kwargs = case.kwargs(cast)
        if not any(isinstance(v, uuid.UUID) for v in kwargs.values()) or name.startswith("core:"):
            continue
        response = getattr(cast.client("b_participant"), case.method)(reverse(name, kwargs=kwargs), case.data(cast))
        assert response.status_code == 404, name
        checked.append(name)
    assert len(checked) >= 8


def test_an_unknown_object_is_404_even_for_provider_administrators(cast: Cast) -> None:
    url = reverse("organisations:detail", kwargs={"organisation": uuid.uuid4()})
    assert cast.client("administrator").get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(ALLAUTH))
def test_allauth_pages_never_fail(cast: Cast, name: str) -> None:
    kwargs: dict[str, str] = {}
    if name == "account_confirm_email":
        kwargs = {"key": "nonsense"}
    elif name == "account_reset_password_from_key":
        kwargs = {"uidb36": "1", "key": "nonsense"}
    elif name.startswith("openid_connect_"):
        kwargs = {"provider_id": "sso-nonsense"}
    url = reverse(name, kwargs=kwargs)
    for role in ("anonymous", "a_participant", "administrator"):
        response = cast.client(role).get(url)
        assert response.status_code < 500, (name, role, response.status_code)
