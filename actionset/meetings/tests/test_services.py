from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction

from actionset.core.models import AuditEvent
from actionset.meetings.models import Meeting
from actionset.meetings.services import ScheduleError, meeting_cancel, meeting_reschedule, schedule_create
from actionset.meetings.tests.conftest import add_set, outbox_to, published_programme, sent_calendars
from conftest import Cast

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def scheduled(cast: Cast, run_on_commit: Any) -> Meeting:
    """A set of three with a facilitator, scheduled: returns its first meeting, with the outbox emptied."""
    programme = published_programme(cast, number_of_meetings=3, location="Room 4, Head office")
    learning_set = add_set(programme, [["tue-am"], ["tue-am", "wed-pm"], []], facilitator=cast.users["facilitator"])
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=learning_set)
    mail.outbox.clear()
    return learning_set.meetings.order_by("starts_at").first()  # type: ignore[return-value]


def test_scheduling_a_programme_lays_out_each_sets_series(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, start_date=dt.date(2027, 9, 27), number_of_meetings=4, cadence_weeks=2)
    set_a = add_set(programme, [["wed-pm"], ["wed-pm", "fri-am"]])
    set_b = add_set(programme, [["thu-am"], ["thu-am"]])
    with run_on_commit():
        result = schedule_create(actor=cast.users["designer"], programme=programme)
    assert [p.learning_set for p in result.scheduled] == [set_a, set_b]
    set_a.refresh_from_db()
    assert set_a.slot == "wed-pm"
    starts = [m.starts_at.astimezone(LONDON) for m in set_a.meetings.order_by("starts_at")]
    assert [s.date() for s in starts] == [dt.date(2027, 9, 29) + dt.timedelta(weeks=2 * i) for i in range(4)]
    assert {s.strftime("%H:%M") for s in starts} == {"13:30"}
    assert [m.number for m in set_b.meetings.order_by("starts_at")] == [1, 2, 3, 4]
    assert AuditEvent.objects.filter(action="schedule.created").count() == 2


def test_scheduling_sends_each_person_one_calendar_file_with_every_meeting(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=3)
    learning_set = add_set(programme, [[], []], facilitator=cast.users["facilitator"])
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=learning_set)
    assert len(mail.outbox) == 3  # two members and the facilitator, one email each
    message = outbox_to("facilitator@provider.test")[0]
    assert message.alternatives
    assert message.alternatives[0].mimetype == "text/html"
    (calendar,) = sent_calendars(message)
    uids = {m.calendar_uid for m in learning_set.meetings.all()}
    assert {e.uid for e in calendar.events} == uids
    # A series is imported whole (see calendar.series_ics); a later change to one meeting is a REQUEST.
    assert calendar["METHOD"] == "PUBLISH"
    for event in calendar.events:
        assert event["SEQUENCE"] == 0
        assert event["STATUS"] == "CONFIRMED"
        assert "DTSTAMP" in event
        start = event.start
        assert isinstance(start, dt.datetime)
        assert start.tzinfo is not None
        assert start.astimezone(LONDON).strftime("%H:%M") == "09:30"
        assert "no-reply@provider.example" in str(event["ORGANIZER"])
        # PUBLISH names no attendees (RFC 5546): nobody is asked to reply to a file they import.
        assert "ATTENDEE" not in event


def test_a_set_that_already_has_meetings_is_left_alone(cast: Cast, scheduled: Meeting, run_on_commit: Any) -> None:
    programme = scheduled.learning_set.programme
    with run_on_commit():
        result = schedule_create(actor=cast.users["designer"], programme=programme)
    assert result.scheduled == []
    assert result.skipped == [scheduled.learning_set]
    assert Meeting.objects.filter(learning_set=scheduled.learning_set).count() == 3
    assert mail.outbox == []


def test_sets_are_not_scheduled_before_they_are_published(cast: Cast) -> None:
    programme = published_programme(cast)
    programme.published_at = None
    programme.save(update_fields=["published_at"])
    add_set(programme, [[]])
    with pytest.raises(ScheduleError, match="Publish"):
        schedule_create(actor=cast.users["designer"], programme=programme)
    assert not Meeting.objects.exists()


