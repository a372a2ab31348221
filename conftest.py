"""The shared cast of test users, used by every app's tests (in the spirit of healthchecks' BaseTestCase).

`cast` gives one signed-in user per role: anonymous aside, a participant, sponsor and admin of
organisation A, a participant of organisation B, and one provider user per staff role.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory, request: Any
) -> Iterator[None]:
    """Each xdist worker's in-memory SQLite test database is a copy of the first one's, migrated once per run.

    Migrating costs each worker about ten CPU-seconds (the data migrations, the cache table); the migrated database is
    the same for every worker, so the first to get there migrates and saves it, and the others copy it page by page.
    A single process (`-n 0`) and PostgreSQL migrate as before."""
    if not hasattr(request.config, "workerinput"):
        yield
        return
    from django.db.backends.sqlite3.creation import DatabaseCreation

    # Every worker's basetemp sits in the one the controller made for this run: shared, and gone with the run's.
    shared = tmp_path_factory.getbasetemp().parent
    migrate = DatabaseCreation.create_test_db

    def create_test_db(
        self: Any, verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> str:
        if keepdb or not self.is_in_memory_db(self._get_test_db_name()):
            return migrate(self, verbosity, autoclobber, serialize, keepdb)
        template = shared / f"migrated-{self.connection.alias}.sqlite3"
        with _exclusive(shared / f"migrated-{self.connection.alias}.lock"):
            if not template.exists():
                name: str = migrate(self, verbosity, autoclobber, serialize, keepdb)
                _sqlite_save(self.connection, template)
                return name
        return _sqlite_load(self, template, serialize)

    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseCreation.create_test_db = migrate  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's, and before the test database is dropped, the live meetings' listener lets its connection go
    (PostgreSQL refuses to drop a database someone is connected to), and so does any connection the browser tests'
    server left behind: each request thread of it has its own, kept open past the thread by persistent connections,
    and one left open had the worker's test database outlive the run."""
    yield
    from actionset.meetings.events import hub

    hub.stop()
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_save(connection: Any, path: Path) -> None:
    connection.ensure_connection()
    partial = path.with_suffix(".partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    partial.replace(path)


def _sqlite_load(creation: Any, path: Path, serialize: bool) -> str:
    """What `create_test_db` leaves behind (the settings pointing at the test database, a connection keeping the
    in-memory database alive), with the migrated database copied in instead of migrated again."""
    from django.conf import settings

    connection = creation.connection
    name: str = creation._create_test_db(0, autoclobber=True)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return name


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
    # WhiteNoise indexes every static file when its middleware starts, and the test client starts the middleware
    # afresh for each new Client: about a tenth of a second each, for thousands of clients. Autorefresh finds a file
    # when it is asked for instead, which is all a test needs.
    settings.WHITENOISE_AUTOREFRESH = True
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


#: The demo world as this process first built it: the whole SQLite database, or each table's rows on PostgreSQL.
#: Kept per process, so each xdist worker builds it once against its own test database.
_demo_snapshot: list[Any] = []


@pytest.fixture
def demo_world(transactional_db: Any, settings: Any, tmp_path_factory: pytest.TempPathFactory, request: Any) -> None:
    """The world `demo_seed` builds. Building it takes seconds, so the first test in a process builds it and keeps a
    copy of the database; later tests get the copy back, in a fraction of the time and row for row the same.

    On SQLite under xdist the first worker to need it also saves it for the others, whose databases are copies of the
    same migrated one (`django_db_modify_db_settings`): they load it instead of building it again."""
    if _demo_snapshot:
        _database_restore(connection, _demo_snapshot[0])
        return
    if connection.vendor != "sqlite" or not hasattr(request.config, "workerinput"):
        call_command("demo_seed", verbosity=0)
        _demo_snapshot.append(_database_copy(connection))
        return
    shared = tmp_path_factory.getbasetemp().parent
    saved = shared / "demo-world.sqlite3"
    with _exclusive(shared / "demo-world.lock"):
        if not saved.exists():
            call_command("demo_seed", verbosity=0)
            _sqlite_save(connection, saved)
            _demo_snapshot.append(_database_copy(connection))
            return
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    source = sqlite3.connect(saved)
    try:
        source.backup(copy)
    finally:
        source.close()
    _demo_snapshot.append(copy)
    _database_restore(connection, copy)


def _database_copy(connection: Any) -> Any:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The backup API copies the database page by page: every table, sequence and row exactly as it is.
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    rows: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for table in tables:
            # COPY moves each table as text, so every type comes back exactly as PostgreSQL wrote it.
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                rows[table] = b"".join(bytes(chunk) for chunk in copy)
    return rows


def _database_restore(connection: Any, snapshot: Any) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        snapshot.backup(connection.connection)
    else:
        tables = list(snapshot)
        with transaction.atomic(), connection.cursor() as cursor:
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
            for table, data in snapshot.items():
                if data:
                    with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                        copy.write(data)
            # Rows came back with their ids; the sequences must carry on after them, as after a build.
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in snapshot]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    # Content types came back with the ids the build gave them; forget any others a previous test cached.
    ContentType.objects.clear_cache()
