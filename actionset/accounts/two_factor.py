"""The two-factor policy: who must use an authenticator app, and why.

The provider can require two-factor authentication of all its staff (`Provider.require_two_factor_for_staff`) and
each client organisation of its admins and sponsors (`Organisation.require_two_factor_for_admins_and_sponsors`).
`TwoFactorPolicyMiddleware` holds a signed-in person a policy applies to on one page until they have set it up. Turning
it off again is allowed (it is how a person moves to a new phone) and holds them again at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from allauth.mfa.models import Authenticator
from django.db.models import Exists, Model, OuterRef, QuerySet

from actionset.core.access import ORG_ADMIN, SPONSOR, Actor
from actionset.organisations.models import Organisation, Provider


@dataclass(frozen=True)
class TwoFactorPolicy:
    """One reason a person must use two-factor authentication: the provider's staff policy, or an organisation's."""

    set_by: str
    for_staff: bool


def two_factor_policies(actor: Actor) -> list[TwoFactorPolicy]:
    """Every policy that asks `actor` for two-factor authentication (empty when none does).

    Asked on every request by the middleware, so it reads only what the actor's roles make relevant; the roles
    themselves are cached on the actor, and the access rules read them anyway.
    """
    if not actor.is_authenticated:
        return []
    policies: list[TwoFactorPolicy] = []
    if actor.is_provider_staff:
        provider = Provider.current()
        if provider.require_two_factor_for_staff:
            policies.append(TwoFactorPolicy(set_by=provider.name, for_staff=True))
    leading = [org for org, roles in actor.organisation_roles.items() if roles & {ORG_ADMIN, SPONSOR}]
    if leading:
        names = Organisation.objects.filter(pk__in=leading, require_two_factor_for_admins_and_sponsors=True)
        policies.extend(
            TwoFactorPolicy(set_by=name, for_staff=False)
            for name in names.order_by("name").values_list("name", flat=True)
        )
    return policies


def has_two_factor(user: Any) -> bool:
    """An authenticator app is set up. Recovery codes alone do not count: they come with the app and go with it."""
    return bool(Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists())


M = TypeVar("M", bound=Model)


def with_two_factor(rows: QuerySet[M], user_field: str = "pk") -> QuerySet[M]:
    """Annotate each row with `has_two_factor`, for the login `user_field` names (a user's own pk, or a person's
    `user`), in the same query: lists of people show it without a query per row."""
    totp = Authenticator.objects.filter(user=OuterRef(user_field), type=Authenticator.Type.TOTP)
    return rows.annotate(has_two_factor=Exists(totp))
