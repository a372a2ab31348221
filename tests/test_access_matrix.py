"""The access matrix: every URL pattern, classified, checked as every role.

Walks Django's resolver, so a new URL that nobody has classified here fails
`test_every_url_is_classified`. Each classified URL of ours is requested as every
role in the shared cast and must give exactly the expected outcome:

    OK    200 — allowed, page shown
    DONE  302 — allowed, action done and redirected
    LOGIN 302 to the sign-in page — anonymous
    DENY  403 — known but not allowed
    HIDE  404 — not even told it exists (e.g. a member of another organisation)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionset.accounts.models import Invitation
from actionset.core.factories import PersonFactory
from conftest import ROLES, STAFF_ROLES, Cast

OK, DONE, LOGIN, DENY, HIDE = "OK", "DONE", "LOGIN", "DENY", "HIDE"
STATUS = {OK: 200, DONE: 302, DENY: 403, HIDE: 404}


def walk(patterns: list[Any], ns: str | None = None) -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {p.pattern}>"
            yield f"{ns}:{name}" if ns else name


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

OURS: dict[str, Case] = {
    "core:home": Case("get", lambda c: {}, expect(OK)),
    "core:staff": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "core:staff_invite": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "core:staff_roles": Case(
        "post",
        lambda c: {"user": c.users["designer"].public_id},
        staff_only(DONE, "administrator"),
        data=lambda c: {"roles": ["designer"]},
    ),
    "core:audit": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "accounts:invitation": Case("get", fresh_invitation, expect(OK)),
    "accounts:profile": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "organisations:list": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "organisations:new": Case("get", lambda c: {}, staff_only(OK, *MAINTAINERS)),
    "organisations:detail": Case("get", org_a, org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))),
    "organisations:edit": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=())),
    "organisations:people": Case(
        "get", org_a, org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",))
    ),
    "organisations:people_export": Case(
        "get",
        lambda c: {**org_a(c), "fmt": "csv"},
        org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",)),
    ),
    "organisations:people_import": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:person_new": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:person": Case("get", person_in_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:person_roles": Case(
        "post",
        person_in_a,
        org_a_rule(DONE, staff=("administrator",), org=("admin",)),
        data=lambda c: {"roles": ["participant"]},
    ),
    "organisations:person_invite": Case("post", person_in_a, org_a_rule(DONE, staff=MAINTAINERS, org=("admin",))),
}

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
}


def is_admin(name: str) -> bool:
    return name.startswith("admin:")


def all_url_names() -> list[str]:
    return list(walk(get_resolver().url_patterns))


def test_every_url_is_classified() -> None:
    unclassified = [n for n in all_url_names() if n not in OURS and n not in ALLAUTH and not is_admin(n)]
    assert unclassified == [], f"Classify these URLs in tests/test_access_matrix.py: {unclassified}"


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
def test_each_url_gives_each_role_the_expected_outcome(cast: Cast, name: str) -> None:
    case = OURS[name]
    got: dict[str, str] = {}
    for role in ROLES:
        url = reverse(name, kwargs=case.kwargs(cast))
        client = cast.client(role)
        response = getattr(client, case.method)(url, case.data(cast))
        got[role] = outcome_of(response)
    assert got == case.expected


#: Every URL that names an organisation's object.
OBJECT_URLS = sorted(
    n for n in OURS if n.startswith("organisations:") and n not in ("organisations:list", "organisations:new")
)


def test_the_matrix_hides_every_organisation_object_from_other_organisations() -> None:
    assert [n for n in OBJECT_URLS if OURS[n].expected["b_participant"] != HIDE] == []


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_organisations_participant_gets_404_on_every_object_url(cast: Cast, name: str) -> None:
    case = OURS[name]
    kwargs = case.kwargs(cast)
    response = getattr(cast.client("b_participant"), case.method)(reverse(name, kwargs=kwargs), case.data(cast))
    assert response.status_code == 404


def test_an_unknown_object_is_404_even_for_provider_administrators(cast: Cast) -> None:
    import uuid

    url = reverse("organisations:detail", kwargs={"organisation": uuid.uuid4()})
    assert cast.client("administrator").get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(ALLAUTH))
def test_allauth_pages_never_fail(cast: Cast, name: str) -> None:
    kwargs: dict[str, str] = {}
    if name == "account_confirm_email":
        kwargs = {"key": "nonsense"}
    elif name == "account_reset_password_from_key":
        kwargs = {"uidb36": "1", "key": "nonsense"}
    url = reverse(name, kwargs=kwargs)
    for role in ("anonymous", "a_participant", "administrator"):
        response = cast.client(role).get(url)
        assert response.status_code < 500, (name, role, response.status_code)


def admin_urls(cast: Cast) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:app_list", kwargs={"app_label": "organisations"})]
    for name in all_url_names():
        if name.endswith("_changelist") or name.endswith("_add"):
            urls.append(reverse(name))
        elif name.endswith("_change") or name.endswith("_history"):
            model = name.split(":")[1].rsplit("_", 1)[0]
            obj_id = {
                "organisations_organisation": cast.org_a.pk,
                "organisations_person": cast.people["a_admin"].pk,
                "accounts_user": cast.users["a_admin"].pk,
            }.get(model)
            if obj_id:
                urls.append(reverse(name, kwargs={"object_id": obj_id}))
    return urls


def test_the_django_admin_is_for_provider_administrators_only(cast: Cast) -> None:
    urls = admin_urls(cast)
    assert len(urls) > 10
    for role in ROLES:
        client = cast.client(role)
        for url in urls:
            response = client.get(url)
            if role == "administrator":
                assert response.status_code in (200, 403), (url, response.status_code)
            else:
                assert response.status_code == 302, (role, url, response.status_code)
                assert "/admin/login/" in response["Location"], (role, url)
