"""Access matrix cases for the foundation: home, staff, audit, accounts, organisations and their people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from actionset.accounts.models import EmailChange, TwoFactorReset, new_token
from actionset.core.models import Heartbeat
from conftest import Cast
from tests.factories import PersonFactory, UserFactory
from tests.matrix import (
    ALL_STAFF,
    DENY,
    DONE,
    HIDE,
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


def person_with_login_in_a(cast: Cast) -> dict[str, Any]:
    person = PersonFactory.create(organisation=cast.org_a, user=UserFactory.create())
    return {"organisation": cast.org_a.public_id, "person": person.public_id}


#: Who looks after sign-in to organisation A: its two-factor policy and its people's logins.
KEEPS_SIGN_IN_IN_A = org_a_rule(OK, staff=("administrator",), org=("admin",))


def email_change_of_a_participant(cast: Cast) -> dict[str, Any]:
    token, token_hash = new_token()
    user = cast.users["a_participant"]
    EmailChange.objects.create(
        user=user,
        started_by=user,
        token_hash=token_hash,
        old_email=user.email,
        new_email="elsewhere@example.org",
        expires_at=timezone.now() + timedelta(days=1),
    )
    return {"token": token}


def two_factor_reset_of_a_participant(cast: Cast) -> dict[str, Any]:
    token, token_hash = new_token()
    user = cast.users["a_participant"]
    TwoFactorReset.objects.create(
        user=user,
        started_by=cast.users["administrator"],
        token_hash=token_hash,
        email=user.email,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return {"token": token}


def worker_and_scheduler_alive(cast: Cast) -> dict[str, Any]:
    for name in ("worker", "scheduler"):
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    return {}


CASES: dict[str, Case] = {
    "core:home": Case("get", lambda c: {}, expect(OK)),
    # Health checks: anyone (a load balancer has no login), and they tell nothing about anyone.
    "core:healthz": Case("get", lambda c: {}, expect(OK)),
    "core:readyz": Case("get", worker_and_scheduler_alive, expect(OK)),
    "staff:list": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "staff:invite": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "staff:roles": Case(
        "post",
        lambda c: {"user": c.users["designer"].public_id},
        staff_only(DONE, "administrator"),
        data=lambda c: {"roles": ["designer"]},
    ),
    # Posting nothing turns the policy off (as it already is), so no later role is held by it.
    "staff:two_factor": Case("post", lambda c: {}, staff_only(DONE, "administrator")),
    "staff:deactivate": Case("get", lambda c: {"user": c.users["trainer"].public_id}, staff_only(OK, "administrator")),
    "staff:reactivate": Case(
        "post", lambda c: {"user": c.users["trainer"].public_id}, staff_only(DONE, "administrator")
    ),
    "accounts:two_factor_required": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "core:audit": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "accounts:invitation": Case("get", fresh_invitation, expect(OK)),
    "accounts:profile": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "accounts:email": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # A link to a new sign-in address works only for the login it was made for; anyone else is told nothing.
    "accounts:email_confirm": Case(
        "get", email_change_of_a_participant, expect(HIDE, anonymous=LOGIN, a_participant=OK)
    ),
    # Whoever holds the link sees the form; only the login's password makes it do anything.
    "accounts:two_factor_reset": Case("get", two_factor_reset_of_a_participant, expect(OK)),
    "accounts:recovery_for_staff": Case(
        "get", lambda c: {"user": c.users["designer"].public_id}, staff_only(OK, "administrator")
    ),
    # The list shows what organisation.view allows: provider staff, organisations' admins and sponsors.
    "organisations:list": Case(
        "get", lambda c: {}, expect(OK, anonymous=LOGIN, a_participant=DENY, b_participant=DENY)
    ),
    "organisations:new": Case("get", lambda c: {}, staff_only(OK, *MAINTAINERS)),
    "organisations:detail": Case("get", org_a, org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))),
    "organisations:edit": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=())),
    "organisations:two_factor": Case(
        "post", org_a, org_a_rule(DONE, staff=("administrator",), org=("admin",)), data=lambda c: {}
    ),
    "organisations:people": Case(
        "get", org_a, org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",))
    ),
    "organisations:people_export": Case(
        "get",
        lambda c: {**org_a(c), "fmt": "csv"},
        org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",)),
    ),
    "organisations:people_import": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:people_search": Case(
        "get", org_a, org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",))
    ),
    "organisations:people_attributes": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:people_chart": Case(
        "get", org_a, org_a_rule(OK, staff=("administrator", "designer", "developer"), org=("admin",))
    ),
    "organisations:person_new": Case("get", org_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:person": Case("get", person_in_a, org_a_rule(OK, staff=MAINTAINERS, org=("admin",))),
    "organisations:person_roles": Case(
        "post",
        person_in_a,
        org_a_rule(DONE, staff=("administrator",), org=("admin",)),
        data=lambda c: {"roles": ["participant"]},
    ),
    "organisations:person_invite": Case("post", person_in_a, org_a_rule(DONE, staff=MAINTAINERS, org=("admin",))),
    "organisations:person_deactivate": Case("get", person_with_login_in_a, KEEPS_SIGN_IN_IN_A),
    # Reactivating a login that is active changes nothing: it shows who may ask without turning anyone off.
    "organisations:person_reactivate": Case(
        "post", person_with_login_in_a, org_a_rule(DONE, staff=("administrator",), org=("admin",))
    ),
    "organisations:person_recovery": Case("get", person_in_a, org_a_rule(OK, staff=("administrator",), org=("admin",))),
}
