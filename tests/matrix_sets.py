"""Access matrix cases for sets: the designers' board and its actions, and a member's view of their set."""

from __future__ import annotations

from typing import Any

from conftest import Cast
from tests.matrix import DENY, DONE, HIDE, LOGIN, MAINTAINERS, OK, Case, expect, org_a_rule


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def learning_set(cast: Cast) -> dict[str, Any]:
    assert cast.learning_set is not None
    return {"learning_set": cast.learning_set.public_id}


def member_enrolment(cast: Cast) -> dict[str, Any]:
    enrolment = cast.people["a_participant"].enrolments.get()
    assert cast.learning_set is not None
    return {"enrolment": enrolment.public_id, "learning_set": cast.learning_set.public_id, "locked": "true"}


def keep_facilitator(cast: Cast) -> dict[str, Any]:
    return {"lead": cast.users["facilitator"].public_id, "co": ""}


#: Designing sets is for provider administrators and designers; the organisation is told the programme exists.
DESIGN_PAGE = org_a_rule(OK, staff=MAINTAINERS, org=())
DESIGN_ACTION = org_a_rule(DONE, staff=MAINTAINERS, org=())
#: Designing one set: its own member and facilitator know the set (403); everyone else outside it is told nothing.
SET_DESIGN_ACTION = expect(
    HIDE, anonymous=LOGIN, a_participant=DENY, facilitator=DENY, administrator=DONE, designer=DONE
)

CASES: dict[str, Case] = {
    "sets:set_lists": Case("get", lambda c: {**programme(c), "fmt": "csv"}, DESIGN_PAGE),
    "sets:board": Case("get", programme, DESIGN_PAGE),
    "sets:progress": Case("get", programme, DESIGN_PAGE),
    # The programme is published, so composing is refused with a message: still a redirect for those allowed.
    "sets:compose": Case("post", programme, DESIGN_ACTION, data=lambda c: {"number_of_sets": 2, "time_limit": 1}),
    "sets:compose_cancel": Case("post", programme, DESIGN_ACTION),
    "sets:move": Case("post", programme, DESIGN_ACTION, data=member_enrolment),
    "sets:member_lock": Case("post", programme, DESIGN_ACTION, data=member_enrolment),
    "sets:publish": Case("post", programme, DESIGN_ACTION),
    "sets:lock": Case("post", learning_set, SET_DESIGN_ACTION, data=lambda c: {"locked": "true"}),
    "sets:facilitators": Case("post", learning_set, SET_DESIGN_ACTION, data=keep_facilitator),
    # The set's own member and facilitator, and designers; everyone else outside the set (sponsors, administrators,
    # other staff) is not told the page exists.
    # The set's meeting link: its facilitator and designers keep it; its member knows the set (403); everyone else
    # outside the set is not told the set exists.
    "sets:meeting_link": Case(
        "post",
        learning_set,
        expect(HIDE, anonymous=LOGIN, a_participant=DENY, facilitator=DONE, designer=DONE),
        data=lambda c: {"meeting_link": "https://video.example.com/j/123"},
    ),
    "sets:detail": Case(
        "get", learning_set, expect(HIDE, anonymous=LOGIN, a_participant=OK, facilitator=OK, designer=OK)
    ),
}
