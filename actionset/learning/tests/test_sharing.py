"""Sharing out of the set: each sharing rule, objections, withdrawals, anonymity and the audit of releases."""

from __future__ import annotations

from typing import Any

import pytest

from actionset.core.models import AuditEvent
from actionset.learning import selectors, services
from actionset.learning.models import Decision, SharedItem
from actionset.learning.services import LearningError, rule_met
from actionset.learning.tests.factories import set_world, user_of
from actionset.meetings.models import Attendance
from actionset.room.contract import contract_save
from actionset.sets.models import SharingRule
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- the rules as a pure function ----------------------------------------------------------------------------


def met(rule: str, approvers: set[int], *, electorate: set[int] | None = None, facilitator: bool = False) -> bool:
    return rule_met(
        rule,
        members={1, 2, 3, 4},
        electorate=electorate if electorate is not None else {1, 2, 3, 4},
        approvers=approvers,
        presenter=2,
        facilitator_approved=facilitator,
    )


def test_every_member_present_needs_each_member_of_the_electorate() -> None:
    assert not met(SharingRule.ALL_PRESENT, {1, 2, 3})
    assert met(SharingRule.ALL_PRESENT, {1, 2, 3, 4})
    assert met(SharingRule.ALL_PRESENT, {1, 3}, electorate={1, 3})
    # Someone who has left the set since cannot hold it up, and cannot be counted either.
    assert met(SharingRule.ALL_PRESENT, {1, 3}, electorate={1, 3, 9})
    assert not met(SharingRule.ALL_PRESENT, {9}, electorate={9})


def test_a_majority_is_more_than_half_of_the_members() -> None:
    assert not met(SharingRule.MAJORITY, {1, 2})
    assert met(SharingRule.MAJORITY, {1, 2, 3})
    assert not met(SharingRule.MAJORITY, {1, 2, 9}), "a non-member's approval does not count"


def test_facilitator_and_presenter_need_both() -> None:
    assert not met(SharingRule.FACILITATOR_AND_PRESENTER, {1, 2, 3, 4})
    assert not met(SharingRule.FACILITATOR_AND_PRESENTER, {1}, facilitator=True)
    assert met(SharingRule.FACILITATOR_AND_PRESENTER, {2}, facilitator=True)


def test_nothing_leaves_a_set_that_said_so() -> None:
    assert not met(SharingRule.NOTHING, {1, 2, 3, 4}, facilitator=True)


# --- the workflow ----------------------------------------------------------------------------------------------


def propose(world: Any, **kwargs: Any) -> SharedItem:
    defaults: dict[str, Any] = {"kind": "question", "text": "Who owns discharge at weekends?"}
    return services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, **{**defaults, **kwargs}
    )


def test_under_every_member_present_an_item_is_released_when_the_last_present_member_approves() -> None:
    world = set_world(size=4)
    for enrolment in world.members[:3]:
        Attendance.objects.create(meeting=world.meeting, enrolment=enrolment, status="present")
    Attendance.objects.create(meeting=world.meeting, enrolment=world.members[3], status="apologies")
    item = propose(world, meeting=world.meeting)
    assert set(item.electorate.all()) == set(world.members[:3])
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed
    assert selectors.released_items(world.programme) == []
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released
    assert item.released_under == SharingRule.ALL_PRESENT
    assert [i.text for i in selectors.released_items(world.programme)] == ["Who owns discharge at weekends?"]


def test_raised_between_meetings_every_active_member_counts_as_present() -> None:
    world = set_world(size=3)
    item = propose(world)
    assert item.electorate.count() == 3
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed


def test_a_meeting_without_recorded_attendance_counts_every_active_member() -> None:
    world = set_world(size=3)
    assert propose(world, meeting=world.meeting).electorate.count() == 3


def test_under_majority_more_than_half_release_it() -> None:
    world = set_world(size=5, rule=SharingRule.MAJORITY)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released


def test_under_facilitator_and_presenter_the_facilitator_and_the_presenter_decide() -> None:
    world = set_world(size=4, rule=SharingRule.FACILITATOR_AND_PRESENTER)
    item = propose(world, presenter=world.members[2])
    for enrolment in world.members[1:2]:
        services.item_decide(actor=user_of(enrolment), item=item, verdict="approve")
    services.item_decide(actor=world.facilitator, item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed, "the presenter has not yet agreed"
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released


def test_a_set_whose_rule_is_nothing_cannot_propose_and_a_later_change_to_nothing_stops_releases() -> None:
    world = set_world(size=2, rule=SharingRule.NOTHING)
    with pytest.raises(LearningError, match="nothing leaves the set"):
        propose(world)
    world = set_world(size=2)
    item = propose(world)
    contract_save(
        actor=world.facilitator,
        learning_set=world.learning_set,
        based_on=1,
        ground_rules="Stay kind.",
        sharing_rule=SharingRule.NOTHING,
    )
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed


def test_an_objection_blocks_release_until_it_is_withdrawn() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="object")
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed
    assert services.item_tally(item).blocked
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released


