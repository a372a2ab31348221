"""Building published programmes with sets whose people have given their availability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import icalendar
import pytest
from django.core import mail

from actionset.programmes.models import Programme
from actionset.sets.models import LearningSet
from conftest import Cast
from tests.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
)


def add_set(
    programme: Programme,
    availabilities: Sequence[Sequence[str]],
    *,
    names: Sequence[str] = (),
    facilitator: Any = None,
    name: str | None = None,
) -> LearningSet:
    learning_set = LearningSetFactory.create(programme=programme, **({"name": name} if name else {}))
    for i, availability in enumerate(availabilities):
        person = PersonFactory.create(organisation=programme.organisation, **({"name": names[i]} if names else {}))
        enrolment = EnrolmentFactory.create(programme=programme, person=person, availability=list(availability))
        MembershipFactory.create(learning_set=learning_set, enrolment=enrolment)
    if facilitator is not None:
        FacilitatorAssignmentFactory.create(learning_set=learning_set, user=facilitator)
    return learning_set


def published_programme(cast: Cast, **fields: Any) -> Programme:
    fields.setdefault("start_date", dt.date.today() + dt.timedelta(days=14))
    programme = ProgrammeFactory.create(
        organisation=cast.org_a, status="running", designer=cast.users["designer"], **fields
    )
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    return programme


def sent_calendars(message: Any) -> list[icalendar.Calendar]:
    """Every .ics attached to an email, parsed as a calendar client would."""
    return [
        icalendar.Calendar.from_ical(a.content)
        for a in message.attachments
        if str(a.mimetype).startswith("text/calendar")
    ]


def outbox_to(email: str) -> list[Any]:
    return [m for m in mail.outbox if email in m.to]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Emails go after commit; tests run inside a transaction that never commits, so run them by hand."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
