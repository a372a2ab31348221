"""What the system holds about one person: the one map that subject access reads and erasure works through.

A person is a login (`User`), the directory entries linked to it (`Person`, one per organisation), or a directory
entry without a login; their enrolments follow from the entries. Each `Section` names the rows that are the
person's own, found by the person's keys only (never by words), so nothing another person wrote reaches the
archive: the set's ground rules are the set's, a facilitator's notes the facilitator's. Rows are written out
field by field (`row`), every concrete field but secrets, so a field added to a model later is in the archive
without anyone remembering to add it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import EmailChange, Invitation, TwoFactorReset, User
from actionset.accreditation.models import (
    Buddy,
    Credential,
    EvidenceEntry,
    Observation,
    Portfolio,
    Reflection,
    Submission,
)
from actionset.core.models import AuditEvent
from actionset.evaluation.models import Answer, Notice, Response
from actionset.learning.models import Decision, JournalEntry, LeaderAnswer, SharedItem
from actionset.meetings.models import Attendance, CalendarFeed, FacilitatorNote, PresenterTurn
from actionset.organisations.models import OrganisationRole, Person, StaffRole
from actionset.programmes.models import Enrolment
from actionset.room.models import (
    Action,
    ActionReport,
    AirtimeBid,
    AirtimeNotes,
    AirtimeQuestion,
    CaseTake,
    CoachAnswer,
    ConsensusStatement,
    ContractAcknowledgement,
    ContractProposal,
    ContractProposalAnswer,
    ContractVersion,
    LearningReflection,
    ProcessReview,
    TrioPlace,
)
from actionset.sets.models import FacilitatorAssignment, Membership
from actionset.site.models import Enquiry
from actionset.training.models import Attendance as TrainingAttendance
from actionset.training.models import Booking

#: Never written out: secrets and the hashes of links, which are no one's information and would only help an attacker.
SECRET_FIELDS = frozenset({"password", "token_hash", "booking_token_hash", "archive"})


@dataclass(frozen=True)
class Subject:
    """One person, as the system knows them."""

    user: User | None
    people: tuple[Person, ...]

    @classmethod
    def of_user(cls, user: User) -> Subject:
        return cls(user=user, people=tuple(Person.objects.filter(user=user).order_by("pk")))

    @classmethod
    def of_person(cls, person: Person) -> Subject:
        if person.user_id is not None:
            return cls.of_user(person.user)  # type: ignore[arg-type]
        return cls(user=None, people=(person,))

    @property
    def person_ids(self) -> list[int]:
        return [p.pk for p in self.people]

    def enrolments(self) -> models.QuerySet[Enrolment]:
        return Enrolment.objects.filter(person__in=self.person_ids)

    @property
    def name(self) -> str:
        if self.user is not None:
            return str(self.user)
        return self.people[0].name if self.people else ""

    @property
    def emails(self) -> list[str]:
        found = {p.email for p in self.people}
        if self.user is not None:
            found.add(self.user.email)
        return sorted(e for e in found if e)

    def ids(self) -> list[str]:
        """The ids the audit log names this person by."""
        found = [str(p.public_id) for p in self.people]
        if self.user is not None:
            found.append(str(self.user.public_id))
        return found


Rows = Callable[[Subject], models.QuerySet[Any]]


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    model: type[models.Model]
    rows: Rows
    #: Fields left out of this section (beyond `SECRET_FIELDS`): someone else's words kept beside the person's.
    leave_out: frozenset[str] = field(default_factory=frozenset)


def _none(model: type[models.Model]) -> models.QuerySet[Any]:
    return model._default_manager.none()


def _enrolled(key: str, title: Any, model: type[models.Model], path: str) -> Section:
    """A section of the rows of `model` that `path` leads from to one of the person's enrolments."""
    return Section(key, title, model, lambda s: model._default_manager.filter(**{f"{path}__in": s.enrolments()}))


