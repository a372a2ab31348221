"""The running part of the demo world: Northwind's programme, composed into facilitated sets, with three meetings
already held. What the sets did in them is the room's part (actionset/room/demo.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings import presence
from actionset.meetings.models import Meeting
from actionset.meetings.services import schedule_create
from actionset.organisations.models import Organisation, Person
from actionset.programmes import services as programmes
from actionset.programmes.models import Programme
from actionset.sets import services as sets
from actionset.sets.models import CompositionRun, FacilitatorAssignment, LearningSet
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

    # What the sets did in their held meetings is the room's part of the demo world (actionset/room/demo.py).
    Meeting.objects.filter(learning_set__programme=programme, ends_at__lt=timezone.now()).update(status="held")
    # The facilitators held their sets from before the first meeting, and facilitated every meeting held so far:
    # the hours their portfolios credit (meetings/presence.py).
    meetings = Meeting.objects.filter(learning_set__programme=programme)
    first = min(m.starts_at for m in meetings)
    FacilitatorAssignment.objects.filter(learning_set__programme=programme).update(
        assigned_at=first - dt.timedelta(days=7)
    )
    for held in meetings.filter(status="held"):
        presence.present_set(held, presence.assigned_before(held))
    # Sam's set meets today, in an hour: a meeting ready to start.
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    next_meeting = member_set.meetings.filter(status="scheduled").order_by("starts_at").first()
    if next_meeting is not None:
        Meeting.objects.filter(pk=next_meeting.pk).update(
            starts_at=starts, ends_at=starts + dt.timedelta(minutes=programme.meeting_minutes)
        )
    return programme
