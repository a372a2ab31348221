"""Calendars for online sets: the link as URL and LOCATION, an alarm before each meeting, one file per email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from actionset.meetings.calendar import ALARM_BEFORE
from actionset.meetings.models import Meeting
from actionset.meetings.services import calendar_feed_create, meeting_cancel, meeting_reschedule, schedule_create
from actionset.meetings.tests.conftest import add_set, outbox_to, published_programme, sent_calendars
from conftest import Cast

LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0"


def parsed(ics: bytes) -> icalendar.Calendar:
    """Parse strictly, as a calendar client would, and check each event has what RFC 5545 requires of it."""
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0"
    assert "PRODID" in calendar
    for event in calendar.events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event
        for alarm in event.walk("VALARM"):
            assert alarm["ACTION"] == "DISPLAY"
            assert "DESCRIPTION" in alarm  # required of a DISPLAY alarm
    return calendar


def alarms(event: icalendar.Event) -> list[icalendar.Component]:
    return list(event.walk("VALARM"))


@pytest.fixture
def online_set(cast: Cast, run_on_commit: Any) -> Any:
    """A set of two and a facilitator, meeting online and in a room, not yet scheduled."""
    programme = published_programme(cast, number_of_meetings=3, location="Room 4, Head office")
    learning_set = add_set(programme, [[], []], facilitator=cast.users["facilitator"])
    learning_set.meeting_link = LINK
    learning_set.save(update_fields=["meeting_link"])
    return learning_set


def test_scheduling_sends_one_calendar_file_with_every_meeting(cast: Cast, online_set: Any, run_on_commit: Any) -> None:
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=online_set)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        (attachment,) = message.attachments
        assert str(attachment.mimetype).startswith("text/calendar")
        calendar = parsed(attachment.content)
        assert {str(e.uid) for e in calendar.events} == {m.calendar_uid for m in online_set.meetings.all()}
        # A whole series is imported, not answered: PUBLISH, without colleagues' addresses.
        assert calendar["METHOD"] == "PUBLISH"
        assert all("ATTENDEE" not in e for e in calendar.events)
        assert LINK in str(message.body)


def test_each_event_carries_the_link_and_an_alarm(cast: Cast, online_set: Any, run_on_commit: Any) -> None:
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=online_set)
    (calendar,) = sent_calendars(outbox_to("facilitator@provider.test")[0])
    for event in calendar.events:
        assert str(event["URL"]) == LINK
        assert str(event["LOCATION"]) == LINK
        # The room the set also meets in is not lost: it moves to the description.
        assert "Room 4, Head office" in str(event["DESCRIPTION"])
        assert LINK in str(event["DESCRIPTION"])
        (alarm,) = alarms(event)
        assert alarm.decoded("TRIGGER") == -ALARM_BEFORE == -dt.timedelta(minutes=15)
        assert str(alarm["DESCRIPTION"]) == "Your action learning set meets in 15 minutes."


def test_a_single_change_is_still_an_invitation_for_that_meeting(
    cast: Cast, online_set: Any, run_on_commit: Any
) -> None:
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=online_set)
    mail.outbox.clear()
    meeting = online_set.meetings.order_by("starts_at").first()
    with run_on_commit():
        meeting_reschedule(
            actor=cast.users["designer"],
            meeting=meeting,
            starts_at=meeting.starts_at + dt.timedelta(hours=1),
            ends_at=meeting.ends_at + dt.timedelta(hours=1),
            location="",
        )
    message = outbox_to("facilitator@provider.test")[0]
    (attachment,) = message.attachments
    calendar = parsed(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.events
    assert event.uid == meeting.calendar_uid
    assert str(event["URL"]) == LINK
    assert str(event["LOCATION"]) == LINK
    assert len(alarms(event)) == 1
    assert "ATTENDEE" in event
    assert LINK in str(message.body)


def test_a_cancellation_rings_no_alarm(cast: Cast, online_set: Any, run_on_commit: Any) -> None:
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=online_set)
    mail.outbox.clear()
    meeting = online_set.meetings.order_by("starts_at").first()
    with run_on_commit():
        meeting_cancel(actor=cast.users["designer"], meeting=meeting)
    (calendar,) = sent_calendars(outbox_to("facilitator@provider.test")[0])
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.events
    assert alarms(event) == []


def test_a_set_without_a_link_keeps_its_room_as_the_location(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=2, location="Room 4, Head office")
    learning_set = add_set(programme, [[]], facilitator=cast.users["facilitator"])
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=learning_set)
    (calendar,) = sent_calendars(outbox_to("facilitator@provider.test")[0])
    for event in calendar.events:
        assert str(event["LOCATION"]) == "Room 4, Head office"
        assert "URL" not in event
        assert len(alarms(event)) == 1


def test_the_feed_carries_the_link_and_the_alarm(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    cast.learning_set.meeting_link = LINK
    cast.learning_set.save(update_fields=["meeting_link"])
    token = calendar_feed_create(actor=cast.users["a_participant"])
    response = Client().get(reverse("meetings:calendar_feed", kwargs={"token": token}))
    calendar = parsed(response.content)
    (event,) = calendar.events
    assert str(event["URL"]) == LINK
    assert str(event["LOCATION"]) == LINK
    assert len(alarms(event)) == 1
    assert "ATTENDEE" not in event


def test_the_one_meeting_download_carries_the_link(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    cast.learning_set.meeting_link = LINK
    cast.learning_set.save(update_fields=["meeting_link"])
    response = cast.client("a_participant").get(
        reverse("meetings:meeting_ics", kwargs={"meeting": cast.meeting.public_id})
    )
    (event,) = parsed(response.content).events
    assert str(event["URL"]) == LINK
    assert len(alarms(event)) == 1


def test_a_cancelled_meeting_in_the_feed_has_no_alarm(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    Meeting.objects.filter(pk=cast.meeting.pk).update(status=Meeting.Status.CANCELLED)
    token = calendar_feed_create(actor=cast.users["a_participant"])
    (event,) = parsed(Client().get(reverse("meetings:calendar_feed", kwargs={"token": token})).content).events
    assert alarms(event) == []
