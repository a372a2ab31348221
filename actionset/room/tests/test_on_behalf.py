"""Members without a device: the facilitator records their bid, their progress report or their action, and the
record says it was written down for them. Nobody else speaks for a member."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from actionset.room import actions
from actionset.room.models import Action, ActionReport, AirtimeBid
from actionset.room.tests.test_actions import meetings, member, other_member
from conftest import Cast


def _url(name: str, cast: Cast) -> str:
    assert cast.meeting is not None
    return reverse(f"setwork:{name}", kwargs={"meeting": cast.meeting.public_id})


def test_the_facilitator_records_a_bid_for_a_member_without_a_device(programme_world: Cast) -> None:
    cast = programme_world
    chloe = other_member(cast)
    response = cast.client("facilitator").post(
        _url("bid", cast),
        {"member": str(chloe.public_id), "needs_time": "yes", "minutes": "25", "urgency": "3", "panel": "bids"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    bid = AirtimeBid.objects.get()
    assert (bid.enrolment, bid.minutes, bid.urgency) == (chloe, 25, 3)
    assert bid.recorded_by == cast.users["facilitator"]
    assert bid.recorded_for_member
    html = response.content.decode()
    assert f"Bid recorded for {escape(chloe.person.name)}." in html
    assert f"recorded by {escape(cast.users['facilitator'].name)}" in html


def test_a_member_s_own_bid_is_not_marked_as_recorded_for_them(programme_world: Cast) -> None:
    cast = programme_world
    cast.client("a_participant").post(_url("bid", cast), {"needs_time": "yes", "minutes": "20"})
    bid = AirtimeBid.objects.get()
    assert bid.enrolment == member(cast)
    assert not bid.recorded_for_member
    assert bid.recorded_by is None


def test_a_member_cannot_bid_or_report_for_another_member(programme_world: Cast) -> None:
    cast = programme_world
    other = other_member(cast)
    client = cast.client("a_participant")
    assert client.post(_url("bid", cast), {"member": str(other.public_id), "needs_time": "yes"}).status_code == 403
    m1, _, _ = meetings(cast)
    action = actions.action_commit(meeting=m1, owner=other, text="Call finance", due_on=None)
    report = {"member": str(other.public_id), "action": str(action.public_id), "status": "done"}
    assert client.post(_url("progress_report", cast), report).status_code == 403
    assert not AirtimeBid.objects.exists()
    assert not ActionReport.objects.exists()


def test_the_facilitator_cannot_name_someone_outside_the_set(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.other_set is not None
    outsider = cast.other_set.memberships.first().enrolment  # type: ignore[union-attr]
    response = cast.client("facilitator").post(
        _url("bid", cast), {"member": str(outsider.public_id), "needs_time": "yes"}
    )
    assert response.status_code == 404
    assert not AirtimeBid.objects.exists()


def test_the_facilitator_records_a_progress_report_given_aloud(programme_world: Cast) -> None:
    cast = programme_world
    _, m2, _ = meetings(cast)
    m1 = cast.meeting
    assert m1 is not None
    chloe = other_member(cast)
    action = actions.action_commit(meeting=m1, owner=chloe, text="Call finance", due_on=None)
    url = reverse("setwork:progress_report", kwargs={"meeting": m2.public_id})
    response = cast.client("facilitator").post(
        url,
        {"member": str(chloe.public_id), "action": str(action.public_id), "status": "partly", "panel": "progress"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    report = ActionReport.objects.get()
    assert (report.status, report.recorded_by, report.recorded_for_member) == (
        "partly",
        cast.users["facilitator"],
        True,
    )
    assert f"recorded by {escape(cast.users['facilitator'].name)}" in response.content.decode()


@pytest.mark.parametrize(("role", "marked"), [("facilitator", True), ("a_participant", False)])
def test_an_action_says_who_wrote_it_down_when_not_its_owner(programme_world: Cast, role: str, marked: bool) -> None:
    cast = programme_world
    owner = member(cast)
    cast.client(role).post(_url("action_add", cast), {"presenter": str(owner.public_id), "text": "Ask the director"})
    action = Action.objects.get()
    assert action.owner == owner
    assert action.recorded_for_member is marked
    assert (action.recorded_by == cast.users[role]) is marked
