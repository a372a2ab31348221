"""The canary: a secret word in every set-tier and personal-tier field, looked for on every page outsiders can reach.

Every text field of every model of ours is classified by tier below; a new text field that nobody has classified
fails `test_every_text_field_is_classified`. Each set-tier and personal-tier field then gets a word of its own, and
every URL of the access matrix (the Django admin's pages included, as far as the matrix lists them), the
exports in every format (CSV, XLSX, PDF — PDFs decoded to text) and the calendar feeds are requested as every role
that is not among the field's readers: sponsors, the organisation's admins, provider administrators and other
staff, another organisation, a member and a facilitator of the programme's other set. The word must appear on none.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.accreditation.models import EvidenceEntry, Observation, Reflection, Submission
from actionset.accreditation.tests.factories import portfolio_for
from actionset.evaluation.models import Answer, Item, Response
from actionset.evaluation.tests.factories import occasion
from actionset.learning.models import JournalEntry, SharedItem
from actionset.meetings.models import FacilitatorNote
from actionset.meetings.services import calendar_feed_create
from actionset.room.models import (
    Action,
    ActionReport,
    AirtimeNotes,
    AirtimeQuestion,
    CaseTake,
    CoachAnswer,
    ConsensusStatement,
    ContractProposal,
    ContractVersion,
    LearningReflection,
    ProcessReview,
    TrioNotes,
)
from conftest import ROLES, Cast
from tests.factories import (
    MeetingFactory,
)
from tests.matrix import all_cases
from tests.security.world import outsiders_of_the_set

# Tiers. The first three hold what the promise is about; the rest say why a field is not the canary's business.
SET = "set"  # what a set says and does: its members and facilitators
PERSONAL = "personal"  # one person's own: a journal, survey answers, a facilitator's private notes
PORTFOLIO = "portfolio"  # a candidate's evidence: the candidate and the provider's assessors
PROGRAMME = "programme"  # a programme's design, schedule, released learning: its organisation's overseers, staff
DIRECTORY = "directory"  # an organisation's people directory and its account details
PROVIDER = "provider"  # the provider's own records: audit log, pipeline, training bookings, instruments
PUBLIC = "public"  # published pages, the catalogue, credentials meant to be verified by anyone
SYSTEM = "system"  # codes, states, choices, hashes and keys: no one's words
SET_LINK = "set_link"  # where a set meets online (whoever holds it can join): the set's page's readers only

TIERS: dict[str, dict[str, str]] = {
    "core.AuditEvent": dict.fromkeys(("actor_email", "target_label", "detail"), PROVIDER)
    | dict.fromkeys(("action", "target_type", "target_id"), SYSTEM),
    # The scheduler's and the health checks' own records: names of processes and jobs, a task id.
    "core.Heartbeat": {"name": SYSTEM},
    "core.ScheduledJob": {"name": SYSTEM, "last_result_id": SYSTEM},
    "accounts.User": {"password": SYSTEM, "email": DIRECTORY, "name": DIRECTORY, "time_zone": SYSTEM},
    "accounts.Invitation": {"email": DIRECTORY, "token_hash": SYSTEM, "staff_roles": SYSTEM},
    "accounts.EmailChange": {"old_email": DIRECTORY, "new_email": DIRECTORY, "token_hash": SYSTEM},
    # An identity provider's configuration: the provider's administrators' (the secret only encrypted, never shown).
    "accounts.SingleSignOn": dict.fromkeys(("name", "issuer", "client_id", "domains", "check_message"), PROVIDER)
    | dict.fromkeys(("secret_encrypted", "secret_last4", "authorization_origin"), SYSTEM),
    "accounts.TwoFactorReset": {"email": DIRECTORY, "token_hash": SYSTEM},
    "organisations.Provider": {"name": PUBLIC, "contact_email": PUBLIC},
    "organisations.StaffRole": {"role": SYSTEM},
    "organisations.Organisation": {
        "name": PROGRAMME,
        "sector": PROGRAMME,
        "notes": PROVIDER,
        "attribute_names": DIRECTORY,
    },
    "organisations.Person": dict.fromkeys(("name", "email", "department", "level", "site", "attributes"), DIRECTORY),
    "organisations.OrganisationRole": {"role": SYSTEM},
    "programmes.Programme": dict.fromkeys(
        ("title", "aims", "brief_context", "brief_why", "brief_tried", "brief_success", "location"), PROGRAMME
    )
    | dict.fromkeys(("status", "mandate", "method", "format", "time_zone", "phase_minutes"), SYSTEM),
    "programmes.ProgrammeEvent": {"kind": SYSTEM, "title": PROGRAMME, "location": PROGRAMME},
    "programmes.Venue": {"name": PROGRAMME, "address": PROGRAMME},
    "programmes.EvaluationPoint": {"instrument": SYSTEM, "timing": SYSTEM},
    # Half-day slot codes, kept by the pool's keepers (designers and the organisation's admins).
    "programmes.Enrolment": {"availability": PROGRAMME},
    "sets.LearningSet": {"name": PROGRAMME, "slot": SYSTEM, "meeting_link": SET_LINK},
    "sets.FacilitatorAssignment": {"role": SYSTEM},
    # The engine's explanation names people and keep-apart pairs: the designers' board (redacted for others).
    "sets.CompositionRun": {"status": SYSTEM, "search": SYSTEM, "sizes": SYSTEM, "explanation": PROGRAMME},
    "room.ContractVersion": {"ground_rules": SET, "sharing_rule": SYSTEM},
    "room.ContractProposal": {"ground_rules": SET, "sharing_rule": SYSTEM, "status": SYSTEM},
    "room.Action": {"text": SET, "learning": SET, "status": SYSTEM},
    "room.ActionReport": {"learning": SET, "status": SYSTEM},
    "room.AirtimeNotes": {"issue": SET, "insights": SET, "question": SET},
    "room.CaseTake": {"text": SET},
    "room.CoachAnswer": {"doing_well": SET, "do_better": SET},
    "room.LearningReflection": {"text": SET},
    "room.TrioNotes": {"text": SET},
    "room.AirtimeQuestion": {"text": SET, "reason": SET, "label": SYSTEM},
    "room.ConsensusStatement": {"text": SET, "verdict": SYSTEM},
    "room.ProcessReview": {"helped": SET, "differently": SET},
    "meetings.Meeting": {"location": PROGRAMME, "status": SYSTEM},
    "meetings.FacilitatorPresence": {"role": SYSTEM},
    "meetings.CalendarFeed": {"token_hash": SYSTEM},
    "meetings.MeetingRun": {"method": SYSTEM},
    "meetings.PresenterTurn": {"phase_key": SYSTEM},
    "meetings.FacilitatorNote": {"text": PERSONAL},
    "meetings.Attendance": {"status": SYSTEM},
    "learning.JournalEntry": dict.fromkeys(
        ("title", "about_problem", "my_actions", "from_others", "how_set_worked", "about_myself", "notes"), PERSONAL
    ),
    # Set tier while the set decides; programme tier once released (the canary's item is still proposed).
    "learning.SharedItem": {"text": SET, "kind": SYSTEM, "status": SYSTEM, "released_under": SYSTEM},
    # Who recorded a decision in the room: a facilitator's name, which the programme already shows.
    "learning.Decision": {"verdict": SYSTEM, "recorded_by_name": PROGRAMME},
    "learning.LeaderAnswer": {"author_name": PROGRAMME, "text": PROGRAMME},
    "learning.Theme": {"name": PROGRAMME, "description": PROGRAMME},
    "evaluation.Instrument": dict.fromkeys(("name", "purpose", "licence", "credit"), PROVIDER)
    | {"code": SYSTEM, "scoring": SYSTEM},
    "evaluation.Scale": {"code": SYSTEM, "anchors": PROVIDER},
    "evaluation.Item": {"code": SYSTEM, "text": PROVIDER, "kind": SYSTEM, "subscale": PROVIDER},
    "evaluation.Occasion": {"timing": SYSTEM},
    "evaluation.Answer": {"text": PERSONAL},
    "evaluation.Notice": {"kind": SYSTEM},
    "training.Course": dict.fromkeys(("title", "summary", "description", "outcomes", "price_note"), PUBLIC)
    | {"slug": SYSTEM, "kind": SYSTEM, "develops": SYSTEM},
    "training.Cohort": {"name": PUBLIC, "status": SYSTEM},
    "training.CohortSession": {"title": PUBLIC, "venue": PUBLIC, "online_url": PROVIDER},
    "training.Booking": dict.fromkeys(("name", "email", "organisation_name", "cancel_reason"), PROVIDER)
    | {"status": SYSTEM, "source": SYSTEM},
    "training.Material": {"title": PROVIDER, "url": PROVIDER},
    "accreditation.Award": dict.fromkeys(("name", "summary", "criteria"), PUBLIC)
    | {"slug": SYSTEM, "course_kind": SYSTEM},
    "accreditation.Requirement": {"measure": SYSTEM, "kinds": SYSTEM, "label": PUBLIC},
    "accreditation.Portfolio": {"status": SYSTEM},
    "accreditation.EvidenceEntry": {"kind": SYSTEM, "organisation_name": PORTFOLIO, "supervisor": PORTFOLIO},
    "accreditation.Reflection": {"title": PORTFOLIO, "text": PORTFOLIO},
    "accreditation.Observation": dict.fromkeys(("observer_name", "feedback", "summary"), PORTFOLIO) | {"role": SYSTEM},
    "accreditation.Submission": dict.fromkeys(("snapshot", "note", "feedback"), PORTFOLIO) | {"outcome": SYSTEM},
    "accreditation.Credential": dict.fromkeys(("recipient_name", "award_name", "revocation_reason"), PUBLIC)
    | {"token": PUBLIC, "key_id": SYSTEM},
    "site.Page": dict.fromkeys(("title", "description", "body", "body_html"), PUBLIC)
    | {"kind": SYSTEM, "slug": SYSTEM},
    "site.Testimonial": dict.fromkeys(("quote", "person_name", "person_role", "organisation_name"), PUBLIC)
    | dict.fromkeys(("consent_given_by", "consent_method", "consent_note"), PROVIDER),
    "site.Enquiry": dict.fromkeys(
        (
            "organisation_name",
            "contact_name",
            "email",
            "phone",
            "role",
            "challenge",
            "held_reason",
            "next_step",
        ),
        PROVIDER,
    )
    | dict.fromkeys(("organisation_size", "timing", "stage", "booking_token_hash"), SYSTEM),
    "site.EnquiryNote": {"text": PROVIDER},
    "site.CallSlot": {"how": PROVIDER},
    # A subject-access archive is bytes (its download is the asker's alone: tests/matrix_privacy.py).
    "privacy.DataExport": {"status": SYSTEM},
    # Why the provider must keep someone's data (a claim, a tribunal): the administrators' record.
    "privacy.LegalHold": {"reason": PROVIDER},
    "privacy.RetentionPeriod": {"kind": SYSTEM},
}

#: Who may read each canaried tier in the canary's world (everyone else must never see it).
READERS = {
    SET: {"a_participant", "facilitator"},
    SET_LINK: {"a_participant", "facilitator", "designer"},
    PORTFOLIO: {"a_participant", "trainer"},
}
#: Personal fields belong to one person: whose, in the canary's world.
PERSONAL_OWNER = {"meetings.FacilitatorNote": "facilitator"}
CANARIED = (SET, SET_LINK, PERSONAL, PORTFOLIO)


def text_fields() -> Iterator[tuple[str, str]]:
    for model in apps.get_models():
        if not model.__module__.startswith("actionset."):
            continue
        for f in model._meta.get_fields():
            if f.concrete and isinstance(f, models.CharField | models.TextField | models.JSONField):
                yield model._meta.label, f.name


def test_every_text_field_is_classified() -> None:
    found = set(text_fields())
    classified = {(label, name) for label, fields in TIERS.items() for name in fields}
    assert found - classified == set(), "Classify these fields by tier in TIERS (and give set/personal a canary)"
    assert classified - found == set(), "TIERS names fields that no longer exist"


@dataclass(frozen=True)
class Canary:
    field: str  # "app.Model.field"
    word: str
    readers: frozenset[str]


def canaries() -> dict[str, Canary]:
    made = {}
    for label, fields in TIERS.items():
        for name, tier in fields.items():
            if tier not in CANARIED:
                continue
            readers = READERS.get(tier) or {PERSONAL_OWNER.get(label, "a_participant")}
            word = f"canary{secrets.token_hex(6)}"
            made[f"{label}.{name}"] = Canary(f"{label}.{name}", word, frozenset(readers))
    return made


def _plant(cast: Cast, words: dict[str, Canary]) -> None:
    """A set-tier and personal-tier object for every canaried field, in the cast's member set (A's participant and
    the cast's facilitator) and the participant's own journal, survey answers and portfolio."""
    assert cast.learning_set is not None
    assert cast.meeting is not None
    assert cast.programme is not None

    def w(field: str) -> str:
        return words[field].word

    learning_set, meeting = cast.learning_set, cast.meeting
    member = cast.people["a_participant"].enrolments.get(programme=cast.programme)
    later = MeetingFactory.create(learning_set=learning_set, number=2)
    learning_set.meeting_link = f"https://video.example.com/j/{w('sets.LearningSet.meeting_link')}"
    learning_set.save(update_fields=["meeting_link"])
    ContractVersion.objects.create(
        learning_set=learning_set,
        number=1,
        ground_rules=w("room.ContractVersion.ground_rules"),
        changed_by=cast.users["facilitator"],
    )
    ContractProposal.objects.create(
        learning_set=learning_set,
        based_on=1,
        ground_rules=w("room.ContractProposal.ground_rules"),
        proposed_by=member,
    ).electorate.set([member])
    action = Action.objects.create(
        learning_set=learning_set,
        owner=member,
        meeting=meeting,
        text=w("room.Action.text"),
        learning=w("room.Action.learning"),
    )
    ActionReport.objects.create(action=action, meeting=later, status="partly", learning=w("room.ActionReport.learning"))
    notes = AirtimeNotes.objects.create(
        meeting=meeting,
        presenter=member,
        issue=w("room.AirtimeNotes.issue"),
        insights=w("room.AirtimeNotes.insights"),
        question=w("room.AirtimeNotes.question"),
    )
    CaseTake.objects.create(meeting=meeting, case_giver=member, author=member, text=w("room.CaseTake.text"))
    CoachAnswer.objects.create(
        meeting=meeting,
        enrolment=member,
        rating=7,
        doing_well=w("room.CoachAnswer.doing_well"),
        do_better=w("room.CoachAnswer.do_better"),
    )
    LearningReflection.objects.create(meeting=meeting, enrolment=member, text=w("room.LearningReflection.text"))
    TrioNotes.objects.create(meeting=meeting, trio=1, text=w("room.TrioNotes.text"))
    AirtimeQuestion.objects.create(
        notes=notes, text=w("room.AirtimeQuestion.text"), reason=w("room.AirtimeQuestion.reason"), label="open"
    )
    ConsensusStatement.objects.create(meeting=meeting, author=member, text=w("room.ConsensusStatement.text"))
    ProcessReview.objects.create(
        meeting=meeting,
        enrolment=member,
        rating=7,
        helped=w("room.ProcessReview.helped"),
        differently=w("room.ProcessReview.differently"),
    )
    item = SharedItem.objects.create(
        learning_set=learning_set,
        meeting=meeting,
        kind=SharedItem.Kind.QUESTION,
        text=w("learning.SharedItem.text"),
        author=member,
    )
    item.electorate.set([m.enrolment for m in learning_set.memberships.all()])
    FacilitatorNote.objects.create(
        meeting=meeting, author=cast.users["facilitator"], text=w("meetings.FacilitatorNote.text")
    )
    JournalEntry.objects.create(
        author=cast.users["a_participant"],
        meeting=meeting,
        **{f: w(f"learning.JournalEntry.{f}") for f in TIERS["learning.JournalEntry"]},
    )

    survey = occasion(cast.programme)
    free_text = Item.objects.create(
        instrument=survey.instrument, position=99, code="anything-else", text="Anything else?", kind=Item.Kind.FREE_TEXT
    )
    response = Response.objects.create(occasion=survey, enrolment=member)
    Answer.objects.create(response=response, item=free_text, text=w("evaluation.Answer.text"))

    portfolio = portfolio_for(cast.users["a_participant"])
    today = timezone.localdate()
    EvidenceEntry.objects.create(
        portfolio=portfolio,
        kind="supervision",
        happened_on=today,
        minutes=60,
        organisation_name=w("accreditation.EvidenceEntry.organisation_name"),
        supervisor=w("accreditation.EvidenceEntry.supervisor"),
    )
    Reflection.objects.create(
        portfolio=portfolio,
        written_on=today,
        title=w("accreditation.Reflection.title"),
        text=w("accreditation.Reflection.text"),
        words=1,
    )
    Observation.objects.create(
        portfolio=portfolio,
        observer=cast.users["trainer"],
        observer_name=w("accreditation.Observation.observer_name"),
        role="assessor",
        observed_on=today,
        minutes=120,
        feedback={"contracting": {"rating": "secure", "comment": w("accreditation.Observation.feedback")}},
        summary=w("accreditation.Observation.summary"),
    )
    Submission.objects.create(
        portfolio=portfolio,
        number=1,
        submitted_by=cast.users["a_participant"],
        submitted_at=timezone.now(),
        requirements_met=False,
        snapshot={"note": w("accreditation.Submission.snapshot")},
        note=w("accreditation.Submission.note"),
        outcome="refer",
        feedback=w("accreditation.Submission.feedback"),
    )


def readable_text(response: Any) -> str:
    """What a person could read in a response: HTML and text as they are, PDFs as their text, XLSX as its cells."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        import pypdfium2

        pdf = pypdfium2.PdfDocument(body)
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
            return "\n".join(xlsx.read(name).decode("utf-8", "replace") for name in xlsx.namelist())
    return body.decode("utf-8", "replace")