def test_an_approval_can_be_withdrawn_before_release_and_counts_no_more() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="withdraw")
    assert not Decision.objects.filter(item=item, user=user_of(world.members[1])).exists()
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed


def test_once_released_nothing_more_can_be_decided_or_withdrawn() -> None:
    world = set_world(size=1)
    item = propose(world)
    item.refresh_from_db()
    assert item.is_released
    with pytest.raises(LearningError):
        services.item_decide(actor=user_of(world.members[0]), item=item, verdict="withdraw")
    with pytest.raises(LearningError):
        services.item_withdraw(actor=user_of(world.members[0]), item=item)


def test_the_author_may_withdraw_an_item_and_nobody_else_may() -> None:
    world = set_world(size=3)
    item = propose(world)
    with pytest.raises(LearningError):
        services.item_withdraw(actor=user_of(world.members[1]), item=item)
    services.item_withdraw(actor=user_of(world.members[0]), item=item)
    item.refresh_from_db()
    assert item.status == SharedItem.Status.WITHDRAWN
    with pytest.raises(LearningError):
        services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")


def test_only_members_propose_and_only_members_and_facilitators_decide() -> None:
    world = set_world(size=2)
    with pytest.raises(LearningError):
        services.item_propose(actor=world.facilitator, learning_set=world.learning_set, kind="lesson", text="x")
    item = propose(world)
    with pytest.raises(LearningError):
        services.item_decide(actor=world.sponsor, item=item, verdict="approve")
    outsider = set_world(size=1, programme=world.programme).members[0]
    with pytest.raises(LearningError):
        services.item_decide(actor=user_of(outsider), item=item, verdict="object")


def test_the_presenter_named_on_an_item_must_be_in_the_set_even_where_members_have_no_login() -> None:
    world = set_world(size=2)
    # A member of this set, and a presenter from another set, neither with a login.
    for enrolment in (world.members[1], set_world(size=1, programme=world.programme).members[0]):
        enrolment.person.user = None
        enrolment.person.save(update_fields=["user"])
    stranger = EnrolmentFactory.create(programme=world.programme, person=PersonFactory.create(user=None))
    with pytest.raises(LearningError, match="presenter must be a member"):
        services.item_propose(
            actor=user_of(world.members[0]),
            learning_set=world.learning_set,
            kind="lesson",
            text="x",
            presenter=stranger,
        )
    item = services.item_propose(
        actor=user_of(world.members[0]),
        learning_set=world.learning_set,
        kind="lesson",
        text="x",
        presenter=world.members[1],
    )
    assert item.presenter == world.members[1]


def test_items_are_anonymous_outside_the_set_unless_the_author_opts_in() -> None:
    world = set_world(size=1)
    item = propose(world)
    (shared,) = selectors.released_items(world.programme)
    assert shared.author_name is None
    with pytest.raises(LearningError):
        services.item_attribution(actor=world.sponsor, item=item, show_author=True)
    services.item_attribution(actor=user_of(world.members[0]), item=item, show_author=True)
    (shared,) = selectors.released_items(world.programme)
    assert shared.author_name == world.members[0].person.name


def test_a_release_is_audited_without_its_words() -> None:
    world = set_world(size=2)
    item = propose(world, text="A very private-sounding question")
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    event = AuditEvent.objects.get(action="learning.item_released")
    assert event.target_id == str(item.public_id)
    assert event.detail["rule"] == SharingRule.ALL_PRESENT
    assert event.detail["approvals"] == 2
    for e in AuditEvent.objects.filter(action__startswith="learning."):
        assert "private-sounding" not in str(e.detail) + e.target_label


def test_selectors_return_only_released_items() -> None:
    world = set_world(size=2)
    propose(world, text="still in the room")
    other = propose(world, kind="lesson", text="shared lesson")
    services.item_decide(actor=user_of(world.members[1]), item=other, verdict="approve")
    assert [i.text for i in selectors.released_items(world.programme)] == ["shared lesson"]
    assert selectors.leader_questions(world.programme) == []
    counts = selectors.sharing_counts(world.programme)
    assert (counts.released, counts.lessons, counts.questions) == (1, 1, 0)
    with pytest.raises(ValueError, match="only released"):
        selectors.to_released_item(SharedItem.objects.get(text="still in the room"))


def test_a_facilitators_objection_blocks_too_and_the_set_sees_who_is_still_needed() -> None:
    world = set_world(size=2, rule=SharingRule.MAJORITY)
    item = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="lesson", text="Ask first"
    )
    services.item_decide(actor=world.facilitator, item=item, verdict="object")
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_proposed
    assert services.item_tally(item).still_needed == "Held back: someone has objected."
    services.item_decide(actor=world.facilitator, item=item, verdict="withdraw")
    item.refresh_from_db()
    assert item.is_released


def test_the_author_counts_as_approving_even_without_a_recorded_decision() -> None:
    world = set_world(size=2)
    item = SharedItem.objects.create(
        learning_set=world.learning_set, kind="theme", text="Silos", author=world.members[0]
    )
    item.electorate.set(world.members)
    tally = services.item_tally(item)
    assert tally.approved == {world.members[0].pk}
    assert tally.still_needed == f"Waiting for {world.members[1].person.name}."
