"""The booking rules: capacity, the waitlist, offers and their expiry, cancellation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.training import services
from actionset.training.models import Booking, Cohort
from actionset.training.tests.factories import CohortFactory, SessionFactory

pytestmark = pytest.mark.django_db


def book(cohort: Cohort, who: str, *, waitlist: bool = True, **kwargs: Any) -> Booking:
    return services.booking_create(
        cohort=cohort,
        name=who.title(),
        email=f"{who}@example.org",
        consent_to_contact=True,
        join_waitlist=waitlist,
        **kwargs,
    )


def statuses(cohort: Cohort) -> dict[str, str]:
    return {b.name.lower(): b.status for b in cohort.bookings.all()}


def test_places_are_confirmed_up_to_capacity_then_the_waitlist_takes_over() -> None:
    cohort = CohortFactory.create(capacity=2)
    assert book(cohort, "ann").status == "confirmed"
    assert book(cohort, "ben").status == "confirmed"
    assert book(cohort, "cat").status == "waitlisted"
    assert cohort.held_places_count() == 2
    assert cohort.places_left() == 0


def test_a_full_cohort_refuses_a_booker_who_did_not_ask_for_the_waitlist() -> None:
    cohort = CohortFactory.create(capacity=1)
    book(cohort, "ann")
    with pytest.raises(services.CohortFull):
        book(cohort, "ben", waitlist=False)
    assert cohort.bookings.count() == 1


def test_capacity_is_never_exceeded_however_many_book() -> None:
    cohort = CohortFactory.create(capacity=3)
    for i in range(10):
        book(cohort, f"person{i}")
    assert cohort.bookings.filter(status__in=Booking.HOLDING_STATUSES).count() == 3
    assert list(cohort.bookings.waitlist().values_list("name", flat=True)) == [f"Person{i}" for i in range(3, 10)]


def test_the_same_email_cannot_hold_two_live_bookings_but_may_book_again_after_cancelling() -> None:
    cohort = CohortFactory.create(capacity=3)
    first = book(cohort, "ann")
    with pytest.raises(services.AlreadyBooked):
        services.booking_create(
            cohort=cohort, name="Ann", email="ANN@example.org", consent_to_contact=True, join_waitlist=True
        )
    services.booking_cancel(booking=first, actor=None)
    assert book(cohort, "ann").status == "confirmed"


def test_cancelling_a_place_offers_it_to_the_first_on_the_waitlist_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    book(cohort, "ben")
    book(cohort, "cat")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=ann, actor=None)
    assert statuses(cohort) == {"ann": "cancelled", "ben": "offered", "cat": "waitlisted"}
    ben = cohort.bookings.get(name="Ben")
    assert ben.offer_expires_at is not None
    assert ben.offered_at is not None
    assert ben.offer_expires_at - ben.offered_at == timedelta(hours=services.OFFER_HOURS)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["ben@example.org"].startswith("A place on")
    assert "cancelled" in subjects["ann@example.org"]
    assert "cat@example.org" not in subjects


def test_an_offered_place_is_held_so_a_newcomer_joins_the_waitlist() -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    book(cohort, "ben")
    services.booking_cancel(booking=ann, actor=None)
    assert book(cohort, "dan").status == "waitlisted"
    assert cohort.held_places_count() == 1


def test_accepting_an_offer_confirms_the_place(django_capture_on_commit_callbacks: Any) -> None:
    cohort = CohortFactory.create(capacity=1)
    SessionFactory.create(cohort=cohort)
    ann = book(cohort, "ann")
    ben = book(cohort, "ben")
    services.booking_cancel(booking=ann, actor=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ben = services.offer_accept(booking=ben, actor=None)
    assert ben.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert mail.outbox[0].attachments, "the confirmation carries the calendar file"


def test_a_lapsed_offer_passes_to_the_next_person_and_can_no_longer_be_accepted() -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    ben = book(cohort, "ben")
    book(cohort, "cat")
    services.booking_cancel(booking=ann, actor=None)
    Booking.objects.filter(pk=ben.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.OfferLapsed):
        services.offer_accept(booking=ben, actor=None)
    ben.refresh_from_db()
    assert (ben.status, ben.cancel_reason) == ("cancelled", "offer_lapsed")
    assert statuses(cohort)["cat"] == "offered"
    assert cohort.held_places_count() == 1


def test_the_offers_command_lapses_expired_offers(django_capture_on_commit_callbacks: Any) -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    ben = book(cohort, "ben")
    book(cohort, "cat")
    services.booking_cancel(booking=ann, actor=None)
    Booking.objects.filter(pk=ben.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("training_offers", stdout=None)
    assert statuses(cohort) == {"ann": "cancelled", "ben": "cancelled", "cat": "offered"}
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "cat@example.org"]


def test_an_offer_still_open_is_left_alone_by_the_command() -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    book(cohort, "ben")
    services.booking_cancel(booking=ann, actor=None)
    assert services.offers_expire() == 0
    assert statuses(cohort)["ben"] == "offered"


def test_leaving_the_waitlist_offers_nothing() -> None:
    cohort = CohortFactory.create(capacity=1)
    book(cohort, "ann")
    ben = book(cohort, "ben")
    book(cohort, "cat")
    services.booking_cancel(booking=ben, actor=None)
    assert statuses(cohort) == {"ann": "confirmed", "ben": "cancelled", "cat": "waitlisted"}


def test_raising_the_capacity_offers_the_new_places_to_the_waitlist() -> None:
    cohort = CohortFactory.create(capacity=1)
    book(cohort, "ann")
    book(cohort, "ben")
    book(cohort, "cat")
    cohort.capacity = 2
    services.cohort_save(actor=None, cohort=cohort)
    assert statuses(cohort) == {"ann": "confirmed", "ben": "offered", "cat": "waitlisted"}


def test_a_closed_cohort_takes_no_public_booking_but_staff_may_still_enrol() -> None:
    cohort = CohortFactory.create(capacity=2, status=Cohort.Status.CLOSED)
    with pytest.raises(services.BookingError):
        book(cohort, "ann")
    enrolled = book(cohort, "ann", source=Booking.Source.ENROLLED)
    assert enrolled.status == "confirmed"


def test_an_unpublished_course_takes_no_public_booking() -> None:
    cohort = CohortFactory.create(course__is_published=False)
    with pytest.raises(services.BookingError):
        book(cohort, "ann")


def test_a_cancelled_cohort_takes_no_booking_at_all() -> None:
    cohort = CohortFactory.create(status=Cohort.Status.CANCELLED)
    with pytest.raises(services.BookingError):
        book(cohort, "ann", source=Booking.Source.ENROLLED)


def test_booking_changes_are_audited() -> None:
    cohort = CohortFactory.create(capacity=1)
    ann = book(cohort, "ann")
    book(cohort, "ben")
    services.booking_cancel(booking=ann, actor=None)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "training.booking_confirmed",
        "training.booking_waitlisted",
        "training.booking_cancelled",
        "training.offer_made",
    ]


def test_the_signed_link_names_one_booking_and_cannot_be_forged() -> None:
    cohort = CohortFactory.create()
    ann = book(cohort, "ann")
    token = services.booking_token(ann)
    found = services.booking_from_token(token)
    assert found is not None
    assert found.pk == ann.pk
    assert services.booking_from_token(token[:-2] + "xx") is None
    assert services.booking_from_token(str(ann.public_id)) is None


def test_cancelling_a_cohort_cancels_every_live_booking_and_tells_each_person(
    django_capture_on_commit_callbacks: Any,
) -> None:
    cohort = CohortFactory.create(capacity=1, course__title="Taster")
    book(cohort, "ann")
    book(cohort, "ben")
    mail.outbox.clear()
    cohort.status = Cohort.Status.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_save(actor=None, cohort=cohort)
    assert statuses(cohort) == {"ann": "cancelled", "ben": "cancelled"}
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        "ann@example.org": f"Taster ({cohort.name}) will not run",
        "ben@example.org": f"Taster ({cohort.name}) will not run",
    }
    assert "place on the waitlist is cancelled" in next(m.body for m in mail.outbox if m.to == ["ben@example.org"])
    # Saving it again tells nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_save(actor=None, cohort=cohort)
    assert mail.outbox == []
