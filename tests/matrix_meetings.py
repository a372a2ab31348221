"""Access matrix cases for meetings: the programme's schedule, moving and cancelling meetings, calendars."""

from __future__ import annotations

from typing import Any

from actionset.core.factories import MeetingFactory
from actionset.meetings.services import calendar_feed_create
from conftest import Cast
from tests.matrix import ALL_STAFF, DENY, DONE, LOGIN, MAINTAINERS, OK, Case, expect, org_a_rule


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def meeting(cast: Cast) -> dict[str, Any]:
    assert cast.meeting is not None
    return {"meeting": cast.meeting.public_id}


def fresh_meeting(cast: Cast) -> dict[str, Any]:
    """A meeting of its own for each request, so that one role's cancelling does not decide the next one's."""
    assert cast.learning_set is not None
    return {"meeting": MeetingFactory.create(learning_set=cast.learning_set, number=2).public_id}


def feed_token(cast: Cast) -> dict[str, Any]:
    return {"token": calendar_feed_create(actor=cast.users["a_participant"])}


DESIGN = org_a_rule(OK, staff=MAINTAINERS, org=())

CASES: dict[str, Case] = {
    # Sponsors and the organisation's admins see the sets' meeting dates; only designers change them.
    "meetings:schedule": Case("get", programme, org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))),
    "meetings:schedule_new": Case("post", programme, org_a_rule(DONE, staff=MAINTAINERS, org=())),
    "meetings:meeting_change": Case("get", meeting, DESIGN),
    "meetings:meeting_cancel": Case("post", fresh_meeting, org_a_rule(DONE, staff=MAINTAINERS, org=())),
    # A meeting's .ics is set content: its members, its facilitator and designers; not sponsors or admins.
    "meetings:meeting_ics": Case(
        "get",
        meeting,
        {
            **org_a_rule(DENY, staff=(), org=()),
            "a_participant": OK,
            "facilitator": OK,
            "designer": OK,
        },
    ),
    "meetings:calendar": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # The feed's address is its own key: calendar apps cannot sign in.
    "meetings:calendar_feed": Case("get", feed_token, expect(OK)),
}
