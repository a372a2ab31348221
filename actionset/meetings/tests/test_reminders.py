from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actionset.meetings.models import Meeting
from actionset.meetings.services import meeting_reschedule, reminders_send
from actionset.meetings.tasks import send_reminders
from actionset.meetings.tests.conftest import outbox_to
from conftest import Cast
from tests.factories import MeetingFactory


def meeting_at(cast: Cast, starts_at: dt.datetime) -> Meeting:
    assert cast.learning_set
    return MeetingFactory.create(learning_set=cast.learning_set, number=2, starts_at=starts_at)


def test_a_meeting_within_two_days_is_reminded_once(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world
    meeting = meeting_at(cast, timezone.now() + dt.timedelta(hours=30))
    with run_on_commit():
        assert reminders_send() == 1
        assert reminders_send() == 0
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None
    # The set's four members and its facilitator, once each.
    assert len(mail.outbox) == 5
    assert len(outbox_to("a_participant@org.test")) == 1


def test_meetings_further_off_past_or_cancelled_are_not_reminded(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world  # its own meeting is a week away
    meeting_at(cast, timezone.now() - dt.timedelta(hours=1))
    cancelled = meeting_at(cast, timezone.now() + dt.timedelta(hours=5))
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    with run_on_commit():
        assert reminders_send() == 0
    assert mail.outbox == []


def test_each_person_reads_the_time_in_their_own_time_zone(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world
    member = cast.users["a_participant"]
    member.time_zone = "Asia/Kolkata"
    member.save(update_fields=["time_zone"])
    starts = (timezone.now() + dt.timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0, tzinfo=dt.UTC)
    meeting_at(cast, starts)
    with run_on_commit():
        reminders_send(now=starts - dt.timedelta(hours=20))
    (to_member,) = outbox_to("a_participant@org.test")
    (to_facilitator,) = outbox_to("facilitator@provider.test")
    # 09:30 UTC is 15:00 in Kolkata; the facilitator keeps the default, London.
    assert "15:00" in str(to_member.subject)
    assert "15:00" in str(to_member.body)
    assert "Asia/Kolkata" in str(to_member.body)
    in_london = starts.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    assert in_london in str(to_facilitator.subject)
    assert "15:00" not in str(to_facilitator.body)


def test_moving_a_meeting_allows_a_new_reminder(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world
    meeting = meeting_at(cast, timezone.now() + dt.timedelta(hours=20))
    with run_on_commit():
        reminders_send()
        meeting_reschedule(
            actor=cast.users["designer"],
            meeting=meeting,
            starts_at=meeting.starts_at + dt.timedelta(hours=4),
            ends_at=meeting.ends_at + dt.timedelta(hours=4),
            location=meeting.location,
        )
        assert reminders_send() == 1


def test_the_command_and_the_task_send_reminders(programme_world: Cast, run_on_commit: Any, settings: Any) -> None:
    cast = programme_world
    meeting_at(cast, timezone.now() + dt.timedelta(hours=10))
    with run_on_commit():
        out = StringIO()
        call_command("send_reminders", stdout=out)
    assert "Reminders sent for 1 meeting." in out.getvalue()
    assert len(mail.outbox) == 5
    meeting_at(cast, timezone.now() + dt.timedelta(hours=11))
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with run_on_commit():
        result = send_reminders.using(backend="default").enqueue()
    assert result.return_value == 1
