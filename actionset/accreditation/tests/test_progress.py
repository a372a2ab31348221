"""Awards as data, hours gathered from held meetings, and progress against every requirement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from actionset.accreditation.awards import AWARDS, awards_load
from actionset.accreditation.evidence import meeting_lines
from actionset.accreditation.models import Award, Requirement
from actionset.accreditation.progress import portfolio_progress, progress_for
from actionset.accreditation.tests.factories import complete, portfolio_for
from actionset.meetings import presence
from actionset.meetings.models import Meeting, MeetingRun
from tests.factories import (
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def held_meeting(learning_set: Any, *, days_ago: int, hours: float = 3) -> Meeting:
    starts = timezone.now() - dt.timedelta(days=days_ago)
    return MeetingFactory.create(
        learning_set=learning_set, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours), status="held"
    )


def published_set(**kwargs: Any) -> Any:
    programme = ProgrammeFactory.create(status="running")
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    return LearningSetFactory.create(programme=programme, **kwargs)


def test_the_awards_load_idempotently_with_their_requirements() -> None:
    awards_load()
    before = list(Requirement.objects.order_by("award__slug", "position").values_list("award__slug", "label", "target"))
    awards_load()
    awards_load()
    after = list(Requirement.objects.order_by("award__slug", "position").values_list("award__slug", "label", "target"))
    assert before == after
    assert Award.objects.count() == len(AWARDS) == 2
    assert Award.objects.get(slug="foundation").requirements.count() == 6


def test_hours_come_from_held_meetings_the_candidate_facilitated_using_actual_run_times() -> None:
    candidate = UserFactory.create()
    led = published_set()
    co = published_set()
    elsewhere = published_set()
    for _ in range(5):
        MembershipFactory.create(learning_set=led)
    long_ago = timezone.now() - dt.timedelta(days=365)
    FacilitatorAssignmentFactory.create(learning_set=led, user=candidate, role="lead", assigned_at=long_ago)
    FacilitatorAssignmentFactory.create(learning_set=co, user=candidate, role="co", assigned_at=long_ago)
    first = held_meeting(led, days_ago=100)
    run_meeting = held_meeting(led, days_ago=10)
    MeetingRun.objects.create(
        meeting=run_meeting,
        method="revans",
        phase_started_at=run_meeting.starts_at,
        started_at=run_meeting.starts_at,
        ended_at=run_meeting.starts_at + dt.timedelta(hours=2, minutes=15),
    )
    co_meeting = held_meeting(co, days_ago=20, hours=2)
    to_come = MeetingFactory.create(learning_set=led)  # still to come: not counted
    held_meeting(elsewhere, days_ago=5)  # someone else's set: not counted
    for meeting in (first, run_meeting, co_meeting, to_come):
        assert presence.present(meeting, candidate)

    lines = meeting_lines(candidate)

    assert sorted((line.kind, line.minutes) for line in lines) == [
        ("co_facilitating", 120),
        ("facilitating", 135),
        ("facilitating", 180),
    ]
    led_line = next(line for line in lines if line.minutes == 180)
    assert led_line.set_size == 5
    assert led_line.organisation_name == led.programme.organisation.name
    progress = progress_for(portfolio_for(candidate))
    by_label = {r.label: r for r in progress.requirements}
    assert by_label["Hours facilitating or co-facilitating sets"].achieved == 7.25
    assert by_label["Hours as the lead facilitator"].achieved == 5.25
    # 90 days between the first and the latest meeting: two or three calendar months, by the day of the month.
    assert 2 <= by_label["Months of practice, from first to latest evidence"].achieved <= 3


def test_a_complete_portfolio_meets_every_requirement() -> None:
    progress = progress_for(complete(portfolio_for()))
    assert [r.label for r in progress.requirements if not r.met] == []
    assert progress.all_met


def test_portfolio_progress_follows_the_course_kind_to_its_award() -> None:
    from actionset.training.models import Course

    candidate = UserFactory.create()
    foundation = Course(kind="foundation", title="Foundation", slug="f", develops="in_set_facilitator")
    taster = Course(kind="taster", title="Taster", slug="t", develops="in_set_facilitator")

    not_started = portfolio_progress(candidate, foundation)
    assert not_started is not None
    assert not_started.portfolio is None
    assert not_started.status_label == "Not started"
    assert portfolio_progress(candidate, taster) is None

    portfolio = complete(portfolio_for(candidate))
    progress = portfolio_progress(candidate, foundation)
    assert progress is not None
    assert progress.portfolio == portfolio
    assert progress.all_met


def test_the_awards_command_loads_them_after_a_flush() -> None:
    from io import StringIO

    from django.core.management import call_command

    Requirement.objects.all().delete()
    Award.objects.all().delete()
    out = StringIO()
    call_command("accreditation_awards", stdout=out)
    assert "2 awards loaded." in out.getvalue()
    assert Requirement.objects.filter(award__slug="advanced").count() == 6


def test_only_meetings_facilitated_while_assigned_and_present_are_credited() -> None:
    """A facilitator who joins a set late is not credited with its earlier meetings; one who was not there is not
    credited with that meeting; and hours stay with whoever facilitated, after the set changes facilitator."""
    late, absent, former = UserFactory.create(), UserFactory.create(), UserFactory.create()
    learning_set = published_set()
    before = held_meeting(learning_set, days_ago=60)
    missed = held_meeting(learning_set, days_ago=30)
    assignment = FacilitatorAssignmentFactory.create(
        learning_set=learning_set, user=former, role="lead", assigned_at=timezone.now() - dt.timedelta(days=90)
    )
    assert presence.present(before, former)
    FacilitatorAssignmentFactory.create(
        learning_set=learning_set, user=absent, role="co", assigned_at=timezone.now() - dt.timedelta(days=90)
    )
    # Joined after both meetings: nothing is recorded for them, whatever is asked.
    assignment.delete()  # the former lead hands over to someone new
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=late, role="lead")
    assert not presence.present(before, late)
    assert not presence.present(missed, late)
    presence.present_set(missed, [late.pk])  # an attendance form naming them changes nothing either

    assert meeting_lines(late) == []
    assert meeting_lines(absent) == []
    assert [line.minutes for line in meeting_lines(former)] == [180]
