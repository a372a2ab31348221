"""The room's part of the demo world: in each of the sets of Northwind's "Leading through change", its three held
meetings as they went, with an agreed contract, attendance, two presenters a meeting, actions reported back and
process reviews. Built after the meetings app's part, which makes the programme, its sets and their meetings.

The attendance and presenter turns are the meetings app's records, written here in the same pass as the rest so that
each set's history is drawn from one sequence of its own random numbers."""

from __future__ import annotations

import datetime as dt
import random

from actionset.meetings.models import Attendance, Meeting, PresenterTurn
from actionset.programmes.models import Programme
from actionset.room.actions import action_commit, action_report
from actionset.room.contract import contract_acknowledge, contract_save, template_for
from actionset.room.models import Action, AirtimeNotes, ProcessReview
from actionset.sets.models import LearningSet


def seed() -> None:
    programme = Programme.objects.filter(title="Leading through change", organisation__name="Northwind").first()
    if programme is None:
        return
    for learning_set in programme.sets.all():
        build_set_history(learning_set)


ISSUES = (
    "Discharge delays on the wards I manage",
    "Two teams that will not share a rota",
    "A budget cut with no say in where it falls",
    "Getting consultants to use the new referral form",
    "Losing good staff to agency work",
    "A merger of two offices nobody asked for",
    "How to lead people who used to be my peers",
)
ACTIONS = (
    "Ask three discharge coordinators what slows them down, before proposing anything",
    "Meet the other team leader for coffee, without an agenda",
    "Write down which decisions are really mine to make",
    "Sit in on a consultant clinic and watch the form being used",
    "Hold stay interviews with two people likely to leave",
    "Share the draft plan with the team before the board sees it",
)
LEARNING = (
    "I had assumed it was a capacity problem; it is a hand-off problem.",
    "People were more willing than I expected once I stopped arguing for my answer.",
    "I kept putting it off because I did not want to hear the answer.",
    "",
)
HELPED = ("Slower questions; nobody jumped in with advice.", "Good timekeeping and a clear order for airtime.", "")
DIFFERENTLY = (
    "Start on time.",
    "Leave more silence after a question.",
    "Check in properly before the progress round.",
    "",
)


def build_set_history(learning_set: LearningSet) -> None:
    """Three held meetings: an agreed contract, two presenters a meeting, actions reported back, process reviews."""

    members = [m.enrolment for m in learning_set.memberships.select_related("enrolment__person").order_by("pk")]
    facilitator = learning_set.facilitators.select_related("user").first()
    rng = random.Random(learning_set.pk)
    version = contract_save(
        actor=facilitator.user if facilitator else None,
        learning_set=learning_set,
        based_on=0,
        ground_rules=template_for(learning_set.programme.method),
        sharing_rule="all_present",
        tell=False,
    )
    for enrolment in members:
        contract_acknowledge(enrolment=enrolment, version=version)
    held = list(Meeting.objects.filter(learning_set=learning_set, status="held").order_by("starts_at"))
    for index, meeting in enumerate(held):
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, enrolment=e, status="apologies" if rng.random() < 0.12 else "present")
                for e in members
            ]
        )
        for enrolment in members:
            for action in Action.objects.open_for(enrolment).filter(meeting__starts_at__lt=meeting.starts_at):
                status = rng.choice(("done", "done", "partly", "not_done", "dropped"))
                action_report(
                    meeting=meeting, enrolment=enrolment, action=action, status=status, learning=rng.choice(LEARNING)
                )
        presenters = [members[(2 * index) % len(members)], members[(2 * index + 1) % len(members)]]
        start = meeting.starts_at + dt.timedelta(minutes=40)
        for presenter in presenters:
            PresenterTurn.objects.create(
                meeting=meeting,
                enrolment=presenter,
                phase_key="airtime",
                started_at=start,
                ended_at=start + dt.timedelta(minutes=40),
            )
            start += dt.timedelta(minutes=45)
            AirtimeNotes.objects.create(
                meeting=meeting,
                presenter=presenter,
                issue=rng.choice(ISSUES),
                insights="I have been trying to solve it alone; the people closest to it have not been asked.",
                minutes=40,
            )
            action_commit(
                meeting=meeting,
                owner=presenter,
                text=rng.choice(ACTIONS),
                due_on=(meeting.starts_at + dt.timedelta(weeks=3)).date(),
            )
        for enrolment in members:
            ProcessReview.objects.create(
                meeting=meeting,
                enrolment=enrolment,
                rating=min(10, rng.randint(5, 8) + index),
                helped=rng.choice(HELPED),
                differently=rng.choice(DIFFERENTLY),
            )
