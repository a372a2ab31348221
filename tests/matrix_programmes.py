"""Access matrix cases for programmes: design, lifecycle, events, evaluation plan and the participant pool."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actionset.programmes.models import ProgrammeEvent, Venue
from conftest import Cast
from tests.factories import EnrolmentFactory
from tests.matrix import ALL_STAFF, DENY, DONE, LOGIN, MAINTAINERS, OK, Case, expect, org_a, org_a_rule, staff_only


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def event(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    starts = timezone.now() + dt.timedelta(days=30)
    created = ProgrammeEvent.objects.create(
        programme=cast.programme,
        kind="launch",
        title="Launch",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    return {**programme(cast), "event": created.public_id}


def venue(cast: Cast) -> dict[str, Any]:
    return {"venue": Venue.objects.create(name="Main hall", rooms=2).public_id}


def enrolment(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    created = EnrolmentFactory.create(programme=cast.programme)
    return {**programme(cast), "enrolment": created.public_id}


DESIGN = org_a_rule(OK, staff=MAINTAINERS, org=())
POOL = org_a_rule(OK, staff=MAINTAINERS, org=("admin",))

CASES: dict[str, Case] = {
    "programmes:list": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN, a_participant=DENY, b_participant=DENY)),
    "programmes:new": Case("get", org_a, DESIGN),
    "programmes:detail": Case("get", programme, org_a_rule(OK, staff=ALL_STAFF, org=("admin", "sponsor"))),
    "programmes:edit": Case("get", programme, DESIGN),
    "programmes:events": Case("get", programme, DESIGN),
    "programmes:event_edit": Case("get", event, DESIGN),
    "programmes:clone": Case("get", programme, DESIGN),
    "programmes:venues": Case("get", lambda c: {}, staff_only(OK, *MAINTAINERS)),
    "programmes:venue": Case("get", venue, staff_only(OK, *MAINTAINERS)),
    "programmes:evaluation": Case("get", programme, DESIGN),
    "programmes:status": Case(
        "post",
        programme,
        org_a_rule(DONE, staff=MAINTAINERS, org=()),
        # Confirmed: the programme's meeting is still to come, which closing would cancel (meetings/closing.py).
        data=lambda c: {"status": "closed", "confirmed": "yes"},
    ),
    "programmes:event_delete": Case("post", event, org_a_rule(DONE, staff=MAINTAINERS, org=())),
    "programmes:pool": Case("get", programme, POOL),
    "programmes:my_enrolment": Case("get", programme, org_a_rule(OK, staff=(), org=("participant",))),
    "programmes:pool_add": Case("get", programme, POOL),
    "programmes:pool_import": Case("get", programme, POOL),
    "programmes:enrolment": Case("get", enrolment, POOL),
    "programmes:withdraw": Case("post", enrolment, org_a_rule(DONE, staff=MAINTAINERS, org=("admin",))),
}
