from __future__ import annotations

import re

import icalendar
from django.test import Client
from django.urls import reverse

from actionset.meetings.models import CalendarFeed, Meeting
from actionset.meetings.services import calendar_feed_create, calendar_feed_revoke
from conftest import Cast
from tests.factories import MeetingFactory


def feed_url(token: str) -> str:
    return reverse("meetings:calendar_feed", kwargs={"token": token})


def fetch(token: str) -> icalendar.Calendar:
    response = Client().get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def uids(calendar: icalendar.Calendar) -> set[str]:
    return {str(e.uid) for e in calendar.events}


def test_the_feed_lists_the_meetings_of_the_members_own_set(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set
    assert cast.other_set
    assert cast.meeting
    second = MeetingFactory.create(learning_set=cast.learning_set, number=2)
    token = calendar_feed_create(actor=cast.users["a_participant"])
    calendar = fetch(token)
    assert uids(calendar) == {cast.meeting.calendar_uid, second.calendar_uid}
    assert not any(m.calendar_uid in uids(calendar) for m in Meeting.objects.filter(learning_set=cast.other_set))
    # A leaked feed must not leak colleagues' addresses.
    assert all("ATTENDEE" not in e for e in calendar.events)


def test_the_feed_shows_a_cancelled_meeting_as_cancelled(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    cast.meeting.status = Meeting.Status.CANCELLED
    cast.meeting.sequence = 1
    cast.meeting.save()
    calendar = fetch(calendar_feed_create(actor=cast.users["a_participant"]))
    (event,) = calendar.events
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_facilitator_sees_the_sets_they_facilitate(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    assert uids(fetch(calendar_feed_create(actor=cast.users["facilitator"]))) == {cast.meeting.calendar_uid}


def test_people_outside_the_set_get_an_empty_feed(programme_world: Cast) -> None:
    cast = programme_world
    for role in ("a_sponsor", "a_admin", "b_participant", "designer", "administrator"):
        assert uids(fetch(calendar_feed_create(actor=cast.users[role]))) == set(), role


def test_a_withdrawn_member_no_longer_sees_the_sets_meetings(programme_world: Cast) -> None:
    cast = programme_world
    enrolment = cast.people["a_participant"].enrolments.get()
    enrolment.withdrawn_at = enrolment.created_at
    enrolment.save(update_fields=["withdrawn_at"])
    assert uids(fetch(calendar_feed_create(actor=cast.users["a_participant"]))) == set()


def test_an_unpublished_programmes_meetings_stay_out_of_the_feed(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.programme
    cast.programme.published_at = None
    cast.programme.save(update_fields=["published_at"])
    assert uids(fetch(calendar_feed_create(actor=cast.users["a_participant"]))) == set()


def test_resetting_the_address_stops_the_old_one(programme_world: Cast) -> None:
    cast = programme_world
    old = calendar_feed_create(actor=cast.users["a_participant"])
    new = calendar_feed_create(actor=cast.users["a_participant"])
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=cast.users["a_participant"]).count() == 2


def test_turning_the_feed_off_stops_it(programme_world: Cast) -> None:
    cast = programme_world
    token = calendar_feed_create(actor=cast.users["a_participant"])
    calendar_feed_revoke(actor=cast.users["a_participant"])
    assert Client().get(feed_url(token)).status_code == 404


def test_an_unknown_token_is_404(db: None) -> None:
    assert Client().get(feed_url("not-a-real-token")).status_code == 404


def test_only_a_hash_of_the_token_is_stored(programme_world: Cast) -> None:
    cast = programme_world
    token = calendar_feed_create(actor=cast.users["a_participant"])
    feed = CalendarFeed.objects.get(user=cast.users["a_participant"])
    assert token not in feed.token_hash


def test_the_calendar_page_shows_the_new_address_once(programme_world: Cast) -> None:
    cast = programme_world
    client = cast.client("a_participant")
    response = client.post(reverse("meetings:calendar"), {"action": "create"}, follow=True)
    text = response.content.decode()
    assert "Copy this address now" in text
    match = re.search(r'id="feed-url"[^>]*value="[^"]*/calendar/([^"/]+)\.ics"', text)
    assert match, "the new address is shown in the copy box"
    token = match.group(1)
    assert Client().get(feed_url(token)).status_code == 200
    again = client.get(reverse("meetings:calendar")).content.decode()
    assert token not in again
    assert "Reset my calendar address" in again
    client.post(reverse("meetings:calendar"), {"action": "reset"})
    assert Client().get(feed_url(token)).status_code == 404
