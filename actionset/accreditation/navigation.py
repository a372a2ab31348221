"""Main navigation: the candidate's awards, and assessments for the provider's trainers."""

from __future__ import annotations

from django.urls import reverse

from actionset.accreditation.models import Award, Buddy, Portfolio
from actionset.core.access import Actor, can, visible
from actionset.core.extensions import NavItem
from actionset.training.models import Booking


def nav_items(actor: Actor) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    items = []
    # Awards are offered to facilitators and trainees: people with a portfolio, a buddy's request, or a place on a
    # course that leads to an award. Other participants are not shown a tab they have no use for.
    kinds = list(Award.objects.exclude(course_kind="").values_list("course_kind", flat=True))
    if (
        actor.has_staff_role("facilitator", "designer", "developer")
        or visible(actor, "portfolio.view", Portfolio.objects.filter(candidate=actor.user)).exists()
        or Buddy.objects.filter(user=actor.user).exists()
        or visible(actor, "training.booking", Booking.objects.for_user(actor.user))
        .active()
        .filter(cohort__course__kind__in=kinds)
        .exists()
    ):
        items.append(NavItem("Awards", reverse("accreditation:mine"), "accreditation"))
    if can(actor, "assessments.list"):
        items.append(NavItem("Assessments", reverse("accreditation:assessments"), "accreditation"))
    return items
