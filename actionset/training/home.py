"""Home-page panel: a candidate's next training session, and an offered place waiting for an answer."""

from __future__ import annotations

from django.utils import timezone

from actionset.core.access import Actor, visible
from actionset.core.extensions import HomePanel
from actionset.training.models import Booking, CohortSession


def home_panels(actor: Actor) -> list[HomePanel]:
    if not actor.is_authenticated:
        return []
    bookings = list(
        visible(actor, "training.booking", Booking.objects.for_user(actor.user))
        .active()
        .select_related("cohort__course")
    )
    if not bookings:
        return []
    confirmed = [b.cohort_id for b in bookings if b.status == Booking.Status.CONFIRMED]
    next_session = (
        CohortSession.objects.filter(cohort_id__in=confirmed, ends_at__gte=timezone.now())
        .select_related("cohort__course")
        .order_by("starts_at")
        .first()
    )
    offers = [b for b in bookings if b.status == Booking.Status.OFFERED]
    return [HomePanel("training/_home_panel.html", {"next_session": next_session, "offers": offers})]
