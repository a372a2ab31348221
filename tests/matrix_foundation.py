"""Access matrix cases for the foundation: home, staff, audit, accounts, organisations and their people."""

from __future__ import annotations

from tests.matrix import (
    ALL_STAFF,
    DENY,
    DONE,
    LOGIN,
    MAINTAINERS,
    OK,
    Case,
    expect,
    fresh_invitation,
    org_a,
    org_a_rule,
    person_in_a,
    staff_only,
)

CASES: dict[str, Case] = {
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
    "accounts:email": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # The list shows what organisation.view allows: provider staff, organisations' admins and sponsors.
    "organisations:list": Case(
        "get", lambda c: {}, expect(OK, anonymous=LOGIN, a_participant=DENY, b_participant=DENY)
    ),
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
