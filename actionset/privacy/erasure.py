"""Erasing a person: what is theirs goes, what others need keeps its shape.

A set's history must still read: that a member presented, owned an action, rated a meeting, answered a survey. So
rows that others' records or the programme's figures count stay, emptied of the person's words and naming "a former
member"; what is theirs alone (a journal, private notes, portfolio evidence, calendar feeds, invitations, sign-in
records) is deleted. The login and directory entries stay as anonymous husks, so memberships, enrolments and survey
responses keep counting and every foreign key still holds. The audit log keeps that an erasure happened and how many
rows it touched, never what they said, and every earlier event is scrubbed of the person's address and name.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from actionset.accounts.models import EmailChange, Invitation, TwoFactorReset, User
from actionset.accounts.sessions import sessions_end
from actionset.accreditation.models import (
    Buddy,
    Credential,
    EvidenceEntry,
    Observation,
    Portfolio,
    Reflection,
    Submission,
)
from actionset.core.audit import AuditAction, audit_record
from actionset.core.models import AuditEvent
from actionset.evaluation.models import Answer
from actionset.learning.models import Decision, JournalEntry, LeaderAnswer, SharedItem
from actionset.meetings.models import CalendarFeed, FacilitatorNote
from actionset.organisations.models import OrganisationRole, Person, StaffRole
from actionset.organisations.services import account_change_refusal
from actionset.programmes.models import Enrolment, Programme
from actionset.room.models import (
    Action,
    ActionReport,
    AirtimeNotes,
    AirtimeQuestion,
    CaseTake,
    CoachAnswer,
    ConsensusStatement,
    ContractProposal,
    LearningReflection,
    ProcessReview,
)
from actionset.sets.models import CompositionRun
from actionset.site.models import Enquiry
from actionset.training.models import Booking

from .held import Subject
from .models import DataExport
from .services import holds_on


class ErasureRefused(Exception):
    """Why a person's data may not be erased now, in words for the administrator."""


def erasure_refusal(*, actor: User, subject: Subject) -> str | None:
    if subject.user is not None and subject.user.pk == actor.pk:
        return _("You cannot erase your own data: ask another administrator.")
    if holds_on(subject):
        return _("A legal hold stands on this person's data. Release it first, if it no longer applies.")
    if subject.user is not None:
        if Portfolio.objects.filter(candidate=subject.user, status=Portfolio.Status.SUBMITTED).exists():
            return _("Their portfolio is with an assessor. Wait for the decision first.")
        if subject.user.is_active and account_change_refusal(actor=actor, user=subject.user):
            # The last active administrator, for one: erasing them would lock the provider out.
            return account_change_refusal(actor=actor, user=subject.user)
    return None


@dataclass
class Erased:
    """How many rows each step touched: what the audit event keeps."""

    counts: dict[str, int]


def _former_member() -> str:
    return _("A former member")


def _erased() -> str:
    return _("(erased)")


def _blank_address() -> str:
    # Unique per row (directories require one address per person), and undeliverable by design (RFC 2606).
    return f"erased-{secrets.token_hex(8)}@erased.invalid"


def _scrub(text: str, terms: list[str], replacement: str) -> str:
    for term in terms:
        text = _replace_folded(text, term, replacement)
    return text


def _replace_folded(text: str, term: str, replacement: str) -> str:
    lower, needle = text.lower(), term.lower()
    out, start = [], 0
    while (found := lower.find(needle, start)) >= 0:
        out.append(text[start:found])
        out.append(replacement)
        start = found + len(term)
    out.append(text[start:])
    return "".join(out)


def _mentioning(queryset: models.QuerySet, fields: list[str], terms: list[str]) -> models.QuerySet:
    match = Q()
    for term in terms:
        for name in fields:
            match |= Q(**{f"{name}__icontains": term})
    return queryset.filter(match) if terms else queryset.none()


def _terms(subject: Subject) -> list[str]:
    """What names the person in free text: their addresses and names (a name of fewer than four letters would match
    too much of other people's words, so only the addresses find those)."""
    names = {p.name for p in subject.people}
    if subject.user is not None:
        names.add(subject.user.name)
    found = set(subject.emails) | {n for n in names if len(n.strip()) >= 4}
    # The longest first, so "Sam Jones" is replaced whole before "Sam Jones"'s shorter neighbours.
    return sorted(found, key=len, reverse=True)


