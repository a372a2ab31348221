"""The Django admin is no back door (issue 15, breaks 2 and 3).

Set and personal records label themselves without their content, so that no page listing related objects (the
admin's delete confirmations, the audit log) can print what someone wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from actionset.accreditation.models import Award, Portfolio, Reflection
from actionset.learning.models import Decision, JournalEntry, SharedItem
from actionset.meetings.models import FacilitatorNote, PresenterTurn
from actionset.programmes.models import Enrolment
from actionset.sets.models import (
    Action,
    ActionReport,
    AirtimeNotes,
    AirtimeQuestion,
    ConsensusStatement,
    ProcessReview,
)
from conftest import Cast

SECRET = "CANARY-set-content-7f3q"


def member_content(cast: Cast) -> dict[str, Any]:
    """Set and personal content of A's participant, each piece carrying the canary."""
    assert cast.learning_set is not None
    assert cast.meeting is not None
    enrolment = Enrolment.objects.get(person=cast.people["a_participant"])
    member = cast.users["a_participant"]
    action = Action.objects.create(
        learning_set=cast.learning_set, owner=enrolment, meeting=cast.meeting, text=f"{SECRET} action"
    )
    notes = AirtimeNotes.objects.create(meeting=cast.meeting, presenter=enrolment, issue=f"{SECRET} issue")
    item = SharedItem.objects.create(
        learning_set=cast.learning_set, kind="question", text=f"{SECRET} item", author=enrolment
    )
    return {
        "action": action,
        "report": ActionReport.objects.create(action=action, meeting=cast.meeting, status="done", learning=SECRET),
        "notes": notes,
        "question": AirtimeQuestion.objects.create(notes=notes, text=f"{SECRET} question", asked_by=enrolment),
        "statement": ConsensusStatement.objects.create(meeting=cast.meeting, author=enrolment, text=SECRET),
        "review": ProcessReview.objects.create(meeting=cast.meeting, enrolment=enrolment, rating=7, helped=SECRET),
        "journal": JournalEntry.objects.create(author=member, title=f"{SECRET} journal", about_problem=SECRET),
        "item": item,
        "decision": Decision.objects.create(item=item, enrolment=enrolment, user=member, verdict="object"),
        "turn": PresenterTurn.objects.create(
            meeting=cast.meeting, enrolment=enrolment, started_at=cast.meeting.starts_at
        ),
        "note": FacilitatorNote.objects.create(meeting=cast.meeting, author=cast.users["facilitator"], text=SECRET),
    }


def test_set_and_personal_records_are_labelled_without_their_content(programme_world: Cast) -> None:
    portfolio = Portfolio.objects.create(
        candidate=programme_world.users["facilitator"],
        award=Award.objects.create(slug="label-test", name="Label test award", summary="-", criteria="-"),
    )
    reflection = Reflection.objects.create(
        portfolio=portfolio, written_on=dt.date(2030, 1, 1), title=SECRET, text=SECRET, words=1
    )
    for name, obj in [*member_content(programme_world).items(), ("reflection", reflection)]:
        label = str(obj)
        assert SECRET not in label, name
        assert label.strip(), name
    review = ProcessReview.objects.get()
    assert "7" not in str(review).replace(str(review.pk), "")
