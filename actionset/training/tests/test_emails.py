"""What bookers are sent: the confirmation with every session in a real iCalendar file, and the signed link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from actionset.training import services
from actionset.training.models import Booking, Cohort
from actionset.training.tests.factories import CohortFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort() -> Cohort:
    cohort = CohortFactory.create(name="Spring, Leeds", course__title="Foundation award", course__slug="foundation")
    start = timezone.now().replace(microsecond=0) + timedelta(days=20)
    for day in range(3):
        SessionFactory.create(cohort=cohort, title=f"Day {day + 1}", starts_at=start + timedelta(days=day))
    SessionFactory.create(
        cohort=cohort,
        title="Supervision",
        starts_at=start + timedelta(days=40),
        venue="",
        online_url="https://meet.example.org/sup",
    )
    return cohort


def book(cohort: Cohort, capture: Any, **kwargs: Any) -> Booking:
    with capture(execute=True):
        return services.booking_create(
            cohort=cohort,
            name="Ann Lee",
            email="ann@example.org",
            organisation_name="Calder Council",
            consent_to_contact=True,
            join_waitlist=True,
            **kwargs,
        )


def test_the_confirmation_carries_every_session_as_its_own_event(
    cohort: Cohort, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(cohort, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == "Your place on Foundation award (Spring, Leeds) is confirmed"
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("foundation.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    sessions = list(cohort.sessions.order_by("starts_at"))
    assert len(events) == 4
    assert [str(e["UID"]) for e in events] == [s.calendar_uid for s in sessions]
    assert [e.decoded("DTSTART") for e in events] == [s.starts_at for s in sessions]
    assert [e.decoded("DTEND") for e in events] == [s.ends_at for s in sessions]
    assert str(events[0]["SUMMARY"]) == "Foundation award: session 1 of 4 (Day 1)"
    assert str(events[0]["LOCATION"]) == "Friends Meeting House, Manchester"
    assert str(events[3]["LOCATION"]) == "https://meet.example.org/sup"
    # Times are written in London time with its VTIMEZONE, not as bare UTC.
    assert events[0]["DTSTART"].params["TZID"] == "Europe/London"
    assert calendar.walk("VTIMEZONE")
    text = message.body
    assert services.booking_link(booking) in text
    assert "https://meet.example.org/sup" in text


def test_a_waitlisted_booker_is_told_so_and_gets_no_calendar(
    cohort: Cohort, django_capture_on_commit_callbacks: Any
) -> None:
    cohort.capacity = 0
    cohort.save()
    booking = book(cohort, django_capture_on_commit_callbacks)
    assert booking.status == "waitlisted"
    (message,) = mail.outbox
    assert message.subject.startswith("You are on the waitlist")
    assert message.attachments == []
    assert f"{services.OFFER_HOURS} hours" in message.body


def test_the_offer_email_links_to_the_booking_page_and_names_the_deadline(
    cohort: Cohort, django_capture_on_commit_callbacks: Any
) -> None:
    cohort.capacity = 1
    cohort.save()
    first = book(cohort, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.booking_create(
            cohort=cohort, name="Ben", email="ben@example.org", consent_to_contact=True, join_waitlist=True
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=first, actor=None)
    offer = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    second.refresh_from_db()
    assert services.booking_link(second) in offer.body
    assert second.offer_expires_at is not None
    assert timezone.localtime(second.offer_expires_at).strftime("%H:%M") in offer.body


def test_subjects_are_not_html_escaped(django_capture_on_commit_callbacks: Any) -> None:
    cohort = CohortFactory.create(course__title="Questions & silence", name="Leeds")
    book(cohort, django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "Your place on Questions & silence (Leeds) is confirmed"


def test_moving_a_session_sends_confirmed_candidates_the_updated_calendar(
    cohort: Cohort, django_capture_on_commit_callbacks: Any
) -> None:
    book(cohort, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(
            cohort=cohort, name="Wait", email="wait@example.org", consent_to_contact=True, join_waitlist=True
        )
    cohort.bookings.filter(email="wait@example.org").update(status=Booking.Status.WAITLISTED)
    mail.outbox.clear()
    session = cohort.sessions.order_by("starts_at")[0]
    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Renamed only"
        services.session_save(actor=None, session=session)
    assert mail.outbox == [], "a new title alone is not worth an email"
    with django_capture_on_commit_callbacks(execute=True):
        session.starts_at += timedelta(hours=1)
        session.ends_at += timedelta(hours=1)
        services.session_save(actor=None, session=session)
    (message,) = mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == "New dates for Foundation award (Spring, Leeds)"
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(event["UID"]) == session.calendar_uid
    assert event["SEQUENCE"] == 2
    assert event.decoded("DTSTART") == session.starts_at
