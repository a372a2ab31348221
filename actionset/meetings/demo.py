"""The running part of the demo world: Northwind's programme, composed into facilitated sets, with three meetings
already held and everything a set does in them (contract, progress, airtime, actions, process review)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings.models import Attendance, Meeting, PresenterTurn
from actionset.meetings.services import schedule_create
from actionset.organisations.models import Organisation, Person
from actionset.programmes import services as programmes
from actionset.programmes.models import Programme
from actionset.sets import services as sets
from actionset.sets.actions import action_commit, action_report
from actionset.sets.contract import contract_acknowledge, contract_save, template_for
from actionset.sets.models import Action, AirtimeNotes, CompositionRun, LearningSet, ProcessReview
from actionset.sets.tasks import composition_execute


def seed() -> None:
    build_running_programme(Organisation.objects.get(name="Northwind"))


AVAILABILITY: tuple[list[str], ...] = (
    ["tue-am", "thu-am"],
    ["tue-am", "wed-pm"],
    ["thu-am", "tue-am", "fri-am"],
    ["wed-pm", "tue-am"],
    [],
)


def build_running_programme(organisation: Organisation) -> Programme:
    """Northwind's running programme: 36 people in six composed, facilitated sets, three meetings already held."""

    designer = User.objects.get(email="designer@provider.example")
    programme = programmes.programme_create(
        actor=designer, organisation=organisation, title="Leading through change", blueprint="six-monthly-half-days"
    )
    programme.aims = (
        "Give managers across Northwind a place to work on the problems that keep them up at night, "
        "and let leaders hear the questions that surface."
    )
    programme.brief_context = "Two hospitals and four community sites merged last year; ways of working still differ."
    programme.brief_why = "Winter pressures arrive earlier each year and the same problems return across sites."
    programme.brief_tried = "Away days and an improvement programme: good ideas, little that stuck."
    programme.brief_success = "Managers who act across boundaries, and a board that hears what is really going on."
    programme.location = "Harbour Road education centre, room 2"
    # Three meetings are already behind the sets; the fourth is next week.
    programme.start_date = timezone.localdate() - dt.timedelta(weeks=3 * programme.cadence_weeks) + dt.timedelta(days=6)
    programme.save()
    programme.events.all().delete()
    programmes.events_from_template(programme, ("launch", "closing"))
    programme.sponsors.set(Person.objects.filter(organisation=organisation, roles__role="sponsor"))
    pool = (
        Person.objects.filter(organisation=organisation, roles__role="participant")
        .exclude(level__in=["Executive", "Director"])
        .order_by("email")[:35]
    )
    people = [*pool, Person.objects.get(email="participant@northwind.example")]
    programmes.enrolments_add(actor=designer, programme=programme, people=people)
    for index, enrolment in enumerate(programme.enrolments.order_by("person__email")):
        enrolment.availability = AVAILABILITY[index % len(AVAILABILITY)]
        enrolment.save(update_fields=["availability"])
    programmes.programme_move(actor=designer, programme=programme, status="recruiting")

    run = CompositionRun.objects.create(programme=programme, requested_by=designer, number_of_sets=6, time_limit=1)
    composition_execute.call(run.pk)
    facilitators = [
        User.objects.get(email=email)
        for email in ("facilitator@provider.example", "designer@provider.example", "trainer@provider.example")
    ]
    member_set = LearningSet.objects.get(
        programme=programme, memberships__enrolment__person__email="participant@northwind.example"
    )
    ordered = [member_set, *LearningSet.objects.filter(programme=programme).exclude(pk=member_set.pk)]
    for index, learning_set in enumerate(ordered):
        sets.facilitator_assign(actor=designer, learning_set=learning_set, lead=facilitators[index // 2])
    sets.sets_publish(actor=designer, programme=programme)
    programmes.programme_move(actor=designer, programme=programme, status="running")
    programme.refresh_from_db()
    schedule_create(actor=designer, programme=programme)

    Meeting.objects.filter(learning_set__programme=programme, ends_at__lt=timezone.now()).update(status="held")
    for learning_set in programme.sets.all():
        build_set_history(learning_set)
    # Sam's set meets today, in an hour: a meeting ready to start.
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    next_meeting = member_set.meetings.filter(status="scheduled").order_by("starts_at").first()
    if next_meeting is not None:
        Meeting.objects.filter(pk=next_meeting.pk).update(
            starts_at=starts, ends_at=starts + dt.timedelta(minutes=programme.meeting_minutes)
        )
    return programme


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
