"""Two people with a canary in every field of theirs, for the subject-access and erasure tests.

The set-tier, personal-tier and portfolio words come from the canary test's own classification and planting
(`tests/security/test_canary.py`), so a field added there is covered here without anyone remembering to: a word
the canary makes is expected in its owner's archive (and gone after their erasure) unless it is listed in
`NOT_THEIRS`. Directory-tier fields (a login's and a directory entry's) get words here, and the test checks that
every one the classification knows is planted.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

from actionset.accounts.models import EmailChange, Invitation, TwoFactorReset, User, new_token
from actionset.core.audit import AuditAction, audit_record
from actionset.evaluation.models import Item
from actionset.organisations.models import Person
from actionset.training.tests.factories import BookingFactory
from conftest import Cast
from tests.factories import EnrolmentFactory, MembershipFactory, PersonFactory, UserFactory
from tests.security import test_canary as canary

#: Canaried fields planted in the subject's world that are someone else's: the set's agreed ground rules (written
#: down by its facilitator), where the set meets online, the facilitator's private notes, and a Troika trio's notes
#: (the trio's together, written by whichever of them held the pen).
NOT_THEIRS = frozenset(
    {
        "room.ContractVersion.ground_rules",
        "sets.LearningSet.meeting_link",
        "meetings.FacilitatorNote.text",
        "room.TrioNotes.text",
    }
)

#: Provider-tier fields that are about the person: their course bookings, and the audit log's events about them.
ABOUT_THEM = ("training.Booking.name", "training.Booking.email", "training.Booking.organisation_name")


@dataclass
class Planted:
    user: User
    person: Person
    #: field ("app.Model.field") -> the word planted in it for this person.
    words: dict[str, str]

    def theirs(self) -> dict[str, str]:
        return {f: w for f, w in self.words.items() if f not in NOT_THEIRS}


#: Directory-tier fields that are no one person's: the names of the attributes an organisation records.
NOT_A_PERSONS = frozenset({"organisations.Organisation.attribute_names"})


def directory_fields() -> set[str]:
    """Every directory-tier field of a person's (their login's and their directory entries')."""
    found = {
        f"{label}.{name}"
        for label, fields in canary.TIERS.items()
        for name, tier in fields.items()
        if tier == canary.DIRECTORY
    }
    return found - NOT_A_PERSONS


def _word() -> str:
    return f"canary{secrets.token_hex(6)}"


def _plant_directory(user: User, person: Person) -> dict[str, str]:
    words = {f: _word() for f in directory_fields() | set(ABOUT_THEM)}
    words |= {"core.AuditEvent.detail": _word()}

    def address(field: str) -> str:
        return f"{words[field]}@example.test"

    user.email, user.name = address("accounts.User.email"), words["accounts.User.name"]
    user.save(update_fields=["email", "name"])
    person.name, person.email = words["organisations.Person.name"], address("organisations.Person.email")
    person.department = words["organisations.Person.department"]
    person.level, person.site = words["organisations.Person.level"], words["organisations.Person.site"]
    person.attributes = {"profession": words["organisations.Person.attributes"]}
    person.save()
    later = Invitation.default_expiry()
    Invitation.objects.create(
        email=address("accounts.Invitation.email"),
        person=person,
        organisation=person.organisation,
        token_hash=new_token()[1],
        expires_at=later,
    )
    EmailChange.objects.create(
        user=user,
        token_hash=new_token()[1],
        expires_at=later,
        old_email=address("accounts.EmailChange.old_email"),
        new_email=address("accounts.EmailChange.new_email"),
    )
    TwoFactorReset.objects.create(
        user=user, token_hash=new_token()[1], expires_at=later, email=address("accounts.TwoFactorReset.email")
    )
    BookingFactory.create(
        user=user,
        name=words["training.Booking.name"],
        email=address("training.Booking.email"),
        organisation_name=words["training.Booking.organisation_name"],
    )
    audit_record(
        actor=None, action=AuditAction.PERSON_UPDATED, target=person, detail={"note": words["core.AuditEvent.detail"]}
    )
    return words


def subject_and_other(cast: Cast) -> tuple[Planted, Planted]:
    """A's participant (the subject, in the cast's set) and a member of the programme's other set, each with a
    canary of their own in every field the classification canaries, and in their directory entries."""
    assert cast.programme is not None
    assert cast.other_set is not None
    words = canary.canaries()
    canary._plant(cast, words)
    subject = Planted(
        cast.users["a_participant"],
        cast.people["a_participant"],
        {f: c.word for f, c in words.items()},
    )
    subject.words |= _plant_directory(subject.user, subject.person)

    other_user = UserFactory.create()
    other_person = PersonFactory.create(organisation=cast.org_a, user=other_user, email=other_user.email)
    MembershipFactory.create(
        learning_set=cast.other_set, enrolment=EnrolmentFactory.create(programme=cast.programme, person=other_person)
    )
    other_meeting = cast.other_set.meetings.get()
    elsewhere = dataclasses.replace(
        cast,
        users={**cast.users, "a_participant": other_user},
        people={**cast.people, "a_participant": other_person},
        learning_set=cast.other_set,
        meeting=other_meeting,
    )
    # The canary's free-text survey item is added once per instrument.
    Item.objects.filter(code="anything-else").update(code="anything-else-before")
    other_words = canary.canaries()
    canary._plant(elsewhere, other_words)
    other = Planted(other_user, other_person, {f: c.word for f, c in other_words.items()})
    other.words |= _plant_directory(other_user, other_person)
    return subject, other
