"""Builders for learning tests: a published set with members who can sign in, a facilitator and a contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment, Programme
from actionset.room.contract import contract_save
from actionset.sets.models import LearningSet, SharingRule
from tests.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)


@dataclass
class SetWorld:
    programme: Programme
    learning_set: LearningSet
    meeting: Meeting
    members: list[Enrolment]
    facilitator: User
    sponsor: User
    users: list[Any] = field(default_factory=list)


def set_world(*, size: int = 4, rule: str = SharingRule.ALL_PRESENT, programme: Programme | None = None) -> SetWorld:
    programme = programme or ProgrammeFactory.create(status="running")
    learning_set = LearningSetFactory.create(programme=programme)
    members = []
    for _ in range(size):
        user = UserFactory.create()
        person = PersonFactory.create(organisation=programme.organisation, user=user, email=user.email)
        enrolment = EnrolmentFactory.create(programme=programme, person=person)
        MembershipFactory.create(learning_set=learning_set, enrolment=enrolment)
        members.append(enrolment)
    facilitator = UserFactory.create(staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=facilitator)
    sponsor_user = UserFactory.create()
    sponsor = PersonFactory.create(
        organisation=programme.organisation, user=sponsor_user, email=sponsor_user.email, roles=["sponsor"]
    )
    programme.sponsors.add(sponsor)
    if programme.published_at is None:
        programme.published_at = programme.created_at
        programme.save(update_fields=["published_at"])
    contract_save(
        actor=facilitator, learning_set=learning_set, based_on=0, ground_rules="Stay kind.", sharing_rule=rule
    )
    meeting = MeetingFactory.create(
        learning_set=learning_set, status="held", starts_at=timezone.now() - dt.timedelta(days=2)
    )
    return SetWorld(
        programme=programme,
        learning_set=learning_set,
        meeting=meeting,
        members=members,
        facilitator=facilitator,
        sponsor=sponsor_user,
        users=[m.person.user for m in members],
    )


def user_of(enrolment: Enrolment) -> Any:
    return enrolment.person.user
