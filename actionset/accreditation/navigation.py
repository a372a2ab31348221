"""Main navigation: the candidate's awards, and assessments for the provider's trainers."""

from __future__ import annotations

from django.db.models import Exists
from django.urls import reverse

from actionset.accounts.models import User
from actionset.accreditation.models import Award, Buddy, Portfolio
from actionset.core.access import Actor, can, visible
from actionset.core.extensions import NavItem
from actionset.training.models import Booking, Cohort, Course

#: What, besides the actor's roles, decides the entries (see extensions.cached_nav_items): the reasons an award is
#: offered (a portfolio, a buddy's request, a place on a course that leads to an award).
NAV_INPUTS = (Award, Portfolio, Buddy, Booking, Cohort, Course)


def nav_items(actor: Actor) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    items = []
    if actor.has_staff_role("facilitator", "designer", "developer") or _offered_an_award(actor):
        items.append(NavItem("Awards", reverse("accreditation:mine"), "accreditation"))
    if can(actor, "assessments.list"):
        items.append(NavItem("Assessments", reverse("accreditation:assessments"), "accreditation"))
    return items


def _offered_an_award(actor: Actor) -> bool:
    """Awards are offered to facilitators and trainees: people with a portfolio, a buddy's request, or a place on a
    course that leads to an award. Other participants are not shown a tab they have no use for. Asked on every page
    a signed-in person sees, so the three reasons are one query, not four."""
    award_kinds = Award.objects.exclude(course_kind="").values("course_kind")
    portfolios = visible(actor, "portfolio.view", Portfolio.objects.filter(candidate=actor.user))
    bookings = (
        visible(actor, "training.booking", Booking.objects.for_user(actor.user))
        .active()
        .filter(cohort__course__kind__in=award_kinds)
    )
    buddies = Buddy.objects.filter(user=actor.user)
    reasons = Exists(portfolios) | Exists(buddies) | Exists(bookings)
    return User.objects.filter(pk=actor.user.pk).filter(reasons).exists()
