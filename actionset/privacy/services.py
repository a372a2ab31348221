"""People's data rights as workflows: subject access, erasure, legal holds, leavers (retention is `retention.py`)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionset.accounts.models import User
from actionset.core.access import Actor, can
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.organisations.leavers import OpenWork
from actionset.organisations.models import Person
from actionset.organisations.services import account_deactivate
from actionset.programmes.models import Programme
from actionset.sets.models import FacilitatorAssignment
from actionset.site.models import OPEN_STAGES, CallSlot, Enquiry
from actionset.training.models import Cohort

from .archive import archive_build
from .held import Subject
from .models import DataExport, LegalHold

logger = logging.getLogger("actionset.privacy")


def _subject_of(export: DataExport) -> Subject:
    if export.subject_user is not None:
        return Subject.of_user(export.subject_user)
    assert export.subject_person is not None
    return Subject.of_person(export.subject_person)


def _audit_target(subject: Subject) -> User | Person:
    return subject.user if subject.user is not None else subject.people[0]


# --- subject access ------------------------------------------------------------------------------------------------


def export_request(*, actor: User, subject: Subject, request: HttpRequest | None = None) -> DataExport:
    """Ask for everything held about `subject`, for `actor` (the person, or staff acting on their request) to
    download once the worker has built it. Audited whoever asks, so the person can see who asked for their data."""
    from .tasks import export_build as build_task  # tasks import this module

    with transaction.atomic():
        export = DataExport.objects.create(
            subject_user=subject.user,
            subject_person=subject.people[0] if subject.user is None else None,
            requested_by=actor,
            expires_at=timezone.now() + DataExport.KEEP,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_DATA_EXPORTED,
            target=_audit_target(subject),
            detail={"export": str(export.public_id), "by_the_person": subject.user == actor},
            request=request,
        )
        transaction.on_commit(lambda: build_task.enqueue(export.pk))
    return export


def export_build(*, export_id: int) -> str:
    """The worker's side: read every section and store the zip on the export."""
    export = (
        DataExport.objects.select_related("subject_user", "subject_person", "requested_by").filter(pk=export_id).first()
    )
    if export is None or export.status != DataExport.Status.WAITING:
        return "gone"
    try:
        content = archive_build(_subject_of(export))
    except Exception:
        logger.exception("Subject-access archive %s could not be built", export.public_id)
        export.status = DataExport.Status.FAILED
        export.save(update_fields=["status", "updated_at"])
        return "failed"
    with transaction.atomic():
        export.archive = content
        export.status = DataExport.Status.READY
        export.ready_at = timezone.now()
        export.save(update_fields=["archive", "status", "ready_at", "updated_at"])
        # The asker comes back for it: a link to the page it waits on, never the data itself.
        asker = export.requested_by
        page = "privacy:mine" if export.subject_user_id == asker.pk else "privacy:desk"
        email_send(
            to=[asker.email],
            template="data_export_ready",
            context={
                "person": asker,
                "link": settings.SITE_URL + reverse(page),
                "days": DataExport.KEEP.days,
            },
        )
    return "ready"


def export_downloaded(*, actor: User, export: DataExport, request: HttpRequest | None = None) -> None:
    subject = _subject_of(export)
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_DATA_DOWNLOADED,
        target=_audit_target(subject),
        detail={"export": str(export.public_id)},
        request=request,
    )


# --- legal holds ---------------------------------------------------------------------------------------------------


def hold_place(*, actor: User, subject: Subject, reason: str, request: HttpRequest | None = None) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.create(
            user=subject.user,
            person=subject.people[0] if subject.people else None,
            reason=reason,
            placed_by=actor,
        )
        audit_record(
            actor=actor, action=AuditAction.PERSON_LEGAL_HOLD_PLACED, target=_audit_target(subject), request=request
        )
    return hold


