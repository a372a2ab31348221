"""Who facilitated a meeting: recorded as it happens, for the evidence a facilitator's portfolio credits.

Only someone assigned to the set before the meeting began is recorded (`FacilitatorAssignment.assigned_at`): a
facilitator who joins a set later is not credited with the meetings it held before them.
"""

from __future__ import annotations

from collections.abc import Iterable

from actionset.accounts.models import User
from actionset.meetings.models import FacilitatorPresence, Meeting
from actionset.sets.models import FacilitatorAssignment


def assigned_before(meeting: Meeting) -> dict[int, FacilitatorAssignment]:
    """The set's facilitators assigned by the time the meeting began, by user id."""
    return {
        a.user_id: a
        for a in FacilitatorAssignment.objects.filter(
            learning_set_id=meeting.learning_set_id, assigned_at__lte=meeting.starts_at
        ).select_related("user")
    }


def present(meeting: Meeting, user: User) -> bool:
    """Record `user` as having facilitated `meeting`, if they were assigned before it began. True if recorded."""
    assignment = assigned_before(meeting).get(user.pk)
    if assignment is None:
        return False
    FacilitatorPresence.objects.get_or_create(meeting=meeting, user=user, defaults={"role": assignment.role})
    return True


def present_set(meeting: Meeting, user_ids: Iterable[int]) -> None:
    """The meeting's facilitators present are exactly those of `user_ids` who were assigned before it began."""
    assigned = assigned_before(meeting)
    wanted = {uid for uid in user_ids if uid in assigned}
    FacilitatorPresence.objects.filter(meeting=meeting).exclude(user_id__in=wanted).delete()
    have = set(FacilitatorPresence.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    FacilitatorPresence.objects.bulk_create(
        [FacilitatorPresence(meeting=meeting, user_id=uid, role=assigned[uid].role) for uid in wanted - have]
    )
