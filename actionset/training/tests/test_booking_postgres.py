"""Many people booking the last place at once, each on their own database connection.

SQLite serialises every write, so it cannot show a race; this runs whenever DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from actionset.training import services
from actionset.training.models import Booking, Cohort
from actionset.training.tests.factories import BookingFactory, CohortFactory

pytestmark = pytest.mark.postgres

BOOKERS = 12


@pytest.fixture
def last_place(transactional_db: Any) -> Cohort:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")
    cohort = CohortFactory.create(capacity=5)
    BookingFactory.create_batch(4, cohort=cohort)
    return cohort


def book_at_once(cohort: Cohort, *, join_waitlist: bool) -> list[str]:
    """`BOOKERS` threads, each with its own connection, released together to book the same cohort."""
    barrier = threading.Barrier(BOOKERS)
    results: list[str] = []
    lock = threading.Lock()

    def booker(i: int) -> None:
        try:
            barrier.wait()
            booking = services.booking_create(
                cohort=cohort,
                name=f"Booker {i}",
                email=f"booker-{i}@example.org",
                consent_to_contact=True,
                join_waitlist=join_waitlist,
            )
            outcome = booking.status
        except services.CohortFull:
            outcome = "refused"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=booker, args=(i,)) for i in range(BOOKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_many_bookers_for_the_last_place_exactly_one_gets_it_and_the_rest_wait(last_place: Cohort) -> None:
    results = book_at_once(last_place, join_waitlist=True)
    assert sorted(set(results)) == ["confirmed", "waitlisted"]
    assert results.count("confirmed") == 1
    assert results.count("waitlisted") == BOOKERS - 1
    assert last_place.bookings.filter(status__in=Booking.HOLDING_STATUSES).count() == last_place.capacity
    # The waitlist's order is the order the lock let them through: every waiting booker has a distinct place in it.
    waiting = [b.waitlisted_at for b in last_place.bookings.waitlist()]
    assert None not in waiting
    assert waiting == sorted(w for w in waiting if w is not None)


def test_many_bookers_who_will_not_wait_exactly_one_gets_the_place_the_rest_are_refused(last_place: Cohort) -> None:
    results = book_at_once(last_place, join_waitlist=False)
    assert results.count("confirmed") == 1
    assert results.count("refused") == BOOKERS - 1
    assert last_place.bookings.count() == last_place.capacity


def test_a_cancellation_amid_a_rush_of_bookings_goes_to_the_waitlist_not_the_rush(last_place: Cohort) -> None:
    services.booking_create(
        cohort=last_place, name="Last", email="last@example.org", consent_to_contact=True, join_waitlist=False
    )
    first_waiting = services.booking_create(
        cohort=last_place, name="Waiting", email="waiting@example.org", consent_to_contact=True, join_waitlist=True
    )
    leaving = last_place.bookings.confirmed().order_by("pk").first()
    assert leaving is not None
    barrier = threading.Barrier(BOOKERS + 1)
    outcomes: list[str] = []
    lock = threading.Lock()

    def rush(i: int) -> None:
        try:
            barrier.wait()
            booking = services.booking_create(
                cohort=last_place,
                name=f"Rush {i}",
                email=f"rush-{i}@example.org",
                consent_to_contact=True,
                join_waitlist=True,
            )
            with lock:
                outcomes.append(booking.status)
        finally:
            connection.close()

    def cancel() -> None:
        try:
            barrier.wait()
            services.booking_cancel(booking=leaving, actor=None)
        finally:
            connection.close()

    threads = [threading.Thread(target=rush, args=(i,)) for i in range(BOOKERS)] + [threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["waitlisted"] * BOOKERS
    first_waiting.refresh_from_db()
    assert first_waiting.status == "offered"
    assert last_place.bookings.filter(status__in=Booking.HOLDING_STATUSES).count() == last_place.capacity