def _owned(key: str, title: Any, model: type[models.Model], path: str) -> Section:
    """A section of the rows of `model` that `path` leads from to the person's login (none without one)."""
    return Section(
        key, title, model, lambda s: model._default_manager.filter(**{path: s.user}) if s.user else _none(model)
    )


def _about(s: Subject) -> Q:
    return Q(target_type__in=("user", "person"), target_id__in=s.ids())


def _audit_about(s: Subject) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(_about(s))


def _audit_by(s: Subject) -> models.QuerySet[AuditEvent]:
    """What they did, without whom they did it to: the label and detail of an event name its target, who may be
    someone else (an organisation admin's edits of other people's directory entries)."""
    return AuditEvent.objects.filter(actor=s.user).exclude(_about(s)) if s.user else _none(AuditEvent)


def _invitations(s: Subject) -> models.QuerySet[Invitation]:
    found = Q(person__in=s.person_ids)
    if s.user is not None:
        found |= Q(email__iexact=s.user.email)
    return Invitation.objects.filter(found)


def _bookings(s: Subject) -> models.QuerySet[Booking]:
    return Booking.objects.filter(user=s.user) if s.user else _none(Booking)


def _enquiries(s: Subject) -> models.QuerySet[Enquiry]:
    return Enquiry.objects.filter(email__in=s.emails) if s.emails else _none(Enquiry)


def _airtime_questions(s: Subject) -> models.QuerySet[AirtimeQuestion]:
    """Questions the person asked, and those asked of them while they presented (the record of their airtime)."""
    mine = s.enrolments()
    return AirtimeQuestion.objects.filter(Q(asked_by__in=mine) | Q(notes__presenter__in=mine))


