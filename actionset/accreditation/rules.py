"""Access rules for evidence portfolios, assessment and verifiable certificates (see actionset.core.access).

A portfolio is the candidate's own and the provider's assessors' (staff with the trainer role): nobody else is told it
exists — not other candidates, not provider administrators. A buddy the candidate named may record observations of
them, and sees nothing else of the portfolio.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from actionset.accreditation.models import Buddy, Portfolio
from actionset.core.access import (
    ADMINISTRATOR,
    TRAINER,
    Actor,
    Predicate,
    Rule,
    Where,
    both,
    either,
    negate,
    parent_of,
    path_to,
    register_rules,
    signed_in,
    staff,
)

#: An entry, reflection, observation or credential leads to its portfolio.
_TO_PORTFOLIO = ("portfolio",)


def _portfolio_of(target: Any) -> Any:
    return parent_of(target, Portfolio, _TO_PORTFOLIO)


def _candidate_where(actor: Actor, model: type[models.Model]) -> Where:
    if not actor.is_authenticated:
        return False
    path = path_to(model, Portfolio, _TO_PORTFOLIO)
    return Q(**{f"{path}__candidate" if path else "candidate": actor.user})


def _buddy_where(actor: Actor, model: type[models.Model]) -> Where:
    if not actor.is_authenticated:
        return False
    path = path_to(model, Portfolio, _TO_PORTFOLIO)
    observed = Buddy.objects.filter(user=actor.user).values("portfolio_id")
    return Q(**{f"{path}__in" if path else "pk__in": observed})


is_candidate = Predicate(
    "is_candidate",
    lambda actor, target: actor.is_authenticated and _portfolio_of(target).candidate_id == actor.user.pk,
    _candidate_where,
)

is_buddy = Predicate(
    "is_buddy",
    lambda actor, target: actor.is_authenticated and _portfolio_of(target).buddies.filter(user=actor.user).exists(),
    _buddy_where,
)

#: A trainer, on anyone's portfolio but their own.
is_assessor = both(staff(TRAINER), negate(is_candidate))


_knows_portfolio = either(is_candidate, staff(TRAINER))

register_rules(
    {
        "accreditation.own": Rule("See the awards and one's own portfolios; start one", signed_in, signed_in),
        "portfolio.view": Rule(
            "Read a candidate's portfolio: evidence, reflective log, observations, decisions; export it",
            either(_knows_portfolio, is_buddy),
            _knows_portfolio,
        ),
        "portfolio.edit": Rule(
            "Log hours and supervision, write reflections, name a buddy, submit for assessment",
            _knows_portfolio,
            is_candidate,
        ),
        "portfolio.observe": Rule(
            "Record an observation of a candidate facilitating",
            either(_knows_portfolio, is_buddy),
            either(is_assessor, is_buddy),
        ),
        "portfolio.assess": Rule(
            "Decide on a submitted portfolio: pass, or refer with feedback", _knows_portfolio, is_assessor
        ),
        "assessments.list": Rule("List portfolios awaiting assessment", staff(), staff(TRAINER)),
        "credential.revoke": Rule(
            "Revoke a credential, with a reason shown publicly",
            either(is_candidate, staff()),
            staff(TRAINER, ADMINISTRATOR),
        ),
    }
)
