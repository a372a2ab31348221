"""The pages for recording agreement given in the room and for rewording a proposal, through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from actionset.learning import services
from actionset.learning.models import Decision, SharedItem
from actionset.learning.tests.factories import SetWorld, set_world, user_of
from actionset.learning.tests.test_room_and_edits import member_without_login

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def propose(world: SetWorld) -> SharedItem:
    return services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="lesson", text="Ask the porters."
    )


def test_a_facilitator_records_what_was_said_and_the_set_sees_who_recorded_it() -> None:
    world = set_world(size=2)
    offline = member_without_login(world)
    item = propose(world)
    url = reverse("learning:record", kwargs={"item": item.public_id})
    facilitator = client_for(world.facilitator)
    page = facilitator.get(url).content.decode()
    assert escape(offline.person.name) in page
    assert escape(world.members[1].person.name) in page
    assert escape(world.members[0].person.name) + "</legend>" not in page, "the author approves by proposing"
    response = facilitator.post(url, {f"m-{offline.public_id}": "approve", f"m-{world.members[1].public_id}": "none"})
    assert response.status_code == 302
    assert Decision.objects.get(item=item, enrolment=offline).recorded_by == world.facilitator
    recorder = world.facilitator.name or world.facilitator.email
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    body = client_for(user_of(world.members[1])).get(sharing).content.decode()
    assert f"said in the room, recorded by {recorder}" in body
    assert "Record decisions given in the room" not in body, "members are not offered the facilitator's form"
    assert "Record decisions given in the room" in facilitator.get(sharing).content.decode()


def test_a_member_is_told_what_was_recorded_for_them_and_can_change_it() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_record_in_room(actor=world.facilitator, item=item, decisions={world.members[1].pk: "approve"})
    member = client_for(user_of(world.members[1]))
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    body = member.get(sharing).content.decode()
    assert 'data-testid="recorded-for-you"' in body
    response = member.post(
        reverse("learning:decide", kwargs={"item": item.public_id}), {"verdict": "object"}, follow=True
    )
    assert "It replaces what was recorded for you in the room." in response.content.decode()
    decision = Decision.objects.get(item=item, enrolment=world.members[1])
    assert decision.verdict == "object"
    assert not decision.in_room
    assert 'data-testid="recorded-for-you"' not in member.get(sharing).content.decode()


def test_an_approval_over_an_online_objection_is_refused_and_the_form_keeps_the_choices() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="object")
    url = reverse("learning:record", kwargs={"item": item.public_id})
    facilitator = client_for(world.facilitator)
    page = facilitator.get(url).content.decode()
    assert "Decided online themself" in page
    assert "disabled" in page
    response = facilitator.post(
        url, {f"m-{world.members[1].public_id}": "approve", f"m-{world.members[2].public_id}": "object"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "objected online themself" in body
    assert f'value="object" id="id_m-{world.members[2].public_id}_1" checked' in body
    assert not Decision.objects.filter(item=item, enrolment=world.members[2]).exists()


def test_the_author_rewords_an_item_and_is_told_what_that_clears() -> None:
    world = set_world(size=3)
    item = propose(world)
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    author = client_for(user_of(world.members[0]))
    url = reverse("learning:edit", kwargs={"item": item.public_id})
    assert "1 approval was given to the current wording" in author.get(url).content.decode()
    empty = author.post(url, {"text": "  "})
    assert empty.status_code == 422
    response = author.post(url, {"text": "Ask the porters first."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == "Ask the porters first."
    assert not Decision.objects.filter(item=item, enrolment=world.members[1]).exists()
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    assert "approvals given to the earlier wording were cleared" in author.get(sharing).content.decode()
    assert client_for(user_of(world.members[1])).post(url, {"text": "Mine now"}).status_code == 403


def test_the_home_page_tells_a_member_a_decision_was_recorded_for_them_until_the_item_leaves_the_room() -> None:
    world = set_world(size=3)
    item = propose(world)
    member = client_for(user_of(world.members[1]))
    assert 'data-testid="recorded-in-room"' not in member.get("/").content.decode()
    services.item_record_in_room(actor=world.facilitator, item=item, decisions={world.members[1].pk: "approve"})
    recorder = world.facilitator.name or world.facilitator.email
    home = member.get("/").content.decode()
    assert "1 decision recorded for you in the room" in home
    assert f"by {escape(recorder)} in {world.learning_set.name}" in home
    assert "recorded for you in the room" not in client_for(user_of(world.members[2])).get("/").content.decode()
    services.item_decide(actor=user_of(world.members[2]), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.is_released
    assert 'data-testid="recorded-in-room"' not in member.get("/").content.decode()
