"""Airtime: members' bids, the order the facilitator agrees, what happens in each presenter's time, and
the fairness record across the programme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from actionset.accounts.models import User
from actionset.coach.profile import QuestionProfile, label_of, profile
from actionset.meetings import live
from actionset.meetings.models import Meeting, PresenterTurn
from actionset.programmes.models import Enrolment
from actionset.room.models import AirtimeBid, AirtimeNotes, AirtimeQuestion, ConsensusStatement
from actionset.sets.models import LearningSet


class StaleEdit(Exception):
    """Someone else saved these notes since the editor opened them."""

    def __init__(self, current: AirtimeNotes) -> None:
        super().__init__("These notes have changed since you opened them.")
        self.current = current


def bid_save(
    *,
    meeting: Meeting,
    enrolment: Enrolment,
    needs_time: bool,
    minutes: int,
    urgency: int,
    recorded_by: User | None = None,
) -> AirtimeBid:
    """A member's bid, or one the facilitator (`recorded_by`) writes down for a member without a device."""
    bid, _ = AirtimeBid.objects.update_or_create(
        meeting=meeting,
        enrolment=enrolment,
        defaults={
            "needs_time": needs_time,
            "minutes": minutes if needs_time else 0,
            "urgency": urgency,
            "recorded_by": recorded_by,
            "recorded_for_member": recorded_by is not None,
        },
    )
    live.room_changed(meeting.learning_set_id)
    return bid


def bid_minutes(meeting: Meeting, enrolment: Enrolment) -> int | None:
    """The minutes `enrolment` asked for at `meeting`, or None if they did not ask for time."""
    bid = AirtimeBid.objects.filter(meeting=meeting, enrolment=enrolment, needs_time=True).first()
    return bid.minutes if bid is not None and bid.minutes else None


def bids_for(meeting: Meeting) -> list[AirtimeBid]:
    return list(
        meeting.airtime_bids.select_related("enrolment__person", "recorded_by").order_by("enrolment__person__name")
    )


def order_save(*, meeting: Meeting, positions: dict[int, int | None]) -> None:
    """The facilitator's agreed order: bid pk → position (None takes a bid out of the agreed order)."""
    with transaction.atomic():
        for bid in meeting.airtime_bids.select_for_update():
            if bid.pk in positions and bid.position != positions[bid.pk]:
                bid.position = positions[bid.pk]
                bid.save(update_fields=["position", "updated_at"])
        live.room_changed(meeting.learning_set_id)


def presenter_order(meeting: Meeting) -> list[Enrolment]:
    """Who presents, in order: the facilitator's agreed positions first; then, until the order is agreed,
    the most urgent bids, with those who have had least airtime so far in the programme before the rest."""
    bids = [b for b in meeting.airtime_bids.select_related("enrolment__person") if b.needs_time]
    received = {row.enrolment.pk: row.minutes for row in fairness(meeting.learning_set, before=meeting)}

    def key(bid: AirtimeBid) -> tuple[Any, ...]:
        placed = bid.position is not None
        return (
            0 if placed else 1,
            bid.position or 0,
            -bid.urgency,
            received.get(bid.enrolment_id, 0),
            bid.enrolment.person.name,
        )

    return [b.enrolment for b in sorted(bids, key=key)]


# --- during airtime ----------------------------------------------------------------------------------------


def notes_for(meeting: Meeting, presenter: Enrolment) -> AirtimeNotes:
    """The presenter's notes for this meeting, made if there are none yet: for writing to."""
    notes, _ = AirtimeNotes.objects.get_or_create(meeting=meeting, presenter=presenter)
    return notes


def notes_shown(meeting: Meeting, presenter: Enrolment) -> AirtimeNotes:
    """The presenter's notes for this meeting, or empty ones not yet saved: for showing. Every device in the room
    draws the panel at once when something changes, and showing must not write (nor count as a turn taken)."""
    found = AirtimeNotes.objects.filter(meeting=meeting, presenter=presenter).first()
    return found or AirtimeNotes(meeting=meeting, presenter=presenter)


def notes_save(
    *,
    notes: AirtimeNotes,
    version: int,
    issue: str | None = None,
    insights: str | None = None,
    question: str | None = None,
) -> AirtimeNotes:
    """Save what a form sent (None leaves a field as it is: the incident method's response panel sends only what the
    case-giver now sees), if nobody else has saved since `version`; else `StaleEdit`."""
    fields = {
        name: value
        for name, value in (("issue", issue), ("insights", insights), ("question", question))
        if value is not None
    }
    with transaction.atomic():
        updated = AirtimeNotes.objects.filter(pk=notes.pk, version=version).update(**fields, version=F("version") + 1)
        notes.refresh_from_db()
        if not updated:
            raise StaleEdit(notes)
        live.room_changed(notes.meeting.learning_set_id)
    return notes


def question_add(*, notes: AirtimeNotes, text: str, asked_by: Enrolment | None) -> AirtimeQuestion:
    text = text.strip()
    label, reason = label_of(text)
    question = AirtimeQuestion.objects.create(
        notes=notes, text=text, asked_by=asked_by, label=label, reason=reason[:200]
    )
    live.room_changed(notes.meeting.learning_set_id)
    return question


