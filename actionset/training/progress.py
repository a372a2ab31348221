"""Each candidate's portfolio progress, from the accreditation app when it is installed.

Training does not depend on accreditation (accreditation depends on training), so the trainer's cohort page asks
for portfolio progress through this one adapter and shows attendance alone when there is none to show.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from typing import Any

from actionset.training.models import Booking, Course

_MODULE = "actionset.accreditation.progress"


def accreditation_available() -> bool:
    return importlib.util.find_spec(_MODULE) is not None


def portfolio_progress(bookings: Sequence[Booking], *, course: Course) -> dict[int, Any]:
    """Booking pk → the candidate's portfolio progress (as accreditation reports it), for bookings with a login."""
    if not accreditation_available():
        return {}
    module = importlib.import_module(_MODULE)
    result: dict[int, Any] = {}
    for booking in bookings:
        if booking.user_id is None:
            continue
        progress = module.portfolio_progress(booking.user, course)
        if progress is not None:
            result[booking.pk] = progress
    return result
