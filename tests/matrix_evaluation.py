"""Access matrix cases for evaluation: the instrument library, surveys and answers, the sponsor dashboard and report."""

from __future__ import annotations

from typing import Any

from actionset.evaluation.models import Instrument
from actionset.evaluation.services import builtins_ensure
from actionset.evaluation.tests.factories import occasion
from conftest import Cast
from tests.matrix import ALL_STAFF, DENY, HIDE, LOGIN, MAINTAINERS, OK, Case, expect, org_a_rule, staff_only


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def built_in(cast: Cast) -> dict[str, Any]:
    builtins_ensure()
    return {"instrument": Instrument.objects.get(code="review_sheet").public_id}


def start_survey(cast: Cast) -> dict[str, Any]:
    """The start-of-programme survey, which asks A's participant (enrolled in the published programme)."""
    assert cast.programme is not None
    return {"occasion": occasion(cast.programme).public_id}


def answer_link(cast: Cast) -> dict[str, Any]:
    """A member without a login's own link to the start-of-programme survey."""
    from actionset.evaluation.services import answer_token
    from actionset.evaluation.tests.factories import people

    assert cast.programme is not None
    (enrolment,) = people(cast.programme, 1)
    return {"token": answer_token(occasion=occasion(cast.programme), enrolment=enrolment)}


# The dashboard and its exports mirror `programme.view`: provider staff, the organisation's admins and sponsors.
RESULTS = org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))

CASES: dict[str, Case] = {
    "evaluation:instruments": Case("get", lambda c: {}, staff_only(OK, *ALL_STAFF)),
    "evaluation:instrument": Case("get", built_in, staff_only(OK, *ALL_STAFF)),
    "evaluation:instrument_import": Case("get", lambda c: {}, staff_only(OK, *MAINTAINERS)),
    "evaluation:surveys": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # Only the person asked may open a survey; their organisation's sponsors and admins, and provider staff,
    # know the programme but are refused; another organisation is told nothing.
    "evaluation:respond": Case(
        "get",
        start_survey,
        {**expect(DENY, anonymous=LOGIN, b_participant=HIDE), "a_participant": OK},
    ),
    # The link is the key, whoever holds it (signed in or not); it answers for one person and shows no answers.
    "evaluation:answer_by_link": Case("get", answer_link, expect(OK)),
    "evaluation:dashboard": Case("get", programme, RESULTS),
    "evaluation:report_pdf": Case("get", programme, RESULTS),
    "evaluation:report_csv": Case("get", programme, RESULTS),
}