def labels_shown(questions: Iterable[AirtimeQuestion], viewer: Enrolment | None, *, is_facilitator: bool) -> set[int]:
    """The questions whose coach's label this viewer may see: the facilitator sees every label; a member only the
    labels on questions noted as theirs. A label beside a named question in front of the whole set would turn a
    private prompt to reflect into a public verdict; a question nobody is named as asking stays the facilitator's."""
    return {q.pk for q in questions if is_facilitator or (viewer is not None and q.asked_by_id == viewer.pk)}


def profile_is_open(meeting: Meeting) -> bool:
    """Whether the set may see its question profile yet: from the process review on, or once the meeting is over.
    Before then, counts of a few questions would give away whose question was which."""
    run = live.run_of(meeting)
    if run is None or run.is_ended:
        return True
    sheet = live.sheet_of(meeting, run)
    reviews = [i for i, phase in enumerate(sheet) if phase.kind == "review"]
    return not reviews or run.phase_index >= reviews[0]


def question_profile(meeting: Meeting) -> QuestionProfile:
    """The set's question profile for one meeting: counts by label and no names, for its members and facilitators
    (members see it from the process review on, see `profile_is_open`)."""
    return profile(AirtimeQuestion.objects.filter(notes__meeting=meeting).values_list("text", "label"))


def member_question_profile(learning_set: LearningSet, enrolment: Enrolment) -> QuestionProfile:
    """One member's questions across the set's meetings: for them and their facilitator only."""
    return profile(
        AirtimeQuestion.objects.filter(notes__meeting__learning_set=learning_set, asked_by=enrolment).values_list(
            "text", "label"
        )
    )


def current_presenter(meeting: Meeting) -> Enrolment | None:
    """The presenter now: the live meeting's, when it records one; otherwise the first in the order."""
    run = getattr(meeting, "run", None)
    presenter = getattr(run, "presenter", None) if run is not None else None
    if isinstance(presenter, Enrolment):
        return presenter
    order = presenter_order(meeting)
    return order[0] if order else None


# --- WIAL problem consensus --------------------------------------------------------------------------------


def statement_save(*, meeting: Meeting, author: Enrolment, text: str) -> ConsensusStatement:
    # A rewritten statement is a new answer to the question: the presenter's earlier verdict no longer applies.
    statement, _ = ConsensusStatement.objects.update_or_create(
        meeting=meeting, author=author, defaults={"text": text.strip(), "verdict": ""}
    )
    live.room_changed(meeting.learning_set_id)
    return statement


def verdict_save(*, statement: ConsensusStatement, verdict: str) -> ConsensusStatement:
    if verdict not in ConsensusStatement.Verdict.values:
        raise ValueError(verdict)
    statement.verdict = verdict
    statement.save(update_fields=["verdict"])
    live.room_changed(statement.meeting.learning_set_id)
    return statement


# --- fairness across the programme -------------------------------------------------------------------------


@dataclass
class FairnessRow:
    enrolment: Enrolment
    turns: int
    minutes: int


def fairness(learning_set: LearningSet, before: Meeting | None = None) -> list[FairnessRow]:
    """Turns and minutes of airtime each member has had: from the live meeting's presenter turns when they
    exist, otherwise from the airtime notes (a turn per presenter per meeting, minutes as recorded)."""
    members = learning_set.active_members()
    turns = {m.pk: 0 for m in members}
    minutes = {m.pk: 0 for m in members}
    meetings = Meeting.objects.filter(learning_set=learning_set)
    if before is not None:
        meetings = meetings.filter(number__lt=before.number)
    counted: set[tuple[int, int]] = set()
    for turn in PresenterTurn.objects.filter(meeting__in=meetings, enrolment__in=members):
        # A turn still going on counts as a turn, but no minutes yet.
        span = (turn.ended_at - turn.started_at) if turn.ended_at else dt.timedelta()
        minutes[turn.enrolment_id] += round(span.total_seconds() / 60)
        if (turn.meeting_id, turn.enrolment_id) not in counted:
            counted.add((turn.meeting_id, turn.enrolment_id))
            turns[turn.enrolment_id] += 1
    # Without a record of the minutes given, the minutes bid for stand in for them.
    bid_minutes = {
        (b.meeting_id, b.enrolment_id): b.minutes
        for b in AirtimeBid.objects.filter(meeting__in=meetings, enrolment__in=members, needs_time=True)
    }
    for notes in AirtimeNotes.objects.filter(meeting__in=meetings, presenter__in=members):
        key = (notes.meeting_id, notes.presenter_id)
        if key in counted:
            continue
        turns[notes.presenter_id] += 1
        minutes[notes.presenter_id] += notes.minutes if notes.minutes is not None else bid_minutes.get(key, 0)
    rows = [FairnessRow(m, turns[m.pk], minutes[m.pk]) for m in members]
    return sorted(rows, key=lambda r: (r.minutes, r.enrolment.person.name))
