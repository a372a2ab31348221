from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionset.meetings.models import Meeting
from actionset.meetings.services import schedule_create
from actionset.meetings.tests.conftest import add_set, published_programme
from conftest import Cast
from tests.factories import FacilitatorAssignmentFactory, MeetingFactory

LONDON = ZoneInfo("Europe/London")


def schedule_url(programme: Any) -> str:
    return reverse("meetings:schedule", kwargs={"programme": programme.public_id})


def test_the_designer_sees_who_cannot_attend_where_no_slot_suits_everyone(cast: Cast) -> None:
    programme = published_programme(cast)
    add_set(programme, [["mon-am"], ["wed-am"], ["wed-am"]], names=["Asha Patel", "Ben Okafor", "Cara Lewis"])
    page = cast.client("designer").get(schedule_url(programme)).content.decode()
    assert "No slot suits everyone" in page
    assert "Cannot attend: Asha Patel." in page
    assert "Schedule all sets" in page


def test_schedule_all_sets_makes_the_meetings_and_says_so(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=2)
    learning_set = add_set(programme, [["thu-pm"], []])
    with run_on_commit():
        response = cast.client("designer").post(
            reverse("meetings:schedule_new", kwargs={"programme": programme.public_id}),
            {"confirm_uncovered": "1"},  # the set has no facilitator, and the designer confirmed that
            follow=True,
        )
    assert "Scheduled 1 set." in response.content.decode()
    assert learning_set.meetings.count() == 2
    assert len(mail.outbox) == 2


def test_scheduling_sets_without_a_facilitator_needs_a_confirmation(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=2)
    uncovered = add_set(programme, [["thu-pm"]], name="Set Alpha")
    covered = add_set(programme, [["thu-pm"]], name="Set Beta")
    FacilitatorAssignmentFactory.create(learning_set=covered, user=cast.users["facilitator"])
    client = cast.client("designer")
    page = client.get(schedule_url(programme)).content.decode()
    assert "1 set has no facilitator: its members would meet without one." in page
    url = reverse("meetings:schedule_new", kwargs={"programme": programme.public_id})

    refused = client.post(url, follow=True)
    assert "1 set has no facilitator" in refused.content.decode()
    assert not Meeting.objects.filter(learning_set__programme=programme).exists()

    with run_on_commit():
        client.post(url, {"confirm_uncovered": "1"})
    assert uncovered.meetings.count() == 2
    assert covered.meetings.count() == 2


def test_a_designer_schedules_one_set_at_the_slot_they_pick(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=2)
    learning_set = add_set(programme, [["thu-pm"], ["mon-am"]])
    url = reverse("meetings:schedule_new", kwargs={"programme": programme.public_id})
    client = cast.client("designer")
    bad = client.post(url, {"learning_set": str(learning_set.public_id), "slot": "sun-am", "confirm_uncovered": "1"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert not learning_set.meetings.exists()
    with run_on_commit():
        client.post(url, {"learning_set": str(learning_set.public_id), "slot": "mon-am", "confirm_uncovered": "1"})
    assert {m.starts_at.astimezone(LONDON).strftime("%a %H:%M") for m in learning_set.meetings.all()} == {"Mon 09:30"}


def test_a_sponsor_sees_the_sets_dates_but_not_who_cannot_come(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, start_date=dt.date.today() + dt.timedelta(days=7))
    programme.sponsors.add(cast.people["a_sponsor"])
    scheduled = add_set(programme, [["tue-am"]], name="Set Alpha")
    add_set(programme, [["mon-am"], ["fri-pm"]], names=["Asha Patel", "Ben Okafor"], name="Set Beta")
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], learning_set=scheduled)
    first = scheduled.meetings.order_by("starts_at").first()
    assert first
    page = cast.client("a_sponsor").get(schedule_url(programme)).content.decode()
    assert "Set Alpha" in page
    assert "Set Beta" in page
    assert first.starts_at.astimezone(LONDON).strftime("%-d %b %Y") in page
    assert "Asha Patel" not in page
    assert "Cannot attend" not in page
    assert "Schedule all sets" not in page
    assert "Move or cancel" not in page


