"""Main-navigation entries: the catalogue's keepers get Training; people with a booking get their courses."""

from __future__ import annotations

from django.urls import reverse

from actionset.core.access import Actor, can, visible
from actionset.core.extensions import NavItem
from actionset.training.models import Booking

#: What, besides the actor's roles, decides the entry (see extensions.cached_nav_items): one's bookings.
NAV_INPUTS = (Booking,)


def nav_items(actor: Actor) -> list[NavItem]:
    if can(actor, "training.manage"):
        return [NavItem(label="Training", url=reverse("training:manage"), section="training")]
    if (
        actor.is_authenticated
        and visible(actor, "training.booking", Booking.objects.for_user(actor.user)).active().exists()
    ):
        return [NavItem(label="Your courses", url=reverse("training:my_bookings"), section="training")]
    return []
