"""Closing a programme whose sets still have meetings to come: said before, and the meetings cancelled after.

The stage page asks the designer to confirm (programmes/transitions.py); once the programme is closed, the worker
cancels each meeting still to come as a facilitator cancelling it would (meetings.services.meeting_cancel): every
member and facilitator is sent the cancellation for the event already in their calendar.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionset.accounts.models import User
from actionset.meetings.models import Meeting
from actionset.meetings.services import MeetingUnchangeable, meeting_cancel
from actionset.programmes.models import Programme

#: Given as the reason in each cancellation, which the email quotes.
REASON = "The programme has closed."


def meetings_to_come(programme: Programme) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        learning_set__programme=programme, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
    )


def closing_consequences(programme: Programme, status: str) -> list[str]:
    """Registered with programmes.transitions: what closing would do to the meetings still to come."""
    if status != Programme.Status.CLOSED:
        return []
    counted = meetings_to_come(programme).aggregate(meetings=Count("pk"), sets=Count("learning_set", distinct=True))
    if not counted["meetings"]:
        return []
    return [
        ngettext(
            "%(meetings)d meeting is still to come in %(sets)d set.",
            "%(meetings)d meetings are still to come in %(sets)d sets.",
            counted["meetings"],
        )
        % counted
        + " "
        + _("Closing the programme cancels them, and everyone in those sets is sent the cancellation."),
        _("Reopening the programme later does not bring them back: they would be scheduled again one by one."),
    ]


def meetings_to_come_cancel(programme_id: int, actor_id: int | None) -> int:
    """Cancel a closed programme's meetings still to come; nothing if it was reopened meanwhile. Returns how many."""
    programme = Programme.objects.filter(pk=programme_id, status=Programme.Status.CLOSED).first()
    if programme is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    cancelled = 0
    for meeting in meetings_to_come(programme).select_related("learning_set__programme__organisation"):
        try:
            meeting_cancel(actor=actor, meeting=meeting, reason=REASON)
        except MeetingUnchangeable:
            # Begun or changed since it was read: it is history now, not to be cancelled.
            continue
        cancelled += 1
    return cancelled
