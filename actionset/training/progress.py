"""Each candidate's portfolio progress, from whichever app keeps portfolios (accreditation fills the hook).

Training sits below accreditation (accreditation builds on training's courses and bookings), so the trainer's cohort
page cannot import it. Accreditation hands its progress function to `progress_source` in its `AppConfig.ready()`;
without one, the cohort page shows attendance alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from actionset.accounts.models import User
from actionset.training.models import Booking, Course

#: (user, course) → that candidate's portfolio progress, or None; set by the app that keeps portfolios.
progress_source: Callable[[User, Course], Any] | None = None


def accreditation_available() -> bool:
    return progress_source is not None


def portfolio_progress(bookings: Sequence[Booking], *, course: Course) -> dict[int, Any]:
    """Booking pk → the candidate's portfolio progress (as accreditation reports it), for bookings with a login."""
    if progress_source is None:
        return {}
    result: dict[int, Any] = {}
    for booking in bookings:
        if booking.user is None:
            continue
        progress = progress_source(booking.user, course)
        if progress is not None:
            result[booking.pk] = progress
    return result
