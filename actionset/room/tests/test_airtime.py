"""Airtime: bids and their order, fairness across the programme, notes without lost edits, and consensus."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.html import escape

from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room import airtime
from actionset.room.models import AirtimeBid, AirtimeNotes, AirtimeQuestion, ConsensusStatement
from conftest import Cast
from tests.factories import MeetingFactory


def members(cast: Cast) -> list[Enrolment]:
    """The cast's participant first, then the set's other members by name."""
    assert cast.learning_set is not None
    me = cast.people["a_participant"].enrolments.get()
    others = [m for m in cast.learning_set.active_members() if m.pk != me.pk]
    return [me, *others]


def second_meeting(cast: Cast) -> Meeting:
    assert cast.meeting is not None
    return MeetingFactory.create(
        learning_set=cast.learning_set, number=2, starts_at=cast.meeting.starts_at + dt.timedelta(days=28)
    )


def test_a_member_bids_and_changes_their_bid(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    url = reverse("setwork:bid", kwargs={"meeting": cast.meeting.public_id})
    client = cast.client("a_participant")
    client.post(url, {"needs_time": "yes", "minutes": 40, "urgency": 3})
    client.post(url, {"needs_time": "no"})
    bid = AirtimeBid.objects.get()
    assert (bid.needs_time, bid.minutes) == (False, 0)
    assert airtime.presenter_order(cast.meeting) == []


def test_the_order_is_the_facilitators_then_urgency_then_least_airtime_so_far(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    a, b, c, d = members(cast)
    earlier, today = cast.meeting, second_meeting(cast)
    # b has had airtime before; c has not.
    AirtimeNotes.objects.create(meeting=earlier, presenter=b, minutes=40)
    for who, urgency in ((a, 1), (b, 2), (c, 2), (d, 3)):
        airtime.bid_save(meeting=today, enrolment=who, needs_time=True, minutes=30, urgency=urgency)
    assert airtime.presenter_order(today) == [d, c, b, a]

    url = reverse("setwork:order", kwargs={"meeting": today.public_id})
    bids = {bid.enrolment_id: bid.pk for bid in today.airtime_bids.all()}
    response = cast.client("facilitator").post(url, {f"position-{bids[a.pk]}": "1", f"position-{bids[b.pk]}": "2"})
    assert response.status_code == 302
    assert airtime.presenter_order(today) == [a, b, d, c]
    # Members bid; only the facilitator agrees the order.
    assert cast.client("a_participant").post(url, {f"position-{bids[d.pk]}": "1"}).status_code == 403


def test_fairness_counts_turns_and_minutes_from_the_notes(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    a, b, *_ = members(cast)
    second = second_meeting(cast)
    AirtimeNotes.objects.create(meeting=cast.meeting, presenter=a, minutes=35)
    AirtimeNotes.objects.create(meeting=second, presenter=a, minutes=40)
    AirtimeNotes.objects.create(meeting=second, presenter=b, minutes=30)
    rows = {r.enrolment.pk: r for r in airtime.fairness(cast.learning_set)}
    assert (rows[a.pk].turns, rows[a.pk].minutes) == (2, 75)
    assert (rows[b.pk].turns, rows[b.pk].minutes) == (1, 30)
    assert sum(r.turns for r in rows.values()) == 3
    before_second = {r.enrolment.pk: r.minutes for r in airtime.fairness(cast.learning_set, before=second)}
    assert before_second[a.pk] == 35
    assert before_second[b.pk] == 0


@pytest.mark.skipif(
    not any(m._meta.model_name == "presenterturn" for m in apps.get_app_config("meetings").get_models()),
    reason="the live meeting's PresenterTurn is not there yet",
)
def test_fairness_prefers_the_live_meetings_presenter_turns(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    a, *_ = members(cast)
    turn = apps.get_model("meetings", "PresenterTurn")
    start = cast.meeting.starts_at
    fields: dict[str, Any] = {"meeting": cast.meeting, "enrolment": a, "started_at": start}
    turn.objects.create(**fields, ended_at=start + dt.timedelta(minutes=42))
    AirtimeNotes.objects.create(meeting=cast.meeting, presenter=a, minutes=10)
    row = next(r for r in airtime.fairness(cast.learning_set) if r.enrolment.pk == a.pk)
    assert (row.turns, row.minutes) == (1, 42)


def test_the_fairness_page_is_the_facilitators(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    a, *_ = members(cast)
    AirtimeNotes.objects.create(meeting=cast.meeting, presenter=a, minutes=35)
    url = reverse("setwork:fairness", kwargs={"learning_set": cast.learning_set.public_id})
    page = cast.client("facilitator").get(url).content.decode()
    assert escape(a.person.name) in page
    assert "<td>35</td>" in page
    assert cast.client("a_participant").get(url).status_code == 403
    for role in ("a_sponsor", "designer", "administrator"):
        assert cast.client(role).get(url).status_code == 404


def test_airtime_notes_questions_and_a_stale_edit(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    a, _b, *_ = members(cast)
    notes_url = reverse("setwork:airtime_notes", kwargs={"meeting": cast.meeting.public_id})
    first = {"presenter": a.public_id, "version": 1, "issue": "Two teams, one budget", "insights": ""}
    assert cast.client("a_participant").post(notes_url, first).status_code == 302
    response = cast.client("facilitator").post(notes_url, {**first, "issue": "A scribe's version"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved these notes while you were writing" in page
    assert "Two teams, one budget" in page
    assert "A scribe&#x27;s version" in page
    notes = AirtimeNotes.objects.get()
    assert (notes.issue, notes.version) == ("Two teams, one budget", 2)

    q_url = reverse("setwork:question", kwargs={"meeting": cast.meeting.public_id})
    cast.client("facilitator").post(q_url, {"presenter": a.public_id, "text": "What have you not tried yet?"})
    question = AirtimeQuestion.objects.get()
    assert question.notes == notes
    assert question.asked_by is None
    # The presenter must be a member of this set.
    outsider = cast.other_set.memberships.first().enrolment  # type: ignore[union-attr]
    assert cast.client("facilitator").post(q_url, {"presenter": outsider.public_id, "text": "?"}).status_code == 404
    assert cast.client("facilitator").post(q_url, {"presenter": "nonsense", "text": "?"}).status_code == 404


def test_problem_consensus_each_member_writes_the_presenter_answers(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    me, presenter, *_ = members(cast)
    airtime.bid_save(meeting=cast.meeting, enrolment=presenter, needs_time=True, minutes=60, urgency=3)
    url = reverse("setwork:consensus", kwargs={"meeting": cast.meeting.public_id})
    cast.client("a_participant").post(url, {"text": "Nobody owns the budget"})
    cast.client("a_participant").post(url, {"text": "Nobody owns the decision"})
    statement = ConsensusStatement.objects.get()
    assert (statement.author, statement.text) == (me, "Nobody owns the decision")

    verdict_url = reverse("setwork:consensus_verdict", kwargs={"meeting": cast.meeting.public_id})
    # A member who is not the presenter does not answer for them.
    assert (
        cast.client("a_participant").post(verdict_url, {"statement": statement.pk, "verdict": "yes"}).status_code == 403
    )
    cast.client("facilitator").post(verdict_url, {"statement": statement.pk, "verdict": "close"})
    statement.refresh_from_db()
    assert statement.verdict == "close"
    # Rewriting a statement clears the earlier answer.
    airtime.statement_save(meeting=cast.meeting, author=me, text="Who decides?")
    statement.refresh_from_db()
    assert statement.verdict == ""


def test_the_presenter_answers_the_consensus_poll(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    me, other, *_ = members(cast)
    airtime.bid_save(meeting=cast.meeting, enrolment=me, needs_time=True, minutes=60, urgency=3)
    statement = airtime.statement_save(meeting=cast.meeting, author=other, text="It is about trust")
    url = reverse("setwork:consensus_verdict", kwargs={"meeting": cast.meeting.public_id})
    assert cast.client("a_participant").post(url, {"statement": statement.pk, "verdict": "no"}).status_code == 302
    statement.refresh_from_db()
    assert statement.verdict == "no"


def test_the_wial_work_page_shows_the_consensus_panel(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.programme is not None
    url = reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})
    assert "Problem consensus" not in cast.client("a_participant").get(url).content.decode()
    cast.programme.method = "wial"
    cast.programme.save()
    assert "Problem consensus" in cast.client("a_participant").get(url).content.decode()


def test_without_a_record_of_minutes_given_the_minutes_bid_stand_in(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    a, *_ = members(cast)
    airtime.bid_save(meeting=cast.meeting, enrolment=a, needs_time=True, minutes=45, urgency=2)
    airtime.notes_for(cast.meeting, a)
    row = next(r for r in airtime.fairness(cast.learning_set) if r.enrolment.pk == a.pk)
    assert (row.turns, row.minutes) == (1, 45)


def test_the_current_presenter_is_the_first_in_the_order_until_the_live_meeting_names_one(
    programme_world: Cast,
) -> None:
    cast = programme_world
    assert cast.meeting is not None
    a, b, *_ = members(cast)
    assert airtime.current_presenter(cast.meeting) is None
    airtime.bid_save(meeting=cast.meeting, enrolment=a, needs_time=True, minutes=30, urgency=3)
    airtime.bid_save(meeting=cast.meeting, enrolment=b, needs_time=True, minutes=30, urgency=1)
    assert airtime.current_presenter(cast.meeting) == a
