"""Access matrix cases for meetings: the programme's schedule, moving and cancelling meetings, calendars."""

from __future__ import annotations

from typing import Any

from actionset.meetings.services import calendar_feed_create
from conftest import Cast
from tests.factories import MeetingFactory
from tests.matrix import ALL_STAFF, DENY, DONE, HIDE, LOGIN, MAINTAINERS, OK, Case, expect, org_a_rule


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


def set_design(outcome: str) -> dict[str, str]:
    """Moving or cancelling one set's meeting: the set's member and facilitator are refused, the rest not told."""
    return expect(HIDE, anonymous=LOGIN, a_participant=DENY, facilitator=DENY, administrator=outcome, designer=outcome)


CASES: dict[str, Case] = {
    # Sponsors and the organisation's admins see the sets' meeting dates; only designers change them.
    "meetings:schedule": Case("get", programme, org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))),
    "meetings:schedule_new": Case("post", programme, org_a_rule(DONE, staff=MAINTAINERS, org=())),
    "meetings:meeting_change": Case("get", meeting, set_design(OK)),
    "meetings:meeting_cancel": Case("post", fresh_meeting, set_design(DONE), data=lambda cast: {"confirmed": "on"}),
    # A meeting's .ics belongs to its set: its members, its facilitator and designers; nobody else is told it exists.
    "meetings:meeting_ics": Case(
        "get", meeting, expect(HIDE, anonymous=LOGIN, a_participant=OK, facilitator=OK, designer=OK)
    ),
    "meetings:calendar": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # Everyone signed in has the page; it lists only the sets they facilitate (tests/security/test_lists.py).
    "meetings:facilitating": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    # The feed's address is its own key: calendar apps cannot sign in.
    "meetings:calendar_feed": Case("get", feed_token, expect(OK)),
}
