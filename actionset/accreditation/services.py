"""Portfolios, assessment and credentials: every step a candidate, buddy or assessor takes, audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from actionset.accounts.models import User
from actionset.accreditation import openbadges, signing
from actionset.accreditation.feedback import AREAS
from actionset.accreditation.models import (
    Award,
    Buddy,
    Credential,
    EntryKind,
    EvidenceEntry,
    Observation,
    Portfolio,
    Reflection,
    Submission,
)
from actionset.accreditation.progress import progress_for
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.training.models import Booking


class AccreditationError(Exception):
    """The step cannot be taken as asked; the message says why, in words for the person taking it."""


def word_count(text: str) -> int:
    return len(re.findall(r"[\w\u2019'-]+", text))


def _locked(portfolio: Portfolio) -> Portfolio:
    """The portfolio's row, locked for the rest of the transaction: two clicks must not make two submissions."""
    fresh = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    portfolio.status = fresh.status
    return portfolio


def _require_editable(portfolio: Portfolio) -> None:
    if not portfolio.is_editable:
        raise AccreditationError("This portfolio is with an assessor or has passed, so its evidence cannot change now.")


def _after_commit_send(**kwargs: Any) -> None:
    def send_after_commit() -> None:
        email_send(**kwargs)

    transaction.on_commit(send_after_commit, robust=True)


# --- the portfolio ---------------------------------------------------------------------------


def _cohort_for(user: User, award: Award) -> Any:
    """The cohort of the course leading to `award` that the candidate holds a confirmed place on, if any."""
    booking = (
        Booking.objects.for_user(user)
        .confirmed()
        .filter(cohort__course__kind=award.course_kind)
        .select_related("cohort")
        .order_by("-created_at")
        .first()
    )
    return booking.cohort if booking else None


@transaction.atomic
def portfolio_start(*, actor: User, award: Award, request: HttpRequest | None = None) -> Portfolio:
    """The candidate's portfolio for `award`, made on first use; linked to their cohort when they have booked one."""
    portfolio, created = Portfolio.objects.get_or_create(candidate=actor, award=award)
    if created:
        portfolio.cohort = _cohort_for(actor, award)
        portfolio.save(update_fields=["cohort"])
        audit_record(
            actor=actor,
            action=AuditAction.ACCREDITATION_PORTFOLIO_START,
            target=portfolio,
            detail={"award": award.slug},
            request=request,
        )
    return portfolio


@transaction.atomic
def evidence_log(
    *,
    actor: User,
    portfolio: Portfolio,
    kind: str,
    happened_on: dt.date,
    minutes: int,
    set_size: int | None = None,
    organisation_name: str = "",
    supervisor: str = "",
    request: HttpRequest | None = None,
) -> EvidenceEntry:
    _require_editable(_locked(portfolio))
    if kind not in EntryKind.values:
        raise AccreditationError("Choose what kind of time this was.")
    entry = EvidenceEntry.objects.create(
        portfolio=portfolio,
        kind=kind,
        happened_on=happened_on,
        minutes=minutes,
        set_size=set_size,
        organisation_name=organisation_name,
        supervisor=supervisor if kind == EntryKind.SUPERVISION else "",
    )
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_EVIDENCE_LOG,
        target=portfolio,
        detail={"kind": kind, "minutes": minutes, "on": happened_on.isoformat()},
        request=request,
    )
    return entry


@transaction.atomic
def evidence_delete(*, actor: User, entry: EvidenceEntry, request: HttpRequest | None = None) -> None:
    portfolio = entry.portfolio
    _require_editable(_locked(portfolio))
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_EVIDENCE_DELETE,
        target=portfolio,
        detail={"kind": entry.kind, "minutes": entry.minutes, "on": entry.happened_on.isoformat()},
        request=request,
    )
    entry.delete()


@transaction.atomic
def reflection_add(
    *,
    actor: User,
    portfolio: Portfolio,
    written_on: dt.date,
    title: str,
    text: str,
    request: HttpRequest | None = None,
) -> Reflection:
    _require_editable(_locked(portfolio))
    reflection = Reflection.objects.create(
        portfolio=portfolio, written_on=written_on, title=title, text=text, words=word_count(text)
    )
    # The audit log records that a reflection was written and its length, never its words.
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_REFLECTION_ADD,
        target=portfolio,
        detail={"words": reflection.words},
        request=request,
    )
    return reflection


