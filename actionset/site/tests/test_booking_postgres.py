"""Two enquirers taking the last slot at the same instant: the row lock decides, on a real database.

SQLite serialises every write, so it cannot show the race; this runs whenever DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from actionset.site import models as site
from actionset.site.services import BookingRefused, call_book
from actionset.site.tests.factories import CallSlotFactory, EnquiryFactory

pytestmark = pytest.mark.postgres


def test_two_enquirers_racing_for_one_slot_one_wins_and_one_is_told(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")
    slot = CallSlotFactory.create()
    enquiries = [EnquiryFactory.create(), EnquiryFactory.create()]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def enquirer(enquiry: site.Enquiry) -> None:
        try:
            barrier.wait()
            call_book(enquiry=enquiry, slot_id=slot.public_id)
            results.append("booked")
        except BookingRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=enquirer, args=(e,)) for e in enquiries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "refused"]
    slot.refresh_from_db()
    assert slot.enquiry in enquiries
    stages = sorted(site.Enquiry.objects.values_list("stage", flat=True))
    assert stages == [site.Stage.CALL_BOOKED, site.Stage.NEW]
