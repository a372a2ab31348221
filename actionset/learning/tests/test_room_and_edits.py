"""Agreement given aloud in the room and recorded by a facilitator; an author editing their proposal before release."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.learning import services
from actionset.learning.models import Decision, SharedItem
from actionset.learning.services import LearningError
from actionset.learning.tests.factories import SetWorld, set_world, user_of
from actionset.meetings.models import Attendance
from actionset.programmes.models import Enrolment
from actionset.sets.models import SharingRule
from tests.factories import EnrolmentFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def member_without_login(world: SetWorld) -> Enrolment:
    person = PersonFactory.create(organisation=world.programme.organisation, user=None)
    enrolment = EnrolmentFactory.create(programme=world.programme, person=person)
    MembershipFactory.create(learning_set=world.learning_set, enrolment=enrolment)
    return enrolment


def propose(world: SetWorld, **kwargs: Any) -> SharedItem:
    defaults: dict[str, Any] = {"kind": "lesson", "text": "Ask the night staff first."}
    return services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, **{**defaults, **kwargs}
    )


def record(world: SetWorld, item: SharedItem, decisions: dict[Enrolment, str], actor: Any = None) -> SharedItem:
    return services.item_record_in_room(
        actor=actor or world.facilitator, item=item, decisions={e.pk: v for e, v in decisions.items()}
    )


def events(item: SharedItem, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(item.public_id)))


# --- agreement given in the room ------------------------------------------------------------------------------


def test_approvals_recorded_in_the_room_release_the_item_under_every_member_present() -> None:
    world = set_world(size=2)
    offline = member_without_login(world)
    item = propose(world)
    assert offline in item.electorate.all()
    record(world, item, {world.members[1]: "approve"})
    item.refresh_from_db()
    assert item.is_proposed, "the member without a login has not been heard yet"
    record(world, item, {offline: "approve"})
    item.refresh_from_db()
    assert item.is_released
    assert len(events(item, "learning.item_released")) == 1


def test_a_recorded_decision_says_who_recorded_it_and_when() -> None:
    world = set_world(size=3)
    item = propose(world)
    record(world, item, {world.members[1]: "approve", world.members[2]: "object"})
    recorded = {d.enrolment_id: d for d in Decision.objects.filter(item=item, recorded_by__isnull=False)}
    assert set(recorded) == {world.members[1].pk, world.members[2].pk}
    first = recorded[world.members[1].pk]
    assert first.in_room
    assert first.recorded_by == world.facilitator
    assert first.recorded_by_name == (world.facilitator.name or world.facilitator.email)
    assert first.decided_at is not None
    tally = services.item_tally(item)
    assert tally.blocked
    assert world.members[1].pk in tally.approved


def test_the_audit_names_the_facilitator_and_the_member_but_not_the_verdict() -> None:
    world = set_world(size=3)
    item = propose(world)
    record(world, item, {world.members[1]: "approve", world.members[2]: "object"})
    logged = events(item, "learning.decision_recorded_in_room")
    assert {e.actor_id for e in logged} == {world.facilitator.pk}
    assert {e.detail["on_behalf_of"] for e in logged} == {str(m.public_id) for m in world.members[1:]}
    for event in logged:
        assert "verdict" not in event.detail
        assert "object" not in str(event.detail)
    # An objection holds the item back and is logged as before: without who objected.
    held = events(item, "learning.item_objected")
    assert len(held) == 1
    assert held[0].actor_id is None


def test_a_member_overrules_their_recorded_decision_online() -> None:
    world = set_world(size=3)
    item = propose(world)
    record(world, item, {world.members[1]: "approve"})
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="object")
    decision = Decision.objects.get(item=item, enrolment=world.members[1])
    assert decision.verdict == "object"
    assert not decision.in_room
    assert decision.recorded_by is None
    assert decision.user == user_of(world.members[1])
    overruled = events(item, "learning.room_decision_replaced")
    assert len(overruled) == 1
    assert overruled[0].actor_id == user_of(world.members[1]).pk


def test_a_member_can_withdraw_what_was_recorded_for_them() -> None:
    world = set_world(size=3)
    item = propose(world)
    record(world, item, {world.members[1]: "object"})
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="withdraw")
    assert not Decision.objects.filter(item=item, enrolment=world.members[1]).exists()
    assert not services.item_tally(item).blocked


def test_a_facilitator_never_records_an_approval_over_a_members_own_objection() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="object")
    with pytest.raises(LearningError, match="objected online"):
        record(world, item, {world.members[2]: "approve", world.members[1]: "approve"})
    # Nothing of that form was kept: it is all or nothing.
    assert not Decision.objects.filter(item=item, enrolment=world.members[2]).exists()
    decision = Decision.objects.get(item=item, enrolment=world.members[1])
    assert decision.verdict == "object"
    assert not decision.in_room
    assert events(item, "learning.decision_recorded_in_room") == []


def test_not_recorded_leaves_a_members_own_decision_alone_and_clears_a_recorded_one() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    record(world, item, {world.members[2]: "object"})
    record(world, item, {world.members[1]: "none", world.members[2]: "none"})
    own = Decision.objects.get(item=item, enrolment=world.members[1])
    assert own.verdict == "approve"
    assert not own.in_room
    assert not Decision.objects.filter(item=item, enrolment=world.members[2]).exists()
    assert len(events(item, "learning.room_decision_cleared")) == 1


def test_an_objection_said_in_the_room_is_recorded_over_an_online_approval() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    record(world, item, {world.members[1]: "object"})
    decision = Decision.objects.get(item=item, enrolment=world.members[1])
    assert decision.verdict == "object"
    assert decision.in_room
    item.refresh_from_db()
    assert item.is_proposed


def test_a_members_own_approval_is_not_relabelled_as_recorded() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    record(world, item, {world.members[1]: "approve"})
    decision = Decision.objects.get(item=item, enrolment=world.members[1])
    assert not decision.in_room
    assert events(item, "learning.decision_recorded_in_room") == []


def test_only_a_facilitator_of_the_set_records_decisions() -> None:
    world = set_world(size=3)
    item = propose(world)
    with pytest.raises(LearningError, match="facilitator"):
        record(world, item, {world.members[2]: "approve"}, actor=user_of(world.members[1]))
    other = set_world(size=2)
    with pytest.raises(LearningError, match="facilitator"):
        record(world, item, {world.members[2]: "approve"}, actor=other.facilitator)
    assert not Decision.objects.filter(item=item, enrolment=world.members[2]).exists()


def test_only_the_items_electorate_can_have_decisions_recorded() -> None:
    world = set_world(size=3)
    Attendance.objects.create(meeting=world.meeting, enrolment=world.members[0], status="present")
    Attendance.objects.create(meeting=world.meeting, enrolment=world.members[1], status="present")
    Attendance.objects.create(meeting=world.meeting, enrolment=world.members[2], status="apologies")
    item = propose(world, meeting=world.meeting)
    with pytest.raises(LearningError, match="whose agreement it needs"):
        record(world, item, {world.members[2]: "approve"})
    with pytest.raises(LearningError, match="proposed it"):
        record(world, item, {world.members[0]: "object"})
    neighbour = set_world(size=1).members[0]
    with pytest.raises(LearningError, match="whose agreement it needs"):
        record(world, item, {neighbour: "approve"})


def test_nothing_is_recorded_once_the_item_has_left_the_room() -> None:
    world = set_world(size=2)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released
    with pytest.raises(LearningError, match="already been shared"):
        record(world, item, {world.members[1]: "object"})


def test_a_majority_counts_decisions_recorded_in_the_room() -> None:
    world = set_world(size=2, rule=SharingRule.MAJORITY)
    offline = [member_without_login(world) for _ in range(3)]  # five members: three approvals needed
    item = propose(world)
    record(world, item, {offline[0]: "approve"})
    item.refresh_from_db()
    assert item.is_proposed
    record(world, item, {offline[1]: "approve", offline[2]: "none"})
    item.refresh_from_db()
    assert item.is_released
    assert item.released_under == SharingRule.MAJORITY


# --- editing a proposal ---------------------------------------------------------------------------------------


def test_editing_clears_approvals_to_the_old_wording_and_keeps_objections() -> None:
    world = set_world(size=4)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="object")
    record(world, item, {world.members[3]: "approve"})
    services.item_decide(actor=world.facilitator, item=item, verdict="approve")
    services.item_edit(actor=user_of(world.members[0]), item=item, text="Ask the night staff before deciding.")
    item.refresh_from_db()
    assert item.text == "Ask the night staff before deciding."
    assert item.edited_at is not None
    left = {(d.enrolment_id, d.user_id, d.verdict) for d in Decision.objects.filter(item=item)}
    assert left == {
        (world.members[0].pk, user_of(world.members[0]).pk, "approve"),  # the author's own, to their own words
        (world.members[2].pk, user_of(world.members[2]).pk, "object"),
    }
    edited = events(item, "learning.item_edited")
    assert len(edited) == 1
    assert edited[0].detail == {"approvals_cleared": 3}
    assert "night staff" not in str(edited[0].detail)


def test_an_unchanged_text_clears_nothing() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    services.item_edit(actor=user_of(world.members[0]), item=item, text="  Ask the night staff first. ")
    assert Decision.objects.filter(item=item, enrolment=world.members[1]).exists()
    assert events(item, "learning.item_edited") == []


def test_only_the_author_edits_and_only_before_release() -> None:
    world = set_world(size=2)
    item = propose(world)
    with pytest.raises(LearningError, match="proposed it"):
        services.item_edit(actor=user_of(world.members[1]), item=item, text="Something else")
    with pytest.raises(LearningError, match="proposed it"):
        services.item_edit(actor=world.facilitator, item=item, text="Something else")
    with pytest.raises(LearningError, match="Write"):
        services.item_edit(actor=user_of(world.members[0]), item=item, text="   ")
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released
    with pytest.raises(LearningError, match="fixed"):
        services.item_edit(actor=user_of(world.members[0]), item=item, text="Something else")
    item.refresh_from_db()
    assert item.text == "Ask the night staff first."


def test_decisions_from_before_the_migration_are_keyed_by_the_members_enrolment() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("actionset.learning.migrations.0002_room_decisions_and_edits")
    world = set_world(size=3)
    item = propose(world)
    legacy = Decision.objects.create(item=item, user=user_of(world.members[1]), verdict="object")
    facilitator = Decision.objects.create(item=item, user=world.facilitator, verdict="approve")
    migration.key_members_decisions_by_enrolment(apps, None)
    legacy.refresh_from_db()
    facilitator.refresh_from_db()
    assert legacy.enrolment == world.members[1]
    assert facilitator.enrolment is None
    assert services.item_tally(item).blocked


def test_each_member_hears_what_was_recorded_for_them_and_how_to_put_it_right(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    world = set_world(size=3)
    offline = member_without_login(world)
    item = propose(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record(world, item, {world.members[1]: "approve", offline: "object", world.members[2]: "none"})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.members[1].person.email, offline.person.email])
    online = next(m for m in mail.outbox if m.to == [world.members[1].person.email])
    assert "you agreed" in online.body
    assert "Ask the night staff first." in online.body
    assert "sharing page" in online.body
    no_login = next(m for m in mail.outbox if m.to == [offline.person.email])
    assert "did not agree" in no_login.body
    assert "tell" in no_login.body
    assert "sharing page" not in no_login.body


# --- telling approvers that the wording changed ---------------------------------------------------------------


def reword(world: SetWorld, item: SharedItem, text: str = "Ask the night staff before deciding.") -> SharedItem:
    return services.item_edit(actor=user_of(world.members[0]), item=item, text=text)


def test_each_member_whose_approval_a_rewording_cleared_is_emailed_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    world = set_world(size=5)
    offline = member_without_login(world)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")  # online
    record(world, item, {world.members[2]: "approve", offline: "approve"})  # in the room
    services.item_decide(actor=user_of(world.members[3]), item=item, verdict="object")
    # members[4] said nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reword(world, item)
        assert mail.outbox == [], "nothing is sent before the rewording is committed"
    assert callbacks
    cleared = [world.members[1], world.members[2], offline]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.person.email for e in cleared)
    for message in mail.outbox:
        assert len(message.to) == 1
        assert "reworded" in message.subject
        assert "night staff" not in message.subject
        assert "Ask the night staff before deciding." in message.body, "the new wording, to decide on"
    online = next(m for m in mail.outbox if m.to == [world.members[1].person.email])
    link = f"/learning/sets/{world.learning_set.public_id}/"
    assert link in online.body
    in_room = next(m for m in mail.outbox if m.to == [world.members[2].person.email])
    assert link in in_room.body, "they have a login, so they can decide again online"
    no_login = next(m for m in mail.outbox if m.to == [offline.person.email])
    assert link not in no_login.body
    assert "sharing page" not in no_login.body
    assert (world.facilitator.name or world.facilitator.email) in no_login.body, "who to tell"


def test_the_author_objectors_and_the_silent_are_not_emailed(django_capture_on_commit_callbacks: Any) -> None:
    from django.core import mail

    world = set_world(size=4)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="object")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
    assert [m.to for m in mail.outbox] == [[world.members[1].person.email]]


def test_a_member_who_has_left_the_set_is_not_emailed(django_capture_on_commit_callbacks: Any) -> None:
    from django.core import mail

    world = set_world(size=4)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    Enrolment.objects.filter(pk=world.members[2].pk).update(withdrawn_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
    assert [m.to for m in mail.outbox] == [[world.members[1].person.email]]


@pytest.mark.parametrize("show_author", [False, True])
def test_the_email_names_the_author_only_when_they_put_their_name_to_it(
    django_capture_on_commit_callbacks: Any, show_author: bool
) -> None:
    from django.core import mail

    world = set_world(size=3)
    author = world.members[0].person
    author.name = "Perpetua Quillfeather"
    author.save(update_fields=["name"])
    item = propose(world, show_author=show_author)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "Quillfeather" not in message.subject
    for part in (message.body, html):
        assert ("Quillfeather" in part) is show_author
    assert all(author.email not in part for part in (message.subject, message.body, html))


def test_no_email_when_a_rewording_clears_no_approval(django_capture_on_commit_callbacks: Any) -> None:
    from django.core import mail

    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="object")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
        reword(world, item, text="Ask the night staff before deciding.")  # unchanged: clears nothing either
    assert mail.outbox == []


def test_a_facilitator_whose_approval_a_rewording_cleared_is_emailed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Under "facilitator and presenter" the item waits on the facilitator again, so they must hear of it."""
    from django.core import mail

    world = set_world(size=4, rule=SharingRule.FACILITATOR_AND_PRESENTER)
    item = propose(world, presenter=world.members[1])
    services.item_decide(actor=world.facilitator, item=item, verdict="approve")
    assert item.decisions.filter(user=world.facilitator, verdict="approve").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
    assert not item.decisions.filter(user=world.facilitator).exists(), "the approval was given to the old words"
    (message,) = mail.outbox
    assert message.to == [world.facilitator.email]
    assert "reworded" in message.subject
    assert "Ask the night staff before deciding." in message.body
    assert f"/learning/sets/{world.learning_set.public_id}/" in message.body
    assert f"Hello {world.facilitator.name or world.facilitator.email}," in message.body


def test_a_facilitators_objection_survives_a_rewording_and_sends_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    world = set_world(size=4, rule=SharingRule.FACILITATOR_AND_PRESENTER)
    item = propose(world)
    services.item_decide(actor=world.facilitator, item=item, verdict="object")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reword(world, item)
    assert item.decisions.filter(user=world.facilitator, verdict="object").exists()
    assert mail.outbox == []
