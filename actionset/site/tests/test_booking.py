"""Discovery calls: the emailed link books one slot, once; a slot is booked by one enquirer only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from actionset.site import models as site
from actionset.site.services import BOOKING_SALT, BookingRefused, booking_token_issue, call_book
from actionset.site.tests.factories import CallSlotFactory, EnquiryFactory


def book_url(token: str) -> str:
    return f"/discovery-call/{token}/"


@pytest.fixture
def slot(db: Any) -> site.CallSlot:
    return CallSlotFactory.create(host__email="host@provider.test", host__name="Dana Designer")


def test_booking_a_slot_moves_the_enquiry_and_emails_both_sides_an_invitation(
    client: Client, slot: site.CallSlot, django_capture_on_commit_callbacks: Any
) -> None:
    enquiry = EnquiryFactory.create(email="lucy@meridian.example")
    token = booking_token_issue(enquiry=enquiry)
    page = client.get(book_url(token))
    assert page.status_code == 200
    assert str(slot.public_id) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(token), {"slot": str(slot.public_id)})
    assert response.status_code == 302
    slot.refresh_from_db()
    enquiry.refresh_from_db()
    assert slot.enquiry == enquiry
    assert enquiry.stage == site.Stage.CALL_BOOKED
    assert enquiry.owner == slot.host
    assert enquiry.next_step_on == timezone.localdate(slot.starts_at)
    assert sorted(m.to[0] for m in mail.outbox) == ["host@provider.test", "lucy@meridian.example"]
    for message in mail.outbox:
        filename, content, _mimetype = message.attachments[0]
        assert filename.endswith(".ics")
        calendar = icalendar.Calendar.from_ical(content)
        assert calendar["METHOD"] == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == slot.calendar_uid
        assert event.decoded("DTSTART") == slot.starts_at
        attendees = {str(a) for a in event.get("ATTENDEE", [])}
        assert "mailto:lucy@meridian.example" in attendees
    assert "is booked" in client.get(book_url(token)).content.decode()


def test_a_slot_can_be_booked_once_only(slot: site.CallSlot) -> None:
    first, second = EnquiryFactory.create(), EnquiryFactory.create()
    call_book(enquiry=first, slot_id=slot.public_id)
    with pytest.raises(BookingRefused, match="just been taken"):
        call_book(enquiry=second, slot_id=slot.public_id)
    slot.refresh_from_db()
    assert slot.enquiry == first
    second.refresh_from_db()
    assert second.stage == site.Stage.NEW


def test_the_second_enquirer_sees_the_slot_is_taken_and_can_pick_another(client: Client, slot: site.CallSlot) -> None:
    other = CallSlotFactory.create(starts_at=slot.starts_at + dt.timedelta(hours=1))
    call_book(enquiry=EnquiryFactory.create(), slot_id=slot.public_id)
    token = booking_token_issue(enquiry=EnquiryFactory.create())
    response = client.post(book_url(token), {"slot": str(slot.public_id)})
    html = response.content.decode()
    assert "just been taken" in html
    assert str(other.public_id) in html
    assert str(slot.public_id) not in html


def test_one_enquiry_cannot_book_two_slots(slot: site.CallSlot) -> None:
    enquiry = EnquiryFactory.create()
    other = CallSlotFactory.create()
    call_book(enquiry=enquiry, slot_id=slot.public_id)
    with pytest.raises(BookingRefused, match="already booked"):
        call_book(enquiry=enquiry, slot_id=other.public_id)
    other.refresh_from_db()
    assert other.enquiry is None


def test_a_slot_in_the_past_or_about_to_start_cannot_be_booked(db: Any) -> None:
    soon = CallSlotFactory.create(starts_at=timezone.now() + dt.timedelta(minutes=30))
    with pytest.raises(BookingRefused):
        call_book(enquiry=EnquiryFactory.create(), slot_id=soon.public_id)


@pytest.mark.parametrize("token", ["nonsense", "abc:def", "x" * 40])
def test_a_made_up_token_finds_nothing(client: Client, slot: site.CallSlot, token: str) -> None:
    EnquiryFactory.create()
    assert client.get(book_url(token)).status_code == 404
    assert client.post(book_url(token), {"slot": str(slot.public_id)}).status_code == 404
    slot.refresh_from_db()
    assert slot.enquiry is None


def test_a_token_with_a_forged_signature_finds_nothing(client: Client, db: Any) -> None:
    token = booking_token_issue(enquiry=EnquiryFactory.create())
    raw, stamp, signature = token.split(":")
    assert client.get(book_url(f"{raw}:{stamp}:{signature[::-1]}")).status_code == 404


def test_a_new_link_replaces_the_old_one(client: Client, db: Any) -> None:
    enquiry = EnquiryFactory.create()
    old = booking_token_issue(enquiry=enquiry)
    new = booking_token_issue(enquiry=enquiry)
    assert client.get(book_url(old)).status_code == 404
    assert client.get(book_url(new)).status_code == 200


def test_an_expired_link_finds_nothing(client: Client, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    enquiry = EnquiryFactory.create()
    long_ago = timezone.now() - dt.timedelta(days=31)
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(int(long_ago.timestamp()))
    )
    token = booking_token_issue(enquiry=enquiry)
    monkeypatch.undo()
    assert token.count(":") == 2
    assert client.get(book_url(token)).status_code == 404


def test_a_closed_or_held_enquiry_cannot_book(client: Client, db: Any) -> None:
    lost = EnquiryFactory.create(stage=site.Stage.LOST)
    held = EnquiryFactory.create(held_at=timezone.now())
    assert client.get(book_url(booking_token_issue(enquiry=lost))).status_code == 404
    assert client.get(book_url(booking_token_issue(enquiry=held))).status_code == 404


def test_the_token_is_stored_only_as_a_hash(db: Any) -> None:
    enquiry = EnquiryFactory.create()
    token = booking_token_issue(enquiry=enquiry)
    raw = signing.TimestampSigner(salt=BOOKING_SALT).unsign(token)
    enquiry.refresh_from_db()
    assert raw not in enquiry.booking_token_hash
    assert enquiry.booking_token_hash == site.hash_token(raw)


def test_staff_publish_a_slot_in_local_time_and_cannot_withdraw_a_booked_one(client: Client, db: Any) -> None:
    from zoneinfo import ZoneInfo

    from tests.factories import UserFactory

    designer = UserFactory.create(staff_roles=["designer"])
    client.force_login(designer)
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        "/enquiries/slots/", {"day": day.isoformat(), "time": "09:30", "minutes": "45", "how": "Phone: we ring you"}
    )
    assert response.status_code == 302
    slot = site.CallSlot.objects.get()
    assert slot.host == designer
    assert slot.starts_at.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M") == "09:30"
    assert slot.minutes == 45
    past = client.post("/enquiries/slots/", {"day": "2020-01-01", "time": "09:30", "minutes": "30", "how": "x"})
    assert "Choose a time in the future." in past.content.decode()
    call_book(enquiry=EnquiryFactory.create(), slot_id=slot.public_id)
    client.post(f"/enquiries/slots/{slot.public_id}/withdraw/")
    assert site.CallSlot.objects.filter(pk=slot.pk).exists()
