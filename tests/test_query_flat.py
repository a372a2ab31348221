"""Every main page of every role costs the same number of queries at demo scale and with ten times the data.

One world is built per module: the demo world (every role, with held meetings, journals, shared items, survey answers,
training and portfolios) and a second published programme beside Northwind's, so that every list a page shows holds
at least one row at demo scale (a prefetch for an empty list makes no query, which would read as growth). Each page is
measured as each role that reaches it from the navigation; then the world grows about tenfold in everything those
pages list or count (organisations, people, programmes, enrolments, sets with members and facilitators, held meetings
with actions, progress reports, airtime and reviews, journal entries, released shared items and themes, survey
answers, training cohorts and bookings, portfolio evidence, staff and audit events), and each page is measured again.
A page whose count changed fails, naming the queries that grew.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import User
from actionset.accreditation import services as accreditation
from actionset.accreditation.models import EntryKind, Portfolio
from actionset.core.models import AuditEvent
from actionset.evaluation.demo import _answer
from actionset.evaluation.models import Occasion
from actionset.evaluation.services import occasions_sync
from actionset.learning import services as learning
from actionset.learning.demo import _item
from actionset.learning.models import SharedItem, Theme
from actionset.meetings.models import Meeting
from actionset.organisations.demo import OrgShape, build_organisation
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole
from actionset.programmes.models import Enrolment, Programme
from actionset.room.demo import build_set_history
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership
from actionset.training.demo import RUNNING_FOUNDATION_COHORT
from actionset.training.models import Booking, Cohort, CohortSession, Course

#: The demo logins, by the role each plays here.
LOGINS = {
    "administrator": "admin@provider.example",
    "designer": "designer@provider.example",
    "facilitator": "facilitator@provider.example",
    "developer": "developer@provider.example",
    "trainer": "trainer@provider.example",
    "org_admin": "orgadmin@northwind.example",
    "sponsor": "sponsor@northwind.example",
    "participant": "participant@northwind.example",
    "b_participant": "participant@southfield.example",
    "candidate": "jess.lowe@northwind.example",
}
EVERYONE = tuple(LOGINS)
STAFF = ("administrator", "designer", "facilitator", "developer", "trainer")
CLIENT_LEADS = ("org_admin", "sponsor")

#: How much the world grows: about ten times what the demo holds of everything the pages show.
TIMES = 10


@dataclass
class World:
    """The objects the pages are about, found in the demo world."""

    northwind: Organisation
    programme: Programme
    sam_set: LearningSet
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


def _own_portfolio(world: World, role: str) -> str:
    portfolio = Portfolio.objects.filter(candidate=world.user(role)).order_by("created_at").first()
    if portfolio is None:  # an assessor reads a candidate's
        portfolio = Portfolio.objects.filter(candidate=world.user("candidate")).order_by("created_at").first()
    assert portfolio is not None
    return reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id})


def _cohort(world: World, role: str) -> str:
    booking = Booking.objects.filter(user=world.user(role)).order_by("created_at").first()
    cohort = booking.cohort if booking else Cohort.objects.get(name=RUNNING_FOUNDATION_COHORT)
    return reverse("training:cohort", kwargs={"cohort": cohort.public_id})


def _survey(world: World, role: str) -> str:
    occasion = Occasion.objects.filter(programme=world.programme).order_by("opens_on").first()
    assert occasion is not None
    return reverse("evaluation:respond", kwargs={"occasion": occasion.public_id})


def _theme(world: World, role: str) -> str:
    theme = Theme.objects.order_by("name").first()
    assert theme is not None
    return reverse("learning:theme", kwargs={"theme": theme.public_id})


def _programme(name: str) -> Callable[[World, str], str]:
    return lambda world, role: reverse(name, kwargs={"programme": world.programme.public_id})


def _organisation(name: str) -> Callable[[World, str], str]:
    return lambda world, role: reverse(name, kwargs={"organisation": world.northwind.public_id})


def _set(name: str) -> Callable[[World, str], str]:
    return lambda world, role: reverse(name, kwargs={"learning_set": world.sam_set.public_id})


def _plain(name: str) -> Callable[[World, str], str]:
    return lambda world, role: reverse(name)


#: Every main page (bench/web.py's MAIN_PAGES and the list and detail pages each role's navigation leads to): how to
#: find its address in the demo world, and who reaches it.
PAGES: dict[str, tuple[Callable[[World, str], str], tuple[str, ...]]] = {
    "home": (_plain("core:home"), EVERYONE),
    "programme list": (_plain("programmes:list"), (*STAFF, *CLIENT_LEADS)),
    "programme": (_programme("programmes:detail"), (*STAFF, *CLIENT_LEADS)),
    "pool": (_programme("programmes:pool"), ("designer", "org_admin")),
    "set board": (_programme("sets:board"), ("designer",)),
    "set": (_set("sets:detail"), ("designer", "facilitator", "participant")),
    "schedule": (_programme("meetings:schedule"), ("designer", "org_admin", "sponsor")),
    "calendar": (_plain("meetings:calendar"), EVERYONE),
    "journal": (_plain("learning:journal"), ("designer", "facilitator", "trainer", "participant", "b_participant")),
    "shared index": (_plain("learning:shared_index"), CLIENT_LEADS),
    "set's shared items": (_set("learning:sharing"), ("facilitator", "participant")),
    "programme's shared items": (_programme("learning:programme"), (*CLIENT_LEADS, "developer")),
    "themes": (_plain("learning:themes"), ("developer",)),
    "theme": (_theme, ("developer",)),
    "results": (_programme("evaluation:dashboard"), ("designer", *CLIENT_LEADS)),
    "surveys": (_plain("evaluation:surveys"), ("participant", "b_participant")),
    "survey": (_survey, ("participant",)),
    "staff list": (_plain("staff:list"), ("administrator",)),
    "organisations": (_plain("organisations:list"), (*STAFF, *CLIENT_LEADS)),
    "organisation": (_organisation("organisations:detail"), (*STAFF, *CLIENT_LEADS)),
    "people": (_organisation("organisations:people"), ("administrator", "designer", "developer", "org_admin")),
    "portfolios": (_plain("accreditation:mine"), ("designer", "facilitator", "trainer", "participant", "candidate")),
    "portfolio": (_own_portfolio, ("trainer", "participant", "candidate")),
    "assessments": (_plain("accreditation:assessments"), ("trainer",)),
    "training bookings": (_plain("training:my_bookings"), ("facilitator", "participant", "candidate")),
    "training manage": (_plain("training:manage"), ("administrator", "trainer")),
    "cohort": (_cohort, ("administrator", "trainer", "participant", "candidate")),
    "audit log": (_plain("core:audit"), ("administrator",)),
}
CASES = [(role, page) for page, (_, roles) in PAGES.items() for role in roles]

# The module's world lives in one transaction of its own (see `measured`); the mark has the test database set up.
pytestmark = pytest.mark.django_db


@dataclass
class Measure:
    url: str
    small: list[str]
    large: list[str] | None = None


def _queries(client: Client, url: str) -> list[str]:
    """The page's queries; a page that does not answer 200 has none, so that its test says so."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        return [f"(answered {response.status_code})"]
    return [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    """A query with its literal values taken out, so that the same query for another row reads the same."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((\?, )+\?\)", "(…)", sql)


def _growth(small: list[str], large: list[str]) -> str:
    more = Counter(map(_shape, large)) - Counter(map(_shape, small))
    fewer = Counter(map(_shape, small)) - Counter(map(_shape, large))
    lines = [f"  +{n}  {sql[:400]}" for sql, n in more.most_common()]
    lines += [f"  -{n}  {sql[:400]}" for sql, n in fewer.most_common()]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[tuple[str, str], Measure]]:
    """Every (role, page)'s queries at demo scale and after growth, measured in one transaction rolled back after."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ACCOUNT_RATE_LIMITS=False,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ),
        transaction.atomic(),
    ):
        call_command("demo_seed", verbosity=0)
        world = _find_world()
        _programme_beside(world, 0)
        _one_of_each(world)
        clients = {}
        for role, email in LOGINS.items():
            clients[role] = Client()
            clients[role].force_login(User.objects.get(email=email))
        results: dict[tuple[str, str], Measure] = {}
        for role, page in CASES:
            url = PAGES[page][0](world, role)
            _queries(clients[role], url)  # the first request fills per-process caches (content types, sessions)
            results[(role, page)] = Measure(url, _queries(clients[role], url))
        _grow(world)
        for measure_key, measure in results.items():
            # As at demo scale, after one request: the first after the data changed also rebuilds what is kept per
            # person until it changes (the navigation, core/extensions.py), which is not the page's own work.
            _queries(clients[measure_key[0]], measure.url)
            measure.large = _queries(clients[measure_key[0]], measure.url)
        yield results
        transaction.set_rollback(True)


