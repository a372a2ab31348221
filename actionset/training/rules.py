"""Access rules for the facilitator training catalogue, cohorts, sessions and bookings (see actionset.core.access).

The catalogue is public. Courses, cohorts and sessions are kept by trainers and administrators. A cohort's
candidates see their own cohort (sessions, materials, their own attendance) and nothing of other bookers; a booking
is seen only by the person it belongs to and by trainers and administrators.
"""

from __future__ import annotations

from typing import Any

from actionset.core.access import ADMINISTRATOR, TRAINER, Actor, Rule, anyone, either, register_rules, staff

_keeps_training = staff(TRAINER, ADMINISTRATOR)


def _published(actor: Actor, course: Any) -> bool:
    return bool(course.is_published)


def _on_cohort(actor: Actor, cohort: Any) -> bool:
    """A candidate with a confirmed place on the cohort."""
    if not actor.is_authenticated:
        return False
    return bool(cohort.bookings.confirmed().filter(user=actor.user).exists())


def _on_cohort_of(actor: Actor, material: Any) -> bool:
    return _on_cohort(actor, material.cohort)


def _owns_booking(actor: Actor, booking: Any) -> bool:
    if not actor.is_authenticated:
        return False
    if booking.user_id is not None:
        return bool(booking.user_id == actor.user.pk)
    # A booking made on the public form before the person had a login is theirs by its email address.
    return bool(booking.email.lower() == actor.user.email.lower())


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
            either(_on_cohort_of, staff()),
            either(_on_cohort_of, _keeps_training),
        ),
        "training.booking": Rule(
            "See, cancel or accept an offer for one's own booking (training staff for anyone's)",
            either(_owns_booking, staff()),
            either(_owns_booking, _keeps_training),
        ),
    }
)