def person_erase(*, actor: User, subject: Subject, request: HttpRequest | None = None) -> Erased:
    """Erase `subject`, or raise `ErasureRefused` saying why not."""
    counts: dict[str, int] = {}

    def did(name: str, n: int) -> None:
        counts[name] = counts.get(name, 0) + n

    with transaction.atomic():
        if subject.user is not None:
            # Serialise with deactivation and with another erasure of the same person.
            User.objects.select_for_update().filter(pk=subject.user.pk).first()
        refusal = erasure_refusal(actor=actor, subject=subject)
        if refusal:
            raise ErasureRefused(refusal)
        terms = _terms(subject)
        former, erased = _former_member(), _erased()
        enrolments = Enrolment.objects.filter(person__in=subject.person_ids)
        user = subject.user

        # What the set said and did: rows stay for the shape of the conversation, the person's words go.
        did("actions", Action.objects.filter(owner__in=enrolments).update(text=erased, learning=erased))
        did("action_reports", ActionReport.objects.filter(action__owner__in=enrolments).update(learning=erased))
        did(
            "airtime_notes",
            AirtimeNotes.objects.filter(presenter__in=enrolments).update(
                issue=erased, insights=erased, question=erased
            ),
        )
        did("case_takes", CaseTake.objects.filter(author__in=enrolments).update(text=erased))
        did(
            "coach_answers",
            CoachAnswer.objects.filter(enrolment__in=enrolments).update(doing_well=erased, do_better=erased),
        )
        did("learning_reflections", LearningReflection.objects.filter(enrolment__in=enrolments).update(text=erased))
        did(
            "airtime_questions",
            AirtimeQuestion.objects.filter(Q(notes__presenter__in=enrolments) | Q(asked_by__in=enrolments)).update(
                text=erased, reason=""
            ),
        )
        did("consensus", ConsensusStatement.objects.filter(author__in=enrolments).update(text=erased))
        did(
            "process_reviews",
            ProcessReview.objects.filter(enrolment__in=enrolments).update(helped=erased, differently=erased),
        )
        did("shared_items", SharedItem.objects.filter(author__in=enrolments).update(text=erased, show_author=False))
        did(
            "contract_proposals",
            ContractProposal.objects.filter(proposed_by__in=enrolments).update(ground_rules=erased),
        )
        # Survey figures keep their counts and scores; the free text was the person's own words.
        did(
            "survey_answers", Answer.objects.filter(response__enrolment__in=enrolments).exclude(text="").update(text="")
        )
        # The keep-apart lists that name them, and their own.
        did("keep_apart", Enrolment.keep_apart.through.objects.filter(person__in=subject.person_ids).delete()[0])
        did("keep_apart", Enrolment.keep_apart.through.objects.filter(enrolment__in=enrolments).delete()[0])
        for programme in Programme.objects.filter(sponsors__in=subject.person_ids).distinct():
            programme.sponsors.remove(*subject.people)
            did("sponsorships", 1)

        if user is not None:
            did("journal_entries", JournalEntry.objects.filter(author=user).delete()[0])
            did("facilitator_notes", FacilitatorNote.objects.filter(author=user).delete()[0])
            did("calendar_feeds", CalendarFeed.objects.filter(user=user).delete()[0])
            did("email_changes", EmailChange.objects.filter(user=user).delete()[0])
            did("two_factor_resets", TwoFactorReset.objects.filter(user=user).delete()[0])
            # Their portfolio: the evidence goes; the portfolio and a certificate stay as records that an award was
            # made, to nobody anyone can name.
            did("evidence", EvidenceEntry.objects.filter(portfolio__candidate=user).delete()[0])
            did("reflections", Reflection.objects.filter(portfolio__candidate=user).delete()[0])
            did("observations", Observation.objects.filter(portfolio__candidate=user).delete()[0])
            did("buddies", Buddy.objects.filter(Q(portfolio__candidate=user) | Q(user=user)).delete()[0])
            did(
                "submissions",
                Submission.objects.filter(portfolio__candidate=user).update(snapshot={}, note=erased, feedback=""),
            )
            did(
                "credentials",
                Credential.objects.filter(portfolio__candidate=user).update(recipient_name=former, token=""),
            )
            # Where others' records carry their name as text.
            did("decisions", Decision.objects.filter(recorded_by=user).update(recorded_by_name=former))
            did("leader_answers", LeaderAnswer.objects.filter(author=user).update(author_name=former))
            did("observations_given", Observation.objects.filter(observer=user).update(observer_name=former))
            did(
                "bookings",
                sum(
                    Booking.objects.filter(pk=b.pk).update(
                        name=former, email=_blank_address(), organisation_name="", cancel_reason=""
                    )
                    for b in Booking.objects.filter(user=user)
                ),
            )
            did("staff_roles", StaffRole.objects.filter(user=user).delete()[0])
            did("sessions", sessions_end(user=user))
            EmailAddress.objects.filter(user=user).delete()
            Authenticator.objects.filter(user=user).delete()
            user.email = _blank_address()
            user.name = former
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["email", "name", "is_active", "password"])

        did(
            "invitations",
            Invitation.objects.filter(Q(person__in=subject.person_ids) | Q(email__in=subject.emails)).delete()[0],
        )
        exports = Q(subject_person__in=subject.person_ids)
        if user is not None:
            exports |= Q(subject_user=user)
        did("data_exports", DataExport.objects.filter(exports).delete()[0])
        for enquiry in Enquiry.objects.filter(email__in=subject.emails):
            enquiry.contact_name, enquiry.email, enquiry.phone, enquiry.role = former, _blank_address(), "", ""
            enquiry.save(update_fields=["contact_name", "email", "phone", "role"])
            did("enquiries", 1)
        did("organisation_roles", OrganisationRole.objects.filter(person__in=subject.person_ids).delete()[0])
        Person.objects.filter(line_manager__in=subject.person_ids).update(line_manager=None)
        for person in Person.objects.filter(pk__in=subject.person_ids):
            person.name = former
            person.email = _blank_address()
            person.department = person.level = person.site = ""
            person.attributes = {}
            person.line_manager = None
            person.save(
                update_fields=[
                    "name",
                    "email",
                    "department",
                    "level",
                    "site",
                    "attributes",
                    "line_manager",
                    "updated_at",
                ]
            )
            did("directory_entries", 1)

        # Mail to or about them waiting in the queue's table, or kept there a while after sending: it holds their
        # address and name in the rendered text.
        queued = DBTaskResult.objects.annotate(text=Cast("args_kwargs", TextField()))
        did(
            "queued_mail",
            DBTaskResult.objects.filter(pk__in=_mentioning(queued, ["text"], terms).values("pk")).delete()[0],
        )

        # Free text elsewhere that names them: the composition engine's explanations and the audit log.
        for run in _mentioning(CompositionRun.objects.all(), ["explanation"], terms):
            run.explanation = _scrub(run.explanation, terms, former)
            run.save(update_fields=["explanation"])
            did("composition_runs", 1)
        events = AuditEvent.objects.annotate(detail_text=Cast("detail", TextField()))
        about = Q(target_type__in=("user", "person"), target_id__in=subject.ids())
        mentioning = _mentioning(events, ["detail_text", "target_label", "actor_email"], terms).values("pk")
        for event in events.filter(about | Q(pk__in=mentioning)):
            about_them = event.target_type in ("user", "person") and event.target_id in subject.ids()
            event.detail = {} if about_them else json.loads(_scrub(json.dumps(event.detail), terms, former))
            event.target_label = former if about_them else _scrub(event.target_label, terms, former)
            event.actor_email = _scrub(event.actor_email, terms, "")
            event.save(update_fields=["detail", "target_label", "actor_email"])
            did("audit_events", 1)

        target = user if user is not None else Person.objects.get(pk=subject.people[0].pk)
        audit_record(
            actor=actor, action=AuditAction.PERSON_ERASED, target=target, detail={"rows": counts}, request=request
        )
    return Erased(counts=counts)
