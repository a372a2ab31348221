from __future__ import annotations

from django.utils import timezone

from actionset.core.access import Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.site.models import OPEN_STAGES, CallSlot, Enquiry


def home_panels(actor: Actor) -> list[HomePanel]:
    if not can(actor, "site.pipeline"):
        return []
    open_enquiries = visible(actor, "site.pipeline", Enquiry.objects.in_pipeline()).filter(stage__in=OPEN_STAGES)
    return [
        HomePanel(
            "site/_home_panel.html",
            {
                "open_count": open_enquiries.count(),
                "new_count": open_enquiries.filter(stage="new").count(),
                "overdue_count": open_enquiries.filter(next_step_on__lt=timezone.localdate()).count(),
                "held_count": visible(actor, "site.pipeline", Enquiry.objects.held()).count(),
                "free_slots": CallSlot.objects.open().count(),
            },
        )
    ]
