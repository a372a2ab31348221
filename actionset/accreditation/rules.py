"""Access rules for evidence portfolios, assessment and verifiable certificates (see actionset.core.access).

A portfolio is the candidate's own and the provider's assessors' (staff with the trainer role): nobody else is told it
exists — not other candidates, not provider administrators. A buddy the candidate named may record observations of
them, and sees nothing else of the portfolio.
"""

from __future__ import annotations

from typing import Any

from actionset.core.access import ADMINISTRATOR, TRAINER, Actor, Rule, either, register_rules, signed_in, staff


def _portfolio_of(target: Any) -> Any:
    from actionset.accreditation.models import Portfolio

    while not isinstance(target, Portfolio):
        target = target.portfolio
    return target


def is_candidate(actor: Actor, target: Any) -> bool:
    return actor.is_authenticated and _portfolio_of(target).candidate_id == actor.user.pk


def is_buddy(actor: Actor, target: Any) -> bool:
    return actor.is_authenticated and _portfolio_of(target).buddies.filter(user=actor.user).exists()


def is_assessor(actor: Actor, target: Any) -> bool:
    """A trainer, on anyone's portfolio but their own."""
    return actor.has_staff_role(TRAINER) and not is_candidate(actor, target)


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