@transaction.atomic
def reflection_change(
    *,
    actor: User,
    reflection: Reflection,
    written_on: dt.date,
    title: str,
    text: str,
    request: HttpRequest | None = None,
) -> Reflection:
    portfolio = reflection.portfolio
    _require_editable(_locked(portfolio))
    reflection.written_on, reflection.title, reflection.text = written_on, title, text
    reflection.words = word_count(text)
    reflection.save(update_fields=["written_on", "title", "text", "words", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_REFLECTION_CHANGE,
        target=portfolio,
        detail={"words": reflection.words},
        request=request,
    )
    return reflection


@transaction.atomic
def reflection_delete(*, actor: User, reflection: Reflection, request: HttpRequest | None = None) -> None:
    portfolio = reflection.portfolio
    _require_editable(_locked(portfolio))
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_REFLECTION_DELETE,
        target=portfolio,
        detail={"words": reflection.words},
        request=request,
    )
    reflection.delete()


@transaction.atomic
def buddy_add(*, actor: User, portfolio: Portfolio, user: User, request: HttpRequest | None = None) -> Buddy:
    _require_editable(_locked(portfolio))
    if user.pk == portfolio.candidate_id:
        raise AccreditationError("A buddy observes you: choose someone else.")
    buddy, created = Buddy.objects.get_or_create(portfolio=portfolio, user=user)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.ACCREDITATION_BUDDY_ADD,
            target=portfolio,
            detail={"buddy": user.email},
            request=request,
        )
        _after_commit_send(
            to=[user.email],
            template="accreditation_buddy",
            context={"buddy": user, "candidate": portfolio.candidate, "portfolio": portfolio},
        )
    return buddy


@transaction.atomic
def observation_record(
    *,
    actor: User,
    portfolio: Portfolio,
    role: str,
    observed_on: dt.date,
    minutes: int,
    set_size: int | None,
    feedback: dict[str, dict[str, str]],
    summary: str = "",
    request: HttpRequest | None = None,
) -> Observation:
    _require_editable(_locked(portfolio))
    missing = [key for key, _, _ in AREAS if key not in feedback]
    if missing:
        raise AccreditationError(f"Give feedback on every area: {', '.join(missing)} is missing.")
    observation = Observation.objects.create(
        portfolio=portfolio,
        observer=actor,
        observer_name=str(actor),
        role=role,
        observed_on=observed_on,
        minutes=minutes,
        set_size=set_size,
        feedback={key: feedback[key] for key, _, _ in AREAS},
        summary=summary,
    )
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_OBSERVATION_RECORD,
        target=portfolio,
        detail={"role": role, "on": observed_on.isoformat()},
        request=request,
    )
    return observation


# --- assessment ------------------------------------------------------------------------------


@transaction.atomic
def portfolio_submit(
    *,
    actor: User,
    portfolio: Portfolio,
    note: str = "",
    accept_unmet: bool = False,
    request: HttpRequest | None = None,
) -> Submission:
    """Send the portfolio to the assessors. With requirements still unmet, only when the candidate says so."""
    _require_editable(_locked(portfolio))
    progress = progress_for(portfolio)
    if not progress.all_met and not accept_unmet:
        raise AccreditationError(
            "Some requirements are not met yet. Tick the box to submit anyway, with a note for the assessor."
        )
    resubmission = portfolio.status == Portfolio.Status.REFERRED
    number = (portfolio.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    submission = Submission.objects.create(
        portfolio=portfolio,
        number=number,
        submitted_by=actor,
        submitted_at=timezone.now(),
        requirements_met=progress.all_met,
        snapshot=progress.as_dict(),
        note=note,
    )
    portfolio.status = Portfolio.Status.SUBMITTED
    portfolio.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_PORTFOLIO_RESUBMIT
        if resubmission
        else AuditAction.ACCREDITATION_PORTFOLIO_SUBMIT,
        target=portfolio,
        detail={"submission": number, "requirements_met": progress.all_met},
        request=request,
    )
    return submission


