"""The retention schedule: how long each kind of data is kept, within bounds the provider cannot go outside, and
the daily job that deletes what is past its period. The privacy notice prints `schedule()`, so what it promises is
what `retention_apply` does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.models import AuditEvent
from actionset.evaluation.models import Response
from actionset.learning.models import JournalEntry, SharedItem
from actionset.meetings.models import FacilitatorNote
from actionset.programmes.models import Programme
from actionset.room.models import (
    Action,
    AirtimeBid,
    AirtimeNotes,
    CaseTake,
    CoachAnswer,
    ConsensusStatement,
    ContractProposal,
    ContractVersion,
    LearningReflection,
    ProcessReview,
    TrioNotes,
    TrioPlace,
)
from actionset.site.models import Enquiry, Stage
from actionset.training.models import Booking

from .models import DataExport, RetentionKind, RetentionPeriod


@dataclass(frozen=True)
class Bounds:
    """In months: the default, and the shortest and longest the provider may choose."""

    default: int
    least: int
    most: int


#: The law and good practice set these; the provider chooses within them. Audit events stay a year at least, for
#: investigating a security incident; enquiries two years at most, the longest the enquiry form promises.
BOUNDS: dict[str, Bounds] = {
    RetentionKind.JOURNALS: Bounds(36, 12, 84),
    RetentionKind.SET_CONTENT: Bounds(12, 3, 72),
    RetentionKind.SURVEY_ANSWERS: Bounds(24, 6, 72),
    RetentionKind.ENQUIRIES: Bounds(24, 6, 24),
    RetentionKind.BOOKINGS: Bounds(24, 12, 72),
    RetentionKind.AUDIT_EVENTS: Bounds(24, 12, 84),
}

#: An average month, so that a period in months is one fixed length whatever the calendar.
MONTH = dt.timedelta(days=30.4375)


def schedule() -> dict[str, int]:
    """Months kept, by kind: the provider's choice, or the default."""
    chosen = dict(RetentionPeriod.objects.values_list("kind", "months"))
    return {kind: chosen.get(kind, bounds.default) for kind, bounds in BOUNDS.items()}


def schedule_rows() -> list[tuple[str, int]]:
    """(what, months) in the order of `RetentionKind`, for the privacy notice and the settings page."""
    months = schedule()
    return [(str(kind.label), months[kind.value]) for kind in RetentionKind]


def schedule_change(*, actor: User, months: dict[str, int], request: HttpRequest | None = None) -> None:
    """Set the periods (already checked against `BOUNDS` by the form; checked again here, as the law's limits are
    not the form's to keep)."""
    for kind, value in months.items():
        bounds = BOUNDS[kind]
        if not bounds.least <= value <= bounds.most:
            raise ValueError(f"{kind}: {value} months is outside {bounds.least} to {bounds.most}")
    with transaction.atomic():
        before = schedule()
        for kind, value in months.items():
            RetentionPeriod.objects.update_or_create(kind=kind, defaults={"months": value, "updated_by": actor})
        after = schedule()
        changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
        if changed:
            audit_record(actor=actor, action=AuditAction.RETENTION_CHANGED, detail=changed, request=request)


def _set_content_of(programmes: list[int]) -> dict[str, int]:
    sets = Q(learning_set__programme__in=programmes)
    meetings = Q(meeting__learning_set__programme__in=programmes)
    return {
        "contract_versions": ContractVersion.objects.filter(sets).delete()[0],
        "contract_proposals": ContractProposal.objects.filter(sets).delete()[0],
        "actions": Action.objects.filter(sets).delete()[0],
        "airtime_bids": AirtimeBid.objects.filter(meetings).delete()[0],
        "airtime_notes": AirtimeNotes.objects.filter(meetings).delete()[0],
        "consensus": ConsensusStatement.objects.filter(meetings).delete()[0],
        "process_reviews": ProcessReview.objects.filter(meetings).delete()[0],
        "case_takes": CaseTake.objects.filter(meetings).delete()[0],
        "coach_answers": CoachAnswer.objects.filter(meetings).delete()[0],
        "learning_reflections": LearningReflection.objects.filter(meetings).delete()[0],
        "trio_notes": TrioNotes.objects.filter(meetings).delete()[0],
        "trio_places": TrioPlace.objects.filter(meetings).delete()[0],
        "facilitator_notes": FacilitatorNote.objects.filter(meetings).delete()[0],
        # Released items are the programme's shared learning, read by its sponsors: they stay with the programme.
        "shared_items": SharedItem.objects.filter(sets).exclude(status=SharedItem.Status.RELEASED).delete()[0],
    }


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete everything past its period; return how many rows of each kind went."""
    now = now or timezone.now()
    months = schedule()

    def before(kind: str) -> dt.datetime:
        return now - months[kind] * MONTH

    deleted: dict[str, int] = {}
    with transaction.atomic():
        deleted["journal_entries"] = JournalEntry.objects.filter(
            updated_at__lt=before(RetentionKind.JOURNALS)
        ).delete()[0]
        ended = (
            Programme.objects.filter(status=Programme.Status.CLOSED)
            .annotate(last_met=Max("sets__meetings__starts_at"))
            .filter(
                Q(last_met__lt=before(RetentionKind.SET_CONTENT))
                | Q(last_met__isnull=True, updated_at__lt=before(RetentionKind.SET_CONTENT))
            )
        )
        deleted |= _set_content_of(list(ended.values_list("pk", flat=True)))
        deleted["survey_responses"] = Response.objects.filter(
            submitted_at__lt=before(RetentionKind.SURVEY_ANSWERS)
        ).delete()[0]
        deleted["enquiries"] = (
            Enquiry.objects.exclude(stage=Stage.WON).filter(updated_at__lt=before(RetentionKind.ENQUIRIES)).delete()[0]
        )
        finished = (
            Booking.objects.annotate(last_session=Max("cohort__sessions__ends_at"))
            .filter(last_session__lt=before(RetentionKind.BOOKINGS))
            .values("pk")
        )
        deleted["bookings"] = Booking.objects.filter(pk__in=finished).delete()[0]
        deleted["audit_events"] = AuditEvent.objects.filter(created_at__lt=before(RetentionKind.AUDIT_EVENTS)).delete()[
            0
        ]
        # Subject-access archives are for downloading, not keeping.
        deleted["data_exports"] = DataExport.objects.expired(now).delete()[0]
        gone = {k: v for k, v in deleted.items() if v}
        if gone:
            audit_record(actor=None, action=AuditAction.RETENTION_APPLIED, detail=gone)
    return deleted
