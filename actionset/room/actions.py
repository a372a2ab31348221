"""Actions and the progress round: what members commit to, and what they report back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import Action, ActionReport


class NotYours(Exception):
    """A member may report only on their own actions."""


def action_commit(
    *, meeting: Meeting, owner: Enrolment, text: str, due_on: dt.date | None, recorded_by: User | None = None
) -> Action:
    """The owner's action, or one written down for them by someone else (`recorded_by`: a scribe, the facilitator)."""
    action = Action.objects.create(
        learning_set=meeting.learning_set,
        owner=owner,
        meeting=meeting,
        text=text.strip(),
        due_on=due_on,
        recorded_by=recorded_by,
        recorded_for_member=recorded_by is not None,
    )
    live.room_changed(meeting.learning_set_id)
    return action


def action_report(
    *,
    meeting: Meeting,
    enrolment: Enrolment,
    action: Action,
    status: str,
    learning: str,
    recorded_by: User | None = None,
) -> Action:
    """Record a member's report on their action in `meeting`'s progress round (written down by the facilitator,
    `recorded_by`, for a member without a device).

    Done and dropped close the action; partly and not done keep it open, so it comes back next time.
    Reporting again in the same meeting corrects the earlier report rather than adding another.
    """
    if action.owner_id != enrolment.pk:
        raise NotYours
    if status == Action.Status.OPEN or status not in Action.Status.values:
        raise ValueError(f"Not a report: {status!r}")
    with transaction.atomic():
        ActionReport.objects.update_or_create(
            action=action,
            meeting=meeting,
            defaults={
                "status": status,
                "learning": learning,
                "recorded_by": recorded_by,
                "recorded_for_member": recorded_by is not None,
            },
        )
        action.status = status
        action.learning = learning
        action.closed_at = None if status in Action.OPEN_STATUSES else timezone.now()
        action.save(update_fields=["status", "learning", "closed_at", "updated_at"])
        live.room_changed(meeting.learning_set_id)
    return action


def progress_round(meeting: Meeting, enrolment: Enrolment) -> list[dict[str, Any]]:
    """The member's actions to report on at `meeting`, each with this meeting's report if made."""
    actions = list(Action.objects.for_progress_round(meeting, enrolment))
    reports = {r.action_id: r for r in ActionReport.objects.filter(meeting=meeting, action__in=actions)}
    return [{"action": a, "report": reports.get(a.pk)} for a in actions]


def progress_round_for_set(meeting: Meeting) -> list[dict[str, Any]]:
    """Every member's progress round at `meeting`, for the meeting's record and the facilitator."""
    ordered = list(
        Action.objects.filter(learning_set=meeting.learning_set, meeting__number__lt=meeting.number)
        .filter(Q(status__in=Action.OPEN_STATUSES) | Q(reports__meeting=meeting))
        .distinct()
        .select_related("owner__person", "meeting")
        .order_by("owner__person__name", "meeting__number", "created_at")
    )
    reports = {
        r.action_id: r
        for r in ActionReport.objects.filter(meeting=meeting, action__in=ordered).select_related("recorded_by")
    }
    return [{"action": a, "report": reports.get(a.pk)} for a in ordered]