def hold_release(*, actor: User, hold: LegalHold, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        hold.released_at = timezone.now()
        hold.save(update_fields=["released_at", "updated_at"])
        target = hold.user or hold.person
        audit_record(actor=actor, action=AuditAction.PERSON_LEGAL_HOLD_RELEASED, target=target, request=request)


def holds_on(subject: Subject) -> list[LegalHold]:
    found = Q(person__in=subject.person_ids)
    if subject.user is not None:
        found |= Q(user=subject.user)
    return list(LegalHold.objects.filter(found, released_at__isnull=True))


# --- leavers -------------------------------------------------------------------------------------------------------


#: What each kind of a leaver's open work is called on the handover and deactivation pages.
OPEN_WORK = {
    "sponsorships": gettext_lazy("Programmes they sponsor"),
    "sets_facilitated": gettext_lazy("Sets facilitated"),
    "enquiries": gettext_lazy("Open enquiries they own"),
    "programmes_designed": gettext_lazy("Programmes they design"),
    "call_slots": gettext_lazy("Discovery call slots to come"),
    "cohorts": gettext_lazy("Courses they train on"),
}


class HandoverRefused(Exception):
    """Why a leaver's work cannot go to the one named, in words for the administrator."""


def handover_refusal(*, leaver: Subject, successor: User | None, successor_person: Person | None) -> str | None:
    work = open_work(leaver)
    if successor is None and any(count for kind, count in work.items() if kind != "sponsorships"):
        return _("Name a member of staff to take on their sets, enquiries, programmes and courses.")
    if successor_person is None and work.get("sponsorships"):
        return _("Name someone of their organisation to sponsor their programmes.")
    if successor is not None:
        if not successor.is_active:
            return _("%(name)s cannot sign in, so cannot take the work on.") % {"name": successor}
        if leaver.user is not None and successor.pk == leaver.user.pk:
            return _("Choose someone other than the leaver.")
    if successor_person is not None:
        if successor_person.pk in leaver.person_ids:
            return _("Choose someone other than the leaver.")
        if not any(p.organisation_id == successor_person.organisation_id for p in leaver.people):
            return _("Sponsorships go to someone in the same organisation.")
    return None


def _open_work(leaver: Subject) -> dict[str, QuerySet[Any]]:
    """The leaver's open work, by kind: what `leaver_handover` moves and the handover page counts."""
    now = timezone.now()
    not_closed = ~Q(status=Programme.Status.CLOSED)
    found: dict[str, QuerySet[Any]] = {
        "sponsorships": Programme.objects.filter(not_closed, sponsors__in=leaver.person_ids).distinct()
    }
    user = leaver.user
    if user is not None:
        found |= {
            "sets_facilitated": FacilitatorAssignment.objects.filter(user=user).exclude(
                learning_set__programme__status=Programme.Status.CLOSED
            ),
            "enquiries": Enquiry.objects.filter(owner=user, stage__in=OPEN_STAGES),
            "programmes_designed": Programme.objects.filter(not_closed, designer=user),
            "call_slots": CallSlot.objects.filter(host=user, starts_at__gt=now, enquiry__isnull=True),
            # A course still to finish: a session ending later, or none planned yet.
            "cohorts": Cohort.objects.filter(trainers=user)
            .annotate(last_ends=Max("sessions__ends_at"))
            .filter(Q(last_ends__gte=now) | Q(last_ends__isnull=True)),
        }
    return found


def open_work(leaver: Subject) -> dict[str, int]:
    """How much open work the leaver holds, by kind."""
    return {kind: rows.count() for kind, rows in _open_work(leaver).items()}


def leaver_handover(
    *,
    actor: User,
    leaver: Subject,
    successor: User | None,
    successor_person: Person | None = None,
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """Give a leaver's open work to the one named — the sets they facilitate in programmes not closed, the open
    enquiries they own, the programmes they design, the courses they train on that have not ended, their discovery
    call slots to come, and (for a client's member) the programmes they sponsor — then deactivate their login,
    which ends every session. Their records (what they wrote, what they did) stay as they are."""
    refusal = handover_refusal(leaver=leaver, successor=successor, successor_person=successor_person)
    if refusal:
        raise HandoverRefused(refusal)
    moved: dict[str, int] = {}
    with transaction.atomic():
        user = leaver.user
        work = _open_work(leaver)
        if user is not None and successor is not None:
            moved["sets_facilitated"] = 0
            for assignment in work["sets_facilitated"].select_related("learning_set"):
                if assignment.learning_set.facilitators.filter(user=successor).exists():
                    assignment.delete()
                else:
                    assignment.user = successor
                    assignment.save(update_fields=["user"])
                moved["sets_facilitated"] += 1
            moved["enquiries"] = work["enquiries"].update(owner=successor)
            moved["programmes_designed"] = work["programmes_designed"].update(designer=successor)
            moved["call_slots"] = work["call_slots"].update(host=successor)
            moved["cohorts"] = 0
            for cohort in work["cohorts"]:
                cohort.trainers.remove(user)
                cohort.trainers.add(successor)
                moved["cohorts"] += 1
        if successor_person is not None:
            moved["sponsorships"] = 0
            for programme in work["sponsorships"]:
                programme.sponsors.remove(*leaver.people)
                programme.sponsors.add(successor_person)
                moved["sponsorships"] += 1
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_HANDED_OVER,
            target=_audit_target(leaver),
            detail={"to": str(successor or successor_person), "moved": moved},
            request=request,
        )
        if user is not None and user.is_active:
            organisation = leaver.people[0].organisation if leaver.people else None
            account_deactivate(actor=actor, user=user, organisation=organisation, request=request)
    return moved


def open_work_notice(actor: User, user: User) -> OpenWork | None:
    """For the deactivation page (`organisations.leavers`): what `user` still holds, and where to hand it over."""
    work = {kind: count for kind, count in open_work(Subject.of_user(user)).items() if count}
    if not work:
        return None
    summary = ", ".join(f"{OPEN_WORK[kind]}: {count}" for kind, count in work.items())
    may_hand_over = can(Actor(actor), "privacy.person")
    url = reverse("privacy:person_leave", kwargs={"subject": user.public_id}) if may_hand_over else ""
    return OpenWork(summary=summary, handover_url=url)