@pytest.mark.parametrize(("role", "page"), CASES, ids=[f"{role}-{page}" for role, page in CASES])
def test_page_queries_stay_flat_as_the_data_grows(
    measured: dict[tuple[str, str], Measure], role: str, page: str
) -> None:
    measure = measured[(role, page)]
    assert measure.large is not None
    assert not measure.small[0].startswith("(answered"), f"{page} as {role} ({measure.url}) {measure.small[0]}"
    assert not measure.large[0].startswith("(answered"), f"{page} as {role} ({measure.url}) {measure.large[0]}"
    assert len(measure.large) == len(measure.small), (
        f"{page} as {role} ({measure.url}): {len(measure.small)} queries at demo scale, {len(measure.large)} with ten "
        f"times the data. Queries that grew:\n{_growth(measure.small, measure.large)}"
    )


# --- the world, and how it grows -------------------------------------------------------------------------------------


def _find_world() -> World:
    programme = Programme.objects.get(title="Leading through change", organisation__name="Northwind")
    users = {role: User.objects.get(email=email) for role, email in LOGINS.items()}
    sam_set = LearningSet.objects.get(programme=programme, memberships__enrolment__person__user=users["participant"])
    return World(northwind=programme.organisation, programme=programme, sam_set=sam_set, users=users)