#: The matrix's feed address is A's participant's own key (a calendar app cannot sign in): whoever holds it reads
#: that member's calendar. The feed carries the set's meeting link on purpose, for video clients' Join buttons
#: (docs/architecture.md, "Online sets"), so the link alone is let through there; every other set and personal
#: word is still looked for in it.
FEED_KEYS = {"meetings:calendar_feed"}
FEED_CARRIES = {"sets.LearningSet.meeting_link"}


def _requests(cast: Cast) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(label, method, URL, data) for every matrix URL, the directory export in each format, and the admin's pages."""
    for name, case in sorted(all_cases().items()):
        yield name, case.method, reverse(name, kwargs=case.kwargs(cast)), case.data(cast)
    for fmt in ("csv", "xlsx"):
        url = reverse("organisations:people_export", kwargs={"organisation": cast.org_a.public_id, "fmt": fmt})
        yield f"people export ({fmt})", "get", url, {}


def _own_feed(client: Client, who: str, cast: Cast) -> str | None:
    user = cast.users.get(who) if who in cast.users else None
    if user is None:
        return None
    return reverse("meetings:calendar_feed", kwargs={"token": calendar_feed_create(actor=user)})


#: Everyone outside the set: every role of the cast, and a member and a facilitator of the programme's other set.
OUTSIDERS = (*ROLES, "other_set_member", "other_set_facilitator")


