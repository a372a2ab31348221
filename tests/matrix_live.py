"""Access matrix cases for the live meeting: set tier, so only the set's members and facilitator are told it exists.

Sponsors, designers and provider administrators who do not facilitate the set get 404 on every live URL, the
same as someone from another organisation; members are refused (403) what only the facilitator may do.
"""

from __future__ import annotations

from typing import Any

from conftest import Cast
from tests.factories import MeetingFactory
from tests.matrix import DENY, DONE, EMPTY, HIDE, LOGIN, MAINTAINERS, OK, Case, expect, org_a_rule


def meeting(cast: Cast) -> dict[str, Any]:
    assert cast.meeting is not None
    return {"meeting": cast.meeting.public_id}


def fresh_meeting(cast: Cast) -> dict[str, Any]:
    """A meeting of its own per request, so that the facilitator's starting it decides nothing for other roles."""
    assert cast.learning_set is not None
    return {"meeting": MeetingFactory.create(learning_set=cast.learning_set, number=2).public_id}


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def set_tier(member: str, facilitator: str) -> dict[str, str]:
    return expect(HIDE, anonymous=LOGIN, a_participant=member, facilitator=facilitator)


CASES: dict[str, Case] = {
    "live:live": Case("get", meeting, set_tier(OK, OK)),
    "live:state": Case("get", meeting, set_tier(OK, OK)),
    # The stream that tells devices of a change: the same people as the state. The test client, like a sync
    # worker, is answered 204 once let in (actionset/meetings/tests/test_live_events.py opens the stream itself).
    "live:events": Case("get", meeting, set_tier(EMPTY, EMPTY)),
    "live:command": Case(
        "post",
        fresh_meeting,
        set_tier(DENY, DONE),
        data=lambda cast: {"command": "start", "version": "0", "confirmed": "on", "early": "on"},
    ),
    # The room display shows what every member's page shows, without controls: the set and its facilitator.
    "live:display": Case("get", meeting, set_tier(OK, OK)),
    # Personal tier: the author's own notes. A member is refused; nobody outside the set is told they exist.
    "live:notes": Case("get", meeting, set_tier(DENY, OK)),
    "live:attendance": Case("post", meeting, set_tier(DENY, DONE)),
    "live:run_sheet": Case("get", programme, org_a_rule(OK, staff=MAINTAINERS, org=())),
}