def _new_people(organisation: Organisation, count: int, tag: str) -> list[Person]:
    people = Person.objects.bulk_create(
        [
            Person(
                organisation=organisation,
                name=f"Grown {tag} {n:04d}",
                email=f"grown.{tag}.{n}@grown.example",
                department=("Operations", "Nursing", "Finance")[n % 3],
                level="Manager",
                site="Harbour Road",
            )
            for n in range(count)
        ]
    )
    OrganisationRole.objects.bulk_create([OrganisationRole(person=p, role="participant") for p in people])
    return people


def _meetings(learning_set: LearningSet, *, held: int, scheduled: int, first: int = 1) -> list[Meeting]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    meetings = []
    for n in range(held + scheduled):
        starts = now + dt.timedelta(weeks=n - held, hours=-3 if n < held else 2)
        meetings.append(
            Meeting(
                learning_set=learning_set,
                number=first + n,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                status=Meeting.Status.HELD if n < held else Meeting.Status.SCHEDULED,
            )
        )
    return Meeting.objects.bulk_create(meetings)


def _set_with_members(
    programme: Programme, name: str, people: list[Person], facilitator: User, *, held: int, scheduled: int
) -> LearningSet:
    learning_set = LearningSet.objects.create(programme=programme, name=name, position=programme.sets.count())
    enrolments = Enrolment.objects.bulk_create([Enrolment(programme=programme, person=p) for p in people])
    Membership.objects.bulk_create([Membership(learning_set=learning_set, enrolment=e) for e in enrolments])
    FacilitatorAssignment.objects.create(learning_set=learning_set, user=facilitator)
    _meetings(learning_set, held=held, scheduled=scheduled)
    return learning_set


def _programme_beside(world: World, index: int) -> Programme:
    """Another published, running programme in Northwind, sponsored by the demo sponsor, with the demo participant
    in one of its two facilitated sets."""
    designer = world.user("designer")
    programme = Programme.objects.create(
        organisation=world.northwind,
        title=f"Grown programme {index}",
        status=Programme.Status.RUNNING,
        designer=designer,
        start_date=timezone.localdate(),
        published_at=timezone.now(),
    )
    programme.sponsors.add(Person.objects.get(user=world.user("sponsor")))
    people = _new_people(world.northwind, 8, f"p{index}")
    sam = Person.objects.get(user=world.user("participant"))
    first = _set_with_members(programme, "Set A", [sam, *people[:4]], world.user("facilitator"), held=2, scheduled=2)
    second = _set_with_members(programme, "Set B", people[4:], world.user("designer"), held=2, scheduled=2)
    for learning_set in (first, second):
        build_set_history(learning_set)
    return programme


def _one_of_each(world: World) -> None:
    """At demo scale, every journal a role keeps holds an entry (the demo's staff other than the facilitator keep
    none), so that the page's queries for its entries are already made before the journals grow."""
    for role in ("designer", "trainer", "b_participant"):
        learning.journal_save(author=world.user(role), title="A first note", notes="Noticed something.")


