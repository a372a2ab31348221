"""The incident method: the case and the case-giver's question (on the case's `AirtimeNotes`), clarifying questions
(noted like any airtime's), each member's take in turn, and the case-giver's response and actions."""

from __future__ import annotations

from django.db import transaction

from actionset.accounts.models import User
from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import CaseTake


class CaseGiverListens(Exception):
    """The case-giver listens to the takes; they do not give one on their own case."""


def take_save(
    *, meeting: Meeting, case_giver: Enrolment, author: Enrolment, text: str, recorded_by: User | None = None
) -> CaseTake:
    """A member's take on the case (written down by the facilitator, `recorded_by`, for a member without a device).
    Saying it again replaces it: a take is one member's view, given once in the round."""
    if author.pk == case_giver.pk:
        raise CaseGiverListens
    with transaction.atomic():
        take, _ = CaseTake.objects.update_or_create(
            meeting=meeting,
            case_giver=case_giver,
            author=author,
            defaults={
                "text": text.strip(),
                "recorded_by": recorded_by,
                "recorded_for_member": recorded_by is not None,
            },
        )
        live.room_changed(meeting.learning_set_id)
    return take


def takes_for(meeting: Meeting, case_giver: Enrolment) -> list[CaseTake]:
    return list(
        CaseTake.objects.filter(meeting=meeting, case_giver=case_giver)
        .select_related("author__person", "recorded_by")
        .order_by("pk")
    )