def test_a_designer_can_choose_the_slot_for_one_set(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast)
    learning_set = add_set(programme, [["mon-am"], ["tue-pm"]])
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=learning_set, slot="tue-pm")
    learning_set.refresh_from_db()
    assert learning_set.slot == "tue-pm"
    assert {m.starts_at.astimezone(LONDON).strftime("%a %H:%M") for m in learning_set.meetings.all()} == {"Tue 13:30"}


def test_rescheduling_bumps_the_sequence_and_sends_a_request_with_the_same_uid(
    cast: Cast, scheduled: Meeting, run_on_commit: Any
) -> None:
    new_start = (scheduled.starts_at + dt.timedelta(days=1)).astimezone(LONDON).replace(hour=14, minute=0)
    with run_on_commit():
        meeting = meeting_reschedule(
            actor=cast.users["designer"],
            meeting=scheduled,
            starts_at=new_start,
            ends_at=new_start + dt.timedelta(hours=3),
            location="The library",
            note="The room is being decorated.",
        )
    assert meeting.sequence == 1
    assert meeting.calendar_uid == scheduled.calendar_uid
    assert len(mail.outbox) == 4
    message = outbox_to("facilitator@provider.test")[0]
    assert "The room is being decorated." in str(message.body)
    (calendar,) = sent_calendars(message)
    event = calendar.events[0]
    assert calendar["METHOD"] == "REQUEST"
    assert event.uid == scheduled.calendar_uid
    assert event["SEQUENCE"] == 1
    assert event.start == new_start
    assert event["LOCATION"] == "The library"
    assert AuditEvent.objects.filter(action="meeting.rescheduled", target_id=str(scheduled.public_id)).exists()


def test_cancelling_sends_a_cancel_for_the_same_uid(cast: Cast, scheduled: Meeting, run_on_commit: Any) -> None:
    with run_on_commit():
        meeting = meeting_cancel(actor=cast.users["designer"], meeting=scheduled, reason="Strike day.")
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    message = outbox_to("facilitator@provider.test")[0]
    assert "Strike day." in str(message.body)
    (calendar,) = sent_calendars(message)
    event = calendar.events[0]
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid == scheduled.calendar_uid
    assert event["SEQUENCE"] == 1
    assert event.start == scheduled.starts_at


def test_a_cancelled_meeting_cannot_be_moved(cast: Cast, scheduled: Meeting, run_on_commit: Any) -> None:
    with run_on_commit():
        meeting_cancel(actor=cast.users["designer"], meeting=scheduled)
    with pytest.raises(ScheduleError):
        meeting_reschedule(
            actor=cast.users["designer"],
            meeting=scheduled,
            starts_at=scheduled.starts_at + dt.timedelta(days=1),
            ends_at=scheduled.ends_at + dt.timedelta(days=1),
            location="",
        )


def test_cancelling_twice_tells_people_once(cast: Cast, scheduled: Meeting, run_on_commit: Any) -> None:
    with run_on_commit():
        meeting_cancel(actor=cast.users["designer"], meeting=scheduled)
        meeting_cancel(actor=cast.users["designer"], meeting=scheduled)
    assert len(mail.outbox) == 4
    scheduled.refresh_from_db()
    assert scheduled.sequence == 1


def test_nothing_is_sent_when_the_change_is_rolled_back(cast: Cast, scheduled: Meeting, run_on_commit: Any) -> None:
    def cancel_then_fail() -> None:
        with transaction.atomic():
            meeting_cancel(actor=cast.users["designer"], meeting=scheduled)
            raise RuntimeError("something later in the same request failed")

    with run_on_commit(), pytest.raises(RuntimeError):
        cancel_then_fail()
    assert mail.outbox == []
    scheduled.refresh_from_db()
    assert scheduled.status == Meeting.Status.SCHEDULED