def _grow(world: World) -> None:
    rng = random.Random(21)
    # Organisations, their directories, and Northwind's own directory.
    for n in range(TIMES):
        shape = OrgShape(f"Grown client {n}", f"client{n}.example", "Public sector", ("Finance",), ("Town Hall",), 20)
        build_organisation(shape, seed=100 + n)
    _new_people(world.northwind, 60 * TIMES, "nw")
    # Programmes beside the demo's.
    for n in range(1, TIMES + 1):
        _programme_beside(world, n)
    # The demo programme: a larger pool, more sets with members, held meetings and their history, shared items.
    programme = world.programme
    pool = _new_people(world.northwind, 36 * TIMES, "pool")
    Enrolment.objects.bulk_create([Enrolment(programme=programme, person=p) for p in pool])
    facilitators = [world.user("facilitator"), world.user("designer"), world.user("trainer")]
    grown_sets = []
    for n in range(TIMES):
        people = _new_people(world.northwind, 6, f"s{n}")
        learning_set = _set_with_members(programme, f"Grown set {n}", people, facilitators[n % 3], held=3, scheduled=3)
        build_set_history(learning_set)
        grown_sets.append(learning_set)
    _meetings(world.sam_set, held=0, scheduled=TIMES, first=world.sam_set.meetings.count() + 1)
    developer = world.user("developer")
    theme = learning.theme_get_or_create(actor=developer, name="Grown theme")
    for n, learning_set in enumerate([*grown_sets, *grown_sets]):
        kind = ("question", "lesson", "theme")[n % 3]
        item = _item(learning_set, kind, f"Grown {kind} {n}", released=True)
        learning.item_themes_set(actor=developer, item=item, themes=[theme])
    for n in range(TIMES * 2):
        learning.theme_get_or_create(actor=developer, name=f"Grown theme {n}")
    # The surveys after the new meetings, as scheduling them makes them (the results page also does, when asked).
    occasions_sync(programme=programme)
    # Survey answers from the new sets' members on every occasion already open.
    for occasion in Occasion.objects.filter(programme=programme, opens_on__lte=timezone.localdate()):
        for enrolment in Enrolment.objects.filter(membership__learning_set__in=grown_sets):
            _answer(occasion, enrolment, rng, 0.0)
    # Journals: the demo participant's and the facilitator's.
    for role in ("participant", "facilitator", "designer", "trainer"):
        for n in range(TIMES * 3):
            learning.journal_save(author=world.user(role), title=f"Grown note {n}", notes="Noticed something.")
    _grow_training_and_accreditation(world)
    # The provider's staff, and its audit log.
    for n in range(TIMES * 2):
        user = User.objects.create_user(f"grown.staff{n}@provider.example", "x", name=f"Grown Staff {n}")
        StaffRole.objects.bulk_create([StaffRole(user=user, role="facilitator"), StaffRole(user=user, role="trainer")])
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=world.user("administrator"), action="grown", target_label=f"Grown {n}") for n in range(500)]
    )
    assert SharedItem.objects.filter(released_at__isnull=False).count() > 2 * TIMES


def _grow_training_and_accreditation(world: World) -> None:
    start = timezone.now() + dt.timedelta(days=30)
    learners = ("participant", "candidate", "facilitator")
    for course in Course.objects.all():
        for n in range(TIMES // 2):
            cohort = Cohort.objects.create(course=course, name=f"Grown cohort {course.slug} {n}", capacity=40)
            CohortSession.objects.create(
                cohort=cohort, title="Day 1", starts_at=start, ends_at=start + dt.timedelta(hours=6), venue="Leeds"
            )
            Booking.objects.bulk_create(
                [
                    Booking(
                        cohort=cohort,
                        name=f"Grown booker {k}",
                        email=f"grown.booker{k}@example.org",
                        status=Booking.Status.CONFIRMED,
                        confirmed_at=timezone.now(),
                    )
                    for k in range(TIMES)
                ]
            )
            role = learners[n % len(learners)]
            user = world.user(role)
            Booking.objects.create(
                cohort=cohort,
                user=user,
                name=user.name,
                email=user.email,
                status=Booking.Status.CONFIRMED,
                confirmed_at=timezone.now(),
            )
    today = timezone.localdate()
    for portfolio in Portfolio.objects.filter(status__in=Portfolio.EDITABLE):
        for n in range(TIMES):
            accreditation.evidence_log(
                actor=portfolio.candidate,
                portfolio=portfolio,
                kind=EntryKind.FACILITATING,
                happened_on=today - dt.timedelta(days=7 * n),
                minutes=120,
                set_size=6,
            )
            accreditation.reflection_add(
                actor=portfolio.candidate,
                portfolio=portfolio,
                written_on=today - dt.timedelta(days=7 * n),
                title=f"Grown reflection {n}",
                text="word " * 50,
            )
