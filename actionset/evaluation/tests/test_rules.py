"""Who is asked to answer a survey: the access rule (one statement, `rules._asked`) says exactly what the service
that sends the invitations says (`services.eligible_enrolments`), for everyone, on both databases."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.access import Actor, can, visible
from actionset.evaluation.models import Occasion
from actionset.evaluation.services import eligible_enrolments
from actionset.evaluation.tests.factories import answer, occasion, people
from actionset.meetings.models import Attendance, Meeting
from conftest import Cast


def _asked_by_the_service(survey: Occasion) -> set[int]:
    """Logins the service asks, and those who answered (their answers stay theirs to read)."""
    asked = {e.person.user_id for e in eligible_enrolments(survey).select_related("person")}
    asked |= set(survey.responses.values_list("enrolment__person__user", flat=True))
    return {pk for pk in asked if pk is not None}


def test_the_rule_asks_exactly_whom_the_service_asks(programme_world: Cast) -> None:
    programme, learning_set, other_set = (
        programme_world.programme,
        programme_world.learning_set,
        programme_world.other_set,
    )
    assert programme is not None
    assert learning_set is not None
    assert other_set is not None
    meeting = programme_world.meeting
    assert meeting is not None
    meeting.status = Meeting.Status.HELD
    meeting.starts_at = timezone.now() - dt.timedelta(days=1)
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=3)
    meeting.save()
    at_start = occasion(programme, "self_rating", "start")
    after_meeting = occasion(programme, "review_sheet", "each_meeting")
    # People of both sets with logins: one away from the held meeting, one who answered, one who withdrew.
    here = people(programme, 3, learning_set=learning_set, login=True)
    there = people(programme, 2, learning_set=other_set, login=True)
    Attendance.objects.create(meeting=meeting, enrolment=here[0], status=Attendance.Status.APOLOGIES)
    answer(after_meeting, here[1], 4)
    there[1].withdrawn_at = timezone.now()
    there[1].save()
    answer(at_start, there[1], 3)  # withdrawn after answering: still reads their own answers
    everyone = list(User.objects.all())
    for survey in Occasion.objects.filter(programme=programme):
        expected = _asked_by_the_service(survey)
        assert expected, survey
        for user in everyone:
            actor = Actor(user)
            assert can(actor, "evaluation.respond", survey) == (user.pk in expected), (user.email, survey)
            listed = visible(actor, "evaluation.respond", Occasion.objects.filter(pk=survey.pk)).exists()
            assert listed == (user.pk in expected), (user.email, survey)
    # The away member is not asked about the meeting they missed; their set's others are.
    assert here[0].person.user_id not in _asked_by_the_service(after_meeting)
    assert here[2].person.user_id in _asked_by_the_service(after_meeting)