def test_the_schedule_page_costs_the_same_queries_for_more_sets(cast: Cast, run_on_commit: Any) -> None:
    programme = published_programme(cast, number_of_meetings=3)
    client = cast.client("designer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(schedule_url(programme)).status_code == 200
        return len(queries)

    for _ in range(2):
        with run_on_commit():
            schedule_create(actor=cast.users["designer"], learning_set=add_set(programme, [[], []]))
        add_set(programme, [["mon-am"], ["tue-am"]])
    count()  # the first page also builds the designer's kept navigation (core/extensions.py), not the page's own work
    few = count()
    for _ in range(3):
        with run_on_commit():
            schedule_create(actor=cast.users["designer"], learning_set=add_set(programme, [[], []]))
        add_set(programme, [["mon-am"], ["tue-am"]])
    assert count() == few


def test_a_bad_reschedule_shows_the_error_and_keeps_what_was_typed(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    url = reverse("meetings:meeting_change", kwargs={"meeting": cast.meeting.public_id})
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = cast.client("designer").post(
        url, {"date": day, "starts": "14:00", "ends": "13:00", "location": "Room 12", "note": "Sorry to move it."}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The meeting must end after it starts." in page
    assert 'value="Room 12"' in page
    assert "Sorry to move it." in page
    assert 'value="14:00"' in page
    cast.meeting.refresh_from_db()
    assert cast.meeting.sequence == 0


def test_rescheduling_through_the_page_moves_the_meeting(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world
    assert cast.meeting
    assert cast.programme
    url = reverse("meetings:meeting_change", kwargs={"meeting": cast.meeting.public_id})
    day = timezone.localdate() + dt.timedelta(days=10)
    with run_on_commit():
        response = cast.client("designer").post(
            url, {"date": day.isoformat(), "starts": "14:00", "ends": "17:00", "location": "Room 12"}
        )
    assert response.status_code == 302
    cast.meeting.refresh_from_db()
    assert cast.meeting.starts_at.astimezone(LONDON).replace(tzinfo=None) == dt.datetime.combine(day, dt.time(14))
    assert cast.meeting.location == "Room 12"
    assert cast.meeting.sequence == 1
    assert mail.outbox


def test_unchanged_details_are_not_sent_as_a_change(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    meeting = cast.meeting
    starts, ends = meeting.starts_at.astimezone(LONDON), meeting.ends_at.astimezone(LONDON)
    response = cast.client("designer").post(
        reverse("meetings:meeting_change", kwargs={"meeting": meeting.public_id}),
        {
            "date": starts.date().isoformat(),
            "starts": starts.strftime("%H:%M:%S.%f"),
            "ends": ends.strftime("%H:%M:%S.%f"),
            "location": meeting.location,
        },
    )
    assert "Nothing has changed" in response.content.decode()


def test_cancelling_through_the_page(programme_world: Cast, run_on_commit: Any) -> None:
    cast = programme_world
    assert cast.meeting
    with run_on_commit():
        response = cast.client("designer").post(
            reverse("meetings:meeting_cancel", kwargs={"meeting": cast.meeting.public_id}),
            {"reason": "Snow.", "confirmed": "on"},
        )
    assert response.status_code == 302
    cast.meeting.refresh_from_db()
    assert cast.meeting.status == Meeting.Status.CANCELLED
    assert "Snow." in str(mail.outbox[0].body)


def test_cancelling_asks_first_and_keeps_the_reason(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    url = reverse("meetings:meeting_cancel", kwargs={"meeting": cast.meeting.public_id})
    response = cast.client("designer").post(url, {"reason": "Snow & ice."})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Cancel meeting {cast.meeting.number} on" in html
    assert 'name="confirmed" value="on"' in html
    assert 'name="reason" value="Snow &amp; ice."' in html
    cast.meeting.refresh_from_db()
    assert cast.meeting.status == Meeting.Status.SCHEDULED
    assert not mail.outbox


def test_a_member_downloads_a_meetings_ics(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    response = cast.client("a_participant").get(
        reverse("meetings:meeting_ics", kwargs={"meeting": cast.meeting.public_id})
    )
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.events
    assert calendar["METHOD"] == "PUBLISH"
    assert event.uid == cast.meeting.calendar_uid
    assert event["SEQUENCE"] == 0
    assert event.start == cast.meeting.starts_at.replace(microsecond=0)  # iCalendar counts whole seconds
    assert calendar.timezones
    assert calendar.timezones[0].tz_name == "Europe/London"


def test_next_meetings_show_in_the_viewers_time_zone(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set
    user = cast.users["a_participant"]
    user.time_zone = "America/New_York"
    starts = dt.datetime(2030, 1, 15, 9, 30, tzinfo=LONDON)
    MeetingFactory.create(learning_set=cast.learning_set, number=2, starts_at=starts, location="Room 4")
    html = render_to_string(
        "meetings/_next_meetings.html", {"next_meetings": Meeting.objects.next_for(user, limit=5), "user": user}
    )
    assert "Tuesday 15 January 2030, 04:30\N{EN DASH}07:30" in html
    assert "Room 4" in html
    assert "America/New_York" in html


def test_next_meetings_leave_out_cancelled_and_other_sets_meetings(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting
    assert cast.other_set
    cancelled = MeetingFactory.create(learning_set=cast.meeting.learning_set, number=2)
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    assert Meeting.objects.next_for(cast.users["a_participant"]) == [cast.meeting]
    assert Meeting.objects.next_for(cast.users["a_sponsor"]) == []


def test_a_failing_mail_server_does_not_undo_or_hide_a_cancellation(
    programme_world: Cast, run_on_commit: Any, monkeypatch: Any
) -> None:
    cast = programme_world
    assert cast.meeting

    def refuse(**kwargs: Any) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("actionset.meetings.services.email_send", refuse)
    with run_on_commit():
        response = cast.client("designer").post(
            reverse("meetings:meeting_cancel", kwargs={"meeting": cast.meeting.public_id}), {"confirmed": "on"}
        )
    assert response.status_code == 302
    cast.meeting.refresh_from_db()
    assert cast.meeting.status == Meeting.Status.CANCELLED
