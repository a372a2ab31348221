from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from actionset.core.access import Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.site.models import OPEN_STAGES, CallSlot, Enquiry


def home_panels(actor: Actor) -> list[HomePanel]:
    if not can(actor, "site.pipeline"):
        return []
    open_enquiries = visible(actor, "site.pipeline", Enquiry.objects.in_pipeline()).filter(stage__in=OPEN_STAGES)
    # The three figures of the open pipeline in one pass over it, not one count each.
    counts = open_enquiries.aggregate(
        open=Count("pk"),
        new=Count("pk", filter=Q(stage="new")),
        overdue=Count("pk", filter=Q(next_step_on__lt=timezone.localdate())),
    )
    return [
        HomePanel(
            "site/_home_panel.html",
            {
                "open_count": counts["open"],
                "new_count": counts["new"],
                "overdue_count": counts["overdue"],
                "held_count": visible(actor, "site.pipeline", Enquiry.objects.held()).count(),
                "free_slots": CallSlot.objects.open().count(),
            },
        )
    ]
