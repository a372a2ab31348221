"""Occasions come from the evaluation plan and the meeting schedule; invitations and reminders go once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actionset.evaluation.models import Notice, Occasion
from actionset.evaluation.services import notices_send, occasions_sync
from actionset.evaluation.tests.factories import answer, people, plan
from conftest import Cast
from tests.factories import MeetingFactory


def test_the_plan_becomes_dated_occasions_at_each_point(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    assert programme_world.learning_set is not None
    for number in (2, 3):
        MeetingFactory.create(
            learning_set=programme_world.learning_set,
            number=number,
            starts_at=timezone.now() + dt.timedelta(weeks=4 * number),
        )
    occasions = plan(
        programme,
        ("self_rating", "start"),
        ("review_sheet", "each_meeting"),
        ("self_rating", "end"),
        ("self_rating", "follow_up_3"),
        ("self_rating", "follow_up_6"),
        ("psychological_safety", "start"),  # not in the library: waits until it is imported
    )
    assert [o.label for o in occasions] == [
        "At the start",
        "After meeting 1",
        "After meeting 2",
        "After meeting 3",
        "At the end",
        "3 months after",
        "6 months after",
    ]
    levels = {o.label: o.kirkpatrick_level for o in occasions}
    assert levels["After meeting 1"] == 1
    assert levels["At the start"] == 2
    assert levels["6 months after"] == 3
    first = timezone.localdate(timezone.now() + dt.timedelta(days=7))
    last = timezone.localdate(timezone.now() + dt.timedelta(weeks=12))
    by_label = {o.label: o for o in occasions}
    assert by_label["At the start"].opens_on == first - dt.timedelta(days=14)
    assert by_label["At the end"].opens_on == last
    assert by_label["3 months after"].opens_on == last + dt.timedelta(days=91)
    # Idempotent: a second run changes nothing.
    assert [o.pk for o in occasions_sync(programme=programme)] == [o.pk for o in occasions]


def test_an_occasion_dropped_from_the_plan_goes_unless_someone_answered(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    start, end = plan(programme, ("self_rating", "start"), ("self_rating", "end"))
    answer(start, programme_world.people["a_participant"].enrolments.get(), 3)
    programme.evaluation_points.all().delete()
    kept = occasions_sync(programme=programme)
    assert kept == [start]
    assert not Occasion.objects.filter(pk=end.pk).exists()


def test_invitations_and_reminders_go_once_each(programme_world: Cast, django_capture_on_commit_callbacks: Any) -> None:
    programme = programme_world.programme
    assert programme is not None
    (start,) = plan(programme, ("self_rating", "start"))
    # Two more people with a login besides A's participant; the rest have none yet and are emailed their own link.
    for enrolment in people(programme, 2, login=True):
        assert enrolment.person.user is not None
    asked = programme.enrolments.active().count()
    assert asked > programme.enrolments.active().filter(person__user__isnull=False).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send() == {"invitations": asked, "reminders": 0}
        assert notices_send() == {"invitations": 0, "reminders": 0}
    assert len(mail.outbox) == asked
    message = next(m for m in mail.outbox if m.to == [programme_world.users["a_participant"].email])
    assert str(start.public_id) in message.body
    assert "Only you will ever see your answers" in message.body
    # The participant answers; four days on, everyone else gets one reminder, and only one.
    answer(start, programme_world.people["a_participant"].enrolments.get(), 4)
    Notice.objects.update(sent_at=timezone.now() - dt.timedelta(days=4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send() == {"invitations": 0, "reminders": asked - 1}
        assert notices_send() == {"invitations": 0, "reminders": 0}
    assert programme_world.users["a_participant"].email not in [m.to[0] for m in mail.outbox]
    assert all("reminder" in m.subject.lower() for m in mail.outbox)


def test_the_command_runs_for_cron(programme_world: Cast, capsys: Any) -> None:
    assert programme_world.programme is not None
    plan(programme_world.programme, ("self_rating", "start"))
    call_command("evaluation_notices")
    call_command("evaluation_notices")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "Survey invitations sent: 0; reminders sent: 0."
    assert out[0].startswith("Survey invitations sent: ")
    assert not out[0].startswith("Survey invitations sent: 0")


def test_nothing_is_sent_for_a_programme_whose_sets_are_not_published(cast: Cast) -> None:
    from tests.factories import EnrolmentFactory, ProgrammeFactory

    programme = ProgrammeFactory.create(organisation=cast.org_a, status="recruiting")
    EnrolmentFactory.create(programme=programme, person=cast.people["a_participant"])
    plan(programme, ("self_rating", "start"))
    assert notices_send() == {"invitations": 0, "reminders": 0}
