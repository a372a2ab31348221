"""Access rules for the facilitator training catalogue, cohorts, sessions and bookings (see actionset.core.access).

The catalogue is public. Courses, cohorts and sessions are kept by trainers and administrators. A cohort's
candidates see their own cohort (sessions, materials, their own attendance) and nothing of other bookers; a booking
is seen only by the person it belongs to and by trainers and administrators.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from actionset.core.access import (
    ADMINISTRATOR,
    TRAINER,
    Actor,
    Predicate,
    Rule,
    Where,
    among,
    anyone,
    either,
    parent_of,
    register_rules,
    staff,
)
from actionset.training.models import Booking, Cohort

_keeps_training = staff(TRAINER, ADMINISTRATOR)
#: A material leads to its cohort.
_TO_COHORT = ("cohort",)


_published = Predicate(
    "published", lambda actor, course: bool(course.is_published), lambda actor, model: Q(is_published=True)
)


def _on_cohort_test(actor: Actor, target: Any) -> bool:
    if not actor.is_authenticated:
        return False
    cohort = parent_of(target, Cohort, _TO_COHORT)
    return bool(cohort.bookings.confirmed().filter(user=actor.user).exists())


def _on_cohort_where(actor: Actor, model: type[models.Model]) -> Where:
    if not actor.is_authenticated:
        return False
    places = Booking.objects.confirmed().filter(user=actor.user).values("cohort_id")
    return among(model, Cohort, places, _TO_COHORT)


#: A candidate with a confirmed place on the cohort (the target, or the cohort of a material).
_on_cohort = Predicate("on_cohort", _on_cohort_test, _on_cohort_where)


def _owns_booking_test(actor: Actor, booking: Any) -> bool:
    if not actor.is_authenticated:
        return False
    if booking.user_id is not None:
        return bool(booking.user_id == actor.user.pk)
    # A booking made on the public form before the person had a login is theirs by its email address.
    return bool(booking.email.lower() == actor.user.email.lower())


_owns_booking = Predicate(
    "owns_booking",
    _owns_booking_test,
    lambda actor, model: (
        Q(user=actor.user) | Q(user__isnull=True, email__iexact=actor.user.email) if actor.is_authenticated else False
    ),
)


register_rules(
    {
        "training.course.view": Rule(
            "See a course in the public catalogue, with its cohorts and dates, and book a place",
            either(_published, _keeps_training),
            anyone,
            requires_login=False,
        ),
        "training.manage": Rule(
            "Keep the training catalogue: courses, cohorts, sessions; enrol candidates, record attendance, materials",
            staff(),
            _keeps_training,
        ),
        "training.cohort.view": Rule(
            "See a cohort's sessions and materials: its candidates, its trainers and training staff",
            either(_on_cohort, staff()),
            either(_on_cohort, _keeps_training),
        ),
        "training.material": Rule(
            "Open a cohort's material: its candidates and training staff",
            either(_on_cohort, staff()),
            either(_on_cohort, _keeps_training),
        ),
        "training.booking": Rule(
            "See, cancel or accept an offer for one's own booking (training staff for anyone's)",
            either(_owns_booking, staff()),
            either(_owns_booking, _keeps_training),
        ),
    }
)
