"""Access rules for evaluation: instruments, responses, the sponsor dashboard and report (see actionset.core.access).

Answers are personal: no rule here lets anyone but the respondent read one. Results are programme-tier and
reach readers only through `results.programme_results`, which leaves out every group under five.
"""

from typing import Any

from actionset.core.access import (
    ADMINISTRATOR,
    DESIGNER,
    ORG_ADMIN,
    SPONSOR,
    Actor,
    Rule,
    anyone,
    either,
    in_organisation,
    register_rules,
    signed_in,
    staff,
)

_knows_organisation = either(staff(), in_organisation())


def asked_to_answer(actor: Actor, occasion: Any) -> bool:
    """The person this occasion asks, or who already answered it (their answers stay theirs to read)."""
    if not actor.is_authenticated:
        return False
    from actionset.evaluation.services import enrolment_for

    if occasion.responses.filter(enrolment__person__user=actor.user).exists():
        return True
    return enrolment_for(occasion=occasion, user=actor.user) is not None


register_rules(
    {
        "evaluation.dashboard": Rule(
            "See a programme's results, health and shared learning, and export its report (as programme.view)",
            _knows_organisation,
            either(staff(), in_organisation(ORG_ADMIN, SPONSOR)),
        ),
        "evaluation.instruments": Rule("Read the library of evaluation instruments", staff(), staff()),
        "evaluation.instrument_import": Rule(
            "Add an instrument to the library by importing its definition", staff(), staff(ADMINISTRATOR, DESIGNER)
        ),
        "evaluation.surveys": Rule(
            "See the surveys one is asked to answer, and one's own answers", signed_in, signed_in
        ),
        # The signed link is the key: it names one person and one survey, and it never shows answers back.
        "evaluation.answer_by_link": Rule(
            "Answer a survey through one's own emailed link, without a login", anyone, anyone, requires_login=False
        ),
        "evaluation.respond": Rule(
            "Answer a survey, or read one's own answers to it", _knows_organisation, asked_to_answer
        ),
    }
)
