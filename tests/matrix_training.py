"""Access matrix cases for training: the public catalogue, bookings, keeping the catalogue, cohorts and materials.

Organisation A's participant holds a confirmed place on the cohort these cases use; nobody else in the cast does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from actionset.training.models import Booking, Cohort, Material
from actionset.training.services import booking_token
from actionset.training.tests.factories import BookingFactory, CohortFactory, SessionFactory
from conftest import Cast
from tests.matrix import DENY, DONE, HIDE, LOGIN, OK, Case, expect, staff_only

KEEPERS = ("administrator", "trainer")


def _cohort(cast: Cast) -> Cohort:
    cohort = Cohort.objects.filter(name="Matrix cohort").first()
    if cohort is None:
        cohort = CohortFactory.create(name="Matrix cohort", course__slug="matrix-course", capacity=5)
        cohort.trainers.add(cast.users["trainer"])
        # Already begun, so that its attendance can be recorded.
        SessionFactory.create(cohort=cohort, starts_at=timezone.now() - timedelta(hours=1))
        participant = cast.users["a_participant"]
        BookingFactory.create(cohort=cohort, user=participant, email=participant.email, name="A participant")
    return cohort


def _booking(cast: Cast) -> Booking:
    return _cohort(cast).bookings.get(user=cast.users["a_participant"])


def course(cast: Cast) -> dict[str, Any]:
    return {"slug": _cohort(cast).course.slug}


def cohort(cast: Cast) -> dict[str, Any]:
    return {"cohort": _cohort(cast).public_id}


def course_id(cast: Cast) -> dict[str, Any]:
    return {"course": _cohort(cast).course.public_id}


def session(cast: Cast) -> dict[str, Any]:
    return {"session": _cohort(cast).sessions.get().public_id}


def booking(cast: Cast) -> dict[str, Any]:
    return {"booking": _booking(cast).public_id}


def fresh_booking(cast: Cast) -> dict[str, Any]:
    """A's participant's booking, afresh for each request: one role's cancelling must not decide the next."""
    participant = cast.users["a_participant"]
    cohort = CohortFactory.create(capacity=2)
    return {"booking": BookingFactory.create(cohort=cohort, user=participant, email=participant.email).public_id}


def token(cast: Cast) -> dict[str, Any]:
    return {"token": booking_token(_booking(cast))}


def material(cast: Cast) -> dict[str, Any]:
    found = Material.objects.filter(cohort=_cohort(cast)).first()
    found = found or Material.objects.create(cohort=_cohort(cast), title="Reading", url="https://example.org/reading")
    return {"material": found.public_id}


def fresh_material(cast: Cast) -> dict[str, Any]:
    return {
        "material": Material.objects.create(cohort=_cohort(cast), title="Old", url="https://example.org/").public_id
    }


#: A's participant's own booking: theirs, and the training keepers'; other staff are refused; everyone else is told
#: nothing.
OWN = {**expect(HIDE, anonymous=LOGIN), "facilitator": DENY, "designer": DENY, "developer": DENY}


def own(outcome: str) -> dict[str, str]:
    return {**OWN, "a_participant": outcome, "administrator": outcome, "trainer": outcome}


KEEP = staff_only(OK, *KEEPERS)

CASES: dict[str, Case] = {
    # The public catalogue, and the booking page its email links to (the signed link is its own key).
    "training:catalogue": Case("get", lambda c: {}, expect(OK)),
    "training:course": Case("get", course, expect(OK)),
    "training:booking_manage": Case("get", token, expect(OK)),
    "training:booking_manage_ics": Case("get", token, expect(OK)),
    "training:my_bookings": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "training:booking_cancel": Case("post", fresh_booking, own(DONE)),
    "training:booking_accept": Case("post", fresh_booking, own(DONE)),
    "training:booking_ics": Case("get", booking, own(OK)),
    # Keeping the catalogue: trainers and administrators; other staff refused; clients not told.
    "training:manage": Case("get", lambda c: {}, KEEP),
    "training:course_new": Case("get", lambda c: {}, KEEP),
    "training:course_edit": Case("get", course_id, KEEP),
    "training:cohort_new": Case("get", course_id, KEEP),
    "training:cohort_edit": Case("get", cohort, KEEP),
    "training:session_new": Case("get", cohort, KEEP),
    "training:session_edit": Case("get", session, KEEP),
    "training:attendance": Case("get", session, KEEP),
    "training:enrol": Case(
        "post", cohort, staff_only(DONE, *KEEPERS), lambda c: {"name": "New Person", "email": "new@example.org"}
    ),
    "training:material_new": Case(
        "post", cohort, staff_only(DONE, *KEEPERS), lambda c: {"title": "Link", "url": "https://example.org/x"}
    ),
    "training:material_remove": Case("post", fresh_material, staff_only(DONE, *KEEPERS)),
    # A cohort's page and materials: its candidates and the training keepers.
    "training:cohort": Case("get", cohort, own(OK)),
    # A link material answers with a redirect to the link.
    "training:material": Case("get", material, own(DONE)),
}