@transaction.atomic
def portfolio_decide(
    *,
    actor: User,
    portfolio: Portfolio,
    outcome: str,
    feedback: str,
    request: HttpRequest | None = None,
) -> Submission:
    """An assessor's decision on the latest submission: pass (a credential is issued) or refer with feedback."""
    _locked(portfolio)
    if portfolio.status != Portfolio.Status.SUBMITTED:
        raise AccreditationError("Only a submitted portfolio can be decided on.")
    if portfolio.candidate_id == actor.pk:
        raise AccreditationError("An assessor cannot decide on their own portfolio.")
    if outcome not in Submission.Outcome.values:
        raise AccreditationError("Choose pass or refer.")
    if outcome == Submission.Outcome.REFER and not feedback.strip():
        raise AccreditationError("Say what the candidate needs to do before they resubmit.")
    submission = portfolio.submissions.order_by("-number").first()
    assert submission is not None, "a submitted portfolio has a submission"
    submission.outcome = outcome
    submission.feedback = feedback
    submission.decided_by = actor
    submission.decided_at = timezone.now()
    submission.save(update_fields=["outcome", "feedback", "decided_by", "decided_at", "updated_at"])
    passed = outcome == Submission.Outcome.PASS
    portfolio.status = Portfolio.Status.PASSED if passed else Portfolio.Status.REFERRED
    portfolio.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_PORTFOLIO_PASS if passed else AuditAction.ACCREDITATION_PORTFOLIO_REFER,
        target=portfolio,
        detail={"submission": submission.number},
        request=request,
    )
    credential = credential_issue(actor=actor, portfolio=portfolio, request=request) if passed else None
    _after_commit_send(
        to=[portfolio.candidate.email],
        template="accreditation_decision",
        context={
            "candidate": portfolio.candidate,
            "portfolio": portfolio,
            "submission": submission,
            "credential": credential,
            "verify_url": openbadges.credential_url(credential) if credential else "",
        },
    )
    return submission


# --- credentials -----------------------------------------------------------------------------


def credential_issue(*, actor: User, portfolio: Portfolio, request: HttpRequest | None = None) -> Credential:
    """Issue the certificate for a passed portfolio, and sign its credential when a signing key is configured.
    Called inside `portfolio_decide`'s transaction.

    Without a key the certificate is still recorded (the pass stands, the verification page and PDF work) and the
    credential waits unsigned until `credentials_sign_pending` runs with a key configured."""
    if hasattr(portfolio, "credential"):
        return portfolio.credential
    # The next free place in the status list. Two assessors passing two candidates at the same instant may pick
    # the same index: the unique constraint refuses the second, which takes the next one.
    for attempt in range(5):
        index = (Credential.objects.aggregate(n=Max("status_index"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    portfolio=portfolio,
                    recipient_name=portfolio.candidate.get_full_name() or portfolio.candidate.email,
                    award_name=portfolio.award.name,
                    issued_at=timezone.now().replace(microsecond=0),
                    status_index=index,
                    token="",
                    key_id="",
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    signed = signing.signing_available()
    if signed:
        _credential_sign(credential)
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_CREDENTIAL_ISSUE,
        target=credential,
        # The key's id is on the credential itself; the audit line stays short enough to read.
        detail={"award": portfolio.award.slug, "recipient": credential.recipient_name, "signed": signed},
        request=request,
    )
    return credential


def _credential_sign(credential: Credential) -> None:
    credential.token = openbadges.credential_sign(credential)
    credential.key_id = signing.public_jwk()["kid"]
    credential.save(update_fields=["token", "key_id", "updated_at"])


def credentials_sign_pending(*, actor: User | None = None) -> int:
    """Sign every credential recorded while no signing key was configured; how many were signed.

    Raises `SigningKeyMissing` when there is still no key. Safe to run again: signed credentials are left alone.
    """
    if not signing.signing_available():
        raise signing.SigningKeyMissing(
            "Set ACCREDITATION_SIGNING_KEY_FILE (or ACCREDITATION_SIGNING_KEY) first: there is no key to sign with."
        )
    count = 0
    for credential in Credential.objects.filter(token="").select_related("portfolio__candidate", "portfolio__award"):
        with transaction.atomic():
            _credential_sign(credential)
            audit_record(
                actor=actor,
                action=AuditAction.ACCREDITATION_CREDENTIAL_SIGNED,
                target=credential,
                detail={"key": credential.key_id},
            )
        count += 1
    return count


@transaction.atomic
def credential_revoke(
    *, actor: User, credential: Credential, reason: str, request: HttpRequest | None = None
) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.is_revoked:
        raise AccreditationError("This credential is already revoked.")
    if not reason.strip():
        raise AccreditationError("Give the reason: it is shown on the public verification page.")
    credential.revoked_at = timezone.now()
    credential.revocation_reason = reason.strip()
    credential.revoked_by = actor
    credential.save(update_fields=["revoked_at", "revocation_reason", "revoked_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCREDITATION_CREDENTIAL_REVOKE,
        target=credential,
        detail={"reason": credential.revocation_reason},
        request=request,
    )
    return credential