# One test per outsider, so that the suite's workers share the walk; together they make over 2,000 requests.
@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_set_or_personal_word_reaches_anyone_outside_its_readers(programme_world: Cast, who: str) -> None:
    cast = programme_world
    words = canaries()
    _plant(cast, words)
    client = outsiders_of_the_set(cast)[who]
    found: list[str] = []
    requested = 0
    secrets_for_them = [c for c in words.values() if who not in c.readers]
    pages = list(_requests(cast))
    feed = _own_feed(client, who, cast)
    if feed:
        pages.append(("own calendar feed", "get", feed, {}))
    for label, method, url, data in pages:
        # Each request sees the world as planted: one request's posting must not hide a leak from the next.
        with transaction.atomic():
            response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
        requested += 1
        if response.status_code >= 500:
            found.append(f"{label} as {who}: HTTP {response.status_code}")
            continue
        text = readable_text(response)
        found += [
            f"{label} as {who}: {c.field}"
            for c in secrets_for_them
            if c.word in text and not (label in FEED_KEYS and c.field in FEED_CARRIES)
        ]
    assert requested * len(OUTSIDERS) > 2000
    assert found == []


def test_the_canary_is_found_where_its_readers_look(programme_world: Cast) -> None:
    """The canary can sing: the member sees the set's words and their own journal, the assessor the portfolio."""
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    words = canaries()
    _plant(cast, words)
    member = cast.client("a_participant")
    contract = member.get(reverse("setwork:contract", kwargs={"learning_set": cast.learning_set.public_id}))
    assert words["room.ContractVersion.ground_rules"].word in readable_text(contract)
    journal = member.get(reverse("learning:journal_export_pdf"))
    assert words["learning.JournalEntry.about_myself"].word in readable_text(journal)
    portfolio = portfolio_for(cast.users["a_participant"])
    export = cast.client("trainer").get(reverse("accreditation:export_pdf", kwargs={"portfolio": portfolio.public_id}))
    assert words["accreditation.Reflection.title"].word in readable_text(export)
    notes = cast.client("facilitator").get(reverse("live:notes", kwargs={"meeting": cast.meeting.public_id}))
    assert words["meetings.FacilitatorNote.text"].word in readable_text(notes)