SECTIONS: tuple[Section, ...] = (
    Section("login", _("Your login"), User, lambda s: User.objects.filter(pk=s.user.pk) if s.user else _none(User)),
    Section("directory", _("Directory entries"), Person, lambda s: Person.objects.filter(pk__in=s.person_ids)),
    Section(
        "organisation_roles",
        _("Roles in organisations"),
        OrganisationRole,
        lambda s: OrganisationRole.objects.filter(person__in=s.person_ids),
    ),
    _owned("staff_roles", _("Staff roles"), StaffRole, "user"),
    Section("invitations", _("Invitations"), Invitation, _invitations),
    _owned("email_changes", _("Changes of sign-in address"), EmailChange, "user"),
    _owned("two_factor_resets", _("Two-factor help"), TwoFactorReset, "user"),
    _owned("calendar_feeds", _("Calendar feeds"), CalendarFeed, "user"),
    Section(
        "enrolments",
        _("Programme enrolments and availability"),
        Enrolment,
        lambda s: s.enrolments(),
    ),
    _enrolled("memberships", _("Set memberships"), Membership, "enrolment"),
    _owned("facilitating", _("Sets facilitated"), FacilitatorAssignment, "user"),
    _enrolled("attendance", _("Meeting attendance"), Attendance, "enrolment"),
    _enrolled("presenter_turns", _("Airtime given"), PresenterTurn, "enrolment"),
    _enrolled("actions", _("Your actions"), Action, "owner"),
    _enrolled("action_reports", _("Progress on your actions"), ActionReport, "action__owner"),
    _enrolled("airtime_bids", _("Airtime bids"), AirtimeBid, "enrolment"),
    _enrolled("airtime_notes", _("Notes of your airtime"), AirtimeNotes, "presenter"),
    Section(
        "airtime_questions",
        _("Questions you asked or were asked"),
        AirtimeQuestion,
        _airtime_questions,
        # Who asked a question of the presenter is the asker's to know.
        leave_out=frozenset({"asked_by"}),
    ),
    _enrolled("consensus", _("Your consensus statements"), ConsensusStatement, "author"),
    _enrolled("process_reviews", _("Your process reviews"), ProcessReview, "enrolment"),
    _enrolled("case_takes", _("Your takes on others' cases"), CaseTake, "author"),
    _enrolled("coach_answers", _("Your answers to the coach"), CoachAnswer, "enrolment"),
    _enrolled("learning_reflections", _("Your learning reflections"), LearningReflection, "enrolment"),
    _enrolled("trio_places", _("Your places in Troika trios"), TrioPlace, "enrolment"),
    _owned("contract_versions", _("Ground rules you wrote down"), ContractVersion, "changed_by"),
    _enrolled("contract_proposals", _("Changes to ground rules you proposed"), ContractProposal, "proposed_by"),
    _enrolled("contract_answers", _("Your answers on proposed ground rules"), ContractProposalAnswer, "enrolment"),
    _enrolled("contract_acknowledgements", _("Ground rules you acknowledged"), ContractAcknowledgement, "enrolment"),
    _enrolled("shared_items", _("What you proposed the set share"), SharedItem, "author"),
    Section(
        "sharing_decisions",
        _("Your decisions on what the set shares"),
        Decision,
        # Who recorded a decision the person gave in the room is named, as for the bids, actions and takes a
        # facilitator records for a member: the person sees the name on their home page, and where what is held about
        # them came from is theirs to know.
        lambda s: Decision.objects.filter(Q(enrolment__in=s.enrolments()) | (Q(user=s.user) if s.user else Q())),
    ),
    _owned("leader_answers", _("Your answers to sets' questions"), LeaderAnswer, "author"),
    _owned("journal", _("Your learning journal"), JournalEntry, "author"),
    _owned("facilitator_notes", _("Your private notes as a facilitator"), FacilitatorNote, "author"),
    _enrolled("survey_responses", _("Surveys you answered"), Response, "enrolment"),
    _enrolled("survey_answers", _("Your survey answers"), Answer, "response__enrolment"),
    _enrolled("survey_notices", _("Survey invitations and reminders"), Notice, "enrolment"),
    Section("bookings", _("Course bookings"), Booking, _bookings),
    Section(
        "course_attendance",
        _("Course attendance"),
        TrainingAttendance,
        lambda s: TrainingAttendance.objects.filter(booking__in=_bookings(s)),
    ),
    _owned("portfolios", _("Portfolios"), Portfolio, "candidate"),
    _owned("evidence", _("Portfolio evidence"), EvidenceEntry, "portfolio__candidate"),
    _owned("reflections", _("Reflective log"), Reflection, "portfolio__candidate"),
    _owned("observations", _("Observations of your practice"), Observation, "portfolio__candidate"),
    _owned("submissions", _("Submissions for assessment"), Submission, "portfolio__candidate"),
    _owned("credentials", _("Certificates"), Credential, "portfolio__candidate"),
    _owned("buddying", _("Portfolios you are a buddy on"), Buddy, "user"),
    Section("enquiries", _("Enquiries from your address"), Enquiry, _enquiries),
    Section("audit", _("Audit log events about you"), AuditEvent, _audit_about),
    Section(
        "audit_by",
        _("Audit log events of what you did"),
        AuditEvent,
        _audit_by,
        leave_out=frozenset({"target_label", "detail"}),
    ),
)


def _plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal | dt.timedelta):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def row(obj: models.Model, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every concrete field of `obj` but secrets; a related object by its label (which names no content)."""
    found: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS or f.name in leave_out or f.name == "id":
            continue
        if f.is_relation:
            # The label of a related object (a set's name, a meeting, a programme), never its content: the models'
            # `__str__` names no one's words (docs/architecture.md, "The Django admin").
            related_id = getattr(obj, f.attname)
            found[f.name] = None if related_id is None else str(getattr(obj, f.name))
            continue
        found[f.name] = _plain(f.value_from_object(obj))
    return found


def held(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Everything held about `subject`, section by section."""
    return {
        section.key: [row(obj, section.leave_out) for obj in section.rows(subject).order_by("pk")]
        for section in SECTIONS
    }
