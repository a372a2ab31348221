"""The shared cast of test users, used by every app's tests (in the spirit of healthchecks' BaseTestCase).

`cast` gives one signed-in user per role: anonymous aside, a participant, sponsor and admin of
organisation A, a participant of organisation B, and one provider user per staff role.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from actionset.accounts.models import User
from actionset.meetings.models import Meeting
from actionset.organisations.models import Organisation, Person
from actionset.programmes.models import Programme
from actionset.sets.models import LearningSet
from tests.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

ORG_ROLES = ("a_participant", "a_sponsor", "a_admin", "b_participant")
STAFF_ROLES = ("administrator", "designer", "facilitator", "developer", "trainer")
ROLES = ("anonymous", *ORG_ROLES, *STAFF_ROLES)


def pytest_configure(config: pytest.Config) -> None:
    # Credentials are signed only with a configured key outside demo mode (the suite runs with DEBUG off). The suite
    # makes one per run instead of publishing one; a test that needs no key takes it away.
    os.environ.setdefault("ACCREDITATION_SIGNING_KEY", _fresh_signing_key())


def _fresh_signing_key() -> str:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode()


@dataclass
class Cast:
    org_a: Organisation
    org_b: Organisation
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    #: Filled by the `programme_world` fixture.
    programme: Programme | None = None
    learning_set: LearningSet | None = None
    other_set: LearningSet | None = None
    meeting: Meeting | None = None

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


@pytest.fixture
def cast(db: Any) -> Cast:
    org_a = OrganisationFactory.create(name="Northwind Test")
    org_b = OrganisationFactory.create(name="Southfield Test")
    result = Cast(org_a=org_a, org_b=org_b)
    for role in STAFF_ROLES:
        result.users[role] = UserFactory.create(email=f"{role}@provider.test", staff_roles=[role])
    for role in ORG_ROLES:
        org = org_a if role.startswith("a_") else org_b
        user = UserFactory.create(email=f"{role}@org.test")
        person = PersonFactory.create(organisation=org, user=user, email=user.email, name=user.name, roles=[role[2:]])
        result.users[role] = user
        result.people[role] = person
    return result


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: Any) -> None:
    # Real password hashing costs a fifth of a second per user; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test signs in from 127.0.0.1; allauth's per-address limits would throttle the suite itself.
    # test_login.py checks the limits with them switched back on.
    settings.ACCOUNT_RATE_LIMITS = False
    # Mail is sent as soon as it is queued (core/email.py sends to a "mail" backend when there is one), so tests read
    # django.core.mail.outbox at once, while compositions stay queued for the stand-in workers of the browser tests.
    settings.TASKS = {**settings.TASKS, "mail": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Production serves hashed files built by collectstatic; tests read the source files directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def programme_world(cast: Cast) -> Cast:
    """A published programme in organisation A: `learning_set` has A's participant as a member and the
    provider facilitator as its facilitator; `other_set` has neither. A's sponsor sponsors the programme."""
    programme = ProgrammeFactory.create(organisation=cast.org_a, status="running", designer=cast.users["designer"])
    programme.sponsors.add(cast.people["a_sponsor"])
    learning_set = LearningSetFactory.create(programme=programme, name="Set 1")
    other_set = LearningSetFactory.create(programme=programme, name="Set 2")
    member = EnrolmentFactory.create(programme=programme, person=cast.people["a_participant"])
    MembershipFactory.create(learning_set=learning_set, enrolment=member)
    for _ in range(3):
        MembershipFactory.create(learning_set=learning_set)
        MembershipFactory.create(learning_set=other_set)
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=cast.users["facilitator"])
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    cast.programme = programme
    cast.learning_set = learning_set
    cast.other_set = other_set
    cast.meeting = MeetingFactory.create(learning_set=learning_set)
    MeetingFactory.create(learning_set=other_set)
    return cast
