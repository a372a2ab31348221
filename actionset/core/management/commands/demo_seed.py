"""Load the demo world: the provider, Northwind and Southfield, and one login per role.

Safe to run again: it does nothing if the demo world is already there (use --reset to rebuild it
from scratch on a demo database). Later capabilities extend this same world.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.demo import DEMO_LOGINS, DEMO_PASSWORD
from actionset.core.extensions import extension_demo_seeders
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider, StaffRole
from actionset.programmes.models import Programme
from actionset.sets.models import LearningSet

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hamish",
    "Imogen",
    "Jonah",
    "Kiran",
    "Leah",
    "Marcus",
    "Niamh",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rosa",
    "Sanjay",
    "Tamsin",
    "Uma",
    "Viktor",
    "Wen",
    "Xavier",
    "Yasmin",
    "Zoe",
    "Alfie",
    "Bethan",
    "Callum",
    "Dami",
    "Ellis",
    "Fatima",
    "Gareth",
    "Hana",
    "Isaac",
    "Jade",
    "Kwame",
    "Lorna",
    "Mohammed",
    "Nadia",
    "Owen",
    "Petra",
    "Rhys",
    "Sofia",
    "Tomasz",
    "Ursula",
    "Vikram",
    "Winifred",
    "Yusuf",
    "Zainab",
    "Amelia",
    "Bilal",
    "Ciara",
    "Declan",
    "Esme",
    "Finn",
    "Gemma",
    "Harvey",
    "Ifeoma",
    "Jasper",
]
LAST = [
    "Adeyemi",
    "Brennan",
    "Chowdhury",
    "Dalton",
    "Evans",
    "Fitzgerald",
    "Grant",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lindqvist",
    "McAllister",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rahman",
    "Sutherland",
    "Thornton",
    "Underwood",
    "Varga",
    "Whitfield",
    "Xu",
    "Young",
    "Zielinski",
    "Ahmed",
    "Bancroft",
    "Carver",
    "Doyle",
    "Ellison",
    "Fraser",
    "Gill",
    "Hartley",
    "Ibrahim",
    "Jenkins",
    "Kaur",
    "Lowe",
    "Mensah",
    "Novak",
    "O'Neill",
    "Pryce",
    "Reilly",
    "Shah",
    "Turner",
    "Usman",
    "Vaughan",
    "Walsh",
]


@dataclass(frozen=True)
class OrgShape:
    name: str
    domain: str
    sector: str
    departments: tuple[str, ...]
    sites: tuple[str, ...]
    size: int


NORTHWIND = OrgShape(
    "Northwind",
    "northwind.example",
    "Health and care",
    ("Operations", "Nursing", "Finance", "People", "Digital", "Estates"),
    ("Harbour Road", "Millbrook", "Castlegate", "Riverside"),
    60,
)
SOUTHFIELD = OrgShape(
    "Southfield",
    "southfield.example",
    "Local government",
    ("Housing", "Children's services", "Planning", "Finance", "Customer services", "Environment"),
    ("Town Hall", "Eastgate Depot", "Library Quarter"),
    60,
)
LEVELS = ("Executive", "Director", "Head of service", "Manager", "Team leader", "Specialist")


class Command(BaseCommand):
    help = "Load the demo world (provider, Northwind, Southfield, one login per role). Demo databases only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete everything first (demo databases only).")

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if User.objects.filter(email="admin@provider.example").exists():
            self.stdout.write("The demo world is already loaded.")
        else:
            # The demo world's invitations and notices go out after commit; they are not worth printing.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                self.build()
            self.stdout.write(self.style.SUCCESS("Demo world loaded."))
        self.stdout.write("\nDemo logins (password: demo — demo data only):")
        for email in DEMO_LOGINS:
            self.stdout.write(f"  {email}")

    def build(self) -> None:
        provider = Provider.current()
        provider.name = "Kestrel Action Learning"
        provider.contact_email = "hello@provider.example"
        provider.save()
        staff = {
            "admin@provider.example": ("Morag Ellison", ["administrator"]),
            "designer@provider.example": ("Tom Achebe", ["designer", "facilitator"]),
            "facilitator@provider.example": ("Rachel Finch", ["facilitator"]),
            "developer@provider.example": ("Sunil Mehra", ["developer"]),
            "trainer@provider.example": ("Helen Okoro", ["trainer", "facilitator"]),
        }
        for email, (name, roles) in staff.items():
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
            StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])

        northwind = build_organisation(NORTHWIND, seed=1)
        southfield = build_organisation(SOUTHFIELD, seed=2)
        give_login(northwind, "orgadmin@northwind.example", level="Manager", department="People", roles=["admin"])
        give_login(northwind, "sponsor@northwind.example", level="Director", department="Operations", roles=["sponsor"])
        give_login(
            northwind, "participant@northwind.example", level="Manager", department="Nursing", roles=["participant"]
        )
        give_login(
            southfield,
            "participant@southfield.example",
            level="Team leader",
            department="Housing",
            roles=["participant"],
        )
        build_running_programme(northwind)
        for seeder in extension_demo_seeders():
            seeder.seed()


def build_organisation(shape: OrgShape, *, seed: int) -> Organisation:
    """A realistic directory: a chief executive, a director per department, then heads, managers and teams."""
    rng = random.Random(seed)
    organisation = Organisation.objects.create(name=shape.name, sector=shape.sector)
    used: set[str] = set()

    def new_person(level: str, department: str, manager: Person | None, site: str | None = None) -> Person:
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used:
                used.add(name)
                break
        local = name.lower().replace(" ", ".").replace("'", "")
        return Person.objects.create(
            organisation=organisation,
            name=name,
            email=f"{local}@{shape.domain}",
            department=department,
            level=level,
            # Most people work where their manager does; some are based elsewhere.
            site=site or (manager.site if manager and rng.random() < 0.7 else rng.choice(shape.sites)),
            line_manager=manager,
        )

    chief = new_person("Executive", "Executive office", None, site=shape.sites[0])
    people = [chief]
    for department in shape.departments:
        director = new_person("Director", department, chief)
        people.append(director)
        heads = [new_person("Head of service", department, director) for _ in range(rng.choice((1, 2)))]
        people.extend(heads)
        for head in heads:
            manager = new_person("Manager", department, head)
            people.append(manager)
    # Fill teams under managers and heads until the directory reaches its size.
    leaders = [p for p in people if p.level in ("Manager", "Head of service")]
    while len(people) < shape.size - 4:
        boss = rng.choice(leaders)
        level = rng.choices(("Team leader", "Specialist", "Manager"), weights=(3, 5, 1))[0]
        person = new_person(level, boss.department, boss)
        people.append(person)
        if level in ("Team leader", "Manager"):
            leaders.append(person)
    OrganisationRole.objects.bulk_create(
        [OrganisationRole(person=p, role="participant") for p in people if p.level not in ("Executive", "Director")]
    )
    return organisation


AVAILABILITY: tuple[list[str], ...] = (
    ["tue-am", "thu-am"],
    ["tue-am", "wed-pm"],
    ["thu-am", "tue-am", "fri-am"],
    ["wed-pm", "tue-am"],
    [],
)


def build_running_programme(organisation: Organisation) -> Programme:
    """Northwind's running programme: 36 people in six composed, facilitated sets, three meetings already held."""
    from actionset.meetings.services import schedule_create
    from actionset.programmes import services as programmes
    from actionset.sets import services as sets
    from actionset.sets.models import CompositionRun
    from actionset.sets.tasks import composition_execute

    designer = User.objects.get(email="designer@provider.example")
    programme = programmes.programme_create(
        actor=designer, organisation=organisation, title="Leading through change", blueprint="six-monthly-half-days"
    )
    programme.aims = (
        "Give managers across Northwind a place to work on the problems that keep them up at night, "
        "and let leaders hear the questions that surface."
    )
    programme.brief_context = "Two hospitals and four community sites merged last year; ways of working still differ."
    programme.brief_why = "Winter pressures arrive earlier each year and the same problems return across sites."
    programme.brief_tried = "Away days and an improvement programme: good ideas, little that stuck."
    programme.brief_success = "Managers who act across boundaries, and a board that hears what is really going on."
    programme.location = "Harbour Road education centre, room 2"
    # Three meetings are already behind the sets; the fourth is next week.
    programme.start_date = timezone.localdate() - dt.timedelta(weeks=3 * programme.cadence_weeks) + dt.timedelta(days=6)
    programme.save()
    programme.events.all().delete()
    programmes.events_from_template(programme, ("launch", "closing"))
    programme.sponsors.set(Person.objects.filter(organisation=organisation, roles__role="sponsor"))
    pool = (
        Person.objects.filter(organisation=organisation, roles__role="participant")
        .exclude(level__in=["Executive", "Director"])
        .order_by("email")[:35]
    )
    people = [*pool, Person.objects.get(email="participant@northwind.example")]
    programmes.enrolments_add(actor=designer, programme=programme, people=people)
    for index, enrolment in enumerate(programme.enrolments.order_by("person__email")):
        enrolment.availability = AVAILABILITY[index % len(AVAILABILITY)]
        enrolment.save(update_fields=["availability"])
    programmes.programme_move(actor=designer, programme=programme, status="recruiting")

    run = CompositionRun.objects.create(programme=programme, requested_by=designer, number_of_sets=6, time_limit=1)
    composition_execute.call(run.pk)
    facilitators = [
        User.objects.get(email=email)
        for email in ("facilitator@provider.example", "designer@provider.example", "trainer@provider.example")
    ]
    member_set = LearningSet.objects.get(
        programme=programme, memberships__enrolment__person__email="participant@northwind.example"
    )
    ordered = [member_set, *LearningSet.objects.filter(programme=programme).exclude(pk=member_set.pk)]
    for index, learning_set in enumerate(ordered):
        sets.facilitator_assign(actor=designer, learning_set=learning_set, lead=facilitators[index // 2])
    sets.sets_publish(actor=designer, programme=programme)
    programmes.programme_move(actor=designer, programme=programme, status="running")
    programme.refresh_from_db()
    schedule_create(actor=designer, programme=programme)
    from actionset.meetings.models import Meeting

    Meeting.objects.filter(learning_set__programme=programme, ends_at__lt=timezone.now()).update(status="held")
    for learning_set in programme.sets.all():
        build_set_history(learning_set)
    # Sam's set meets today, in an hour: a meeting ready to start.
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    next_meeting = member_set.meetings.filter(status="scheduled").order_by("starts_at").first()
    if next_meeting is not None:
        Meeting.objects.filter(pk=next_meeting.pk).update(
            starts_at=starts, ends_at=starts + dt.timedelta(minutes=programme.meeting_minutes)
        )
    return programme


ISSUES = (
    "Discharge delays on the wards I manage",
    "Two teams that will not share a rota",
    "A budget cut with no say in where it falls",
    "Getting consultants to use the new referral form",
    "Losing good staff to agency work",
    "A merger of two offices nobody asked for",
    "How to lead people who used to be my peers",
)
ACTIONS = (
    "Ask three discharge coordinators what slows them down, before proposing anything",
    "Meet the other team leader for coffee, without an agenda",
    "Write down which decisions are really mine to make",
    "Sit in on a consultant clinic and watch the form being used",
    "Hold stay interviews with two people likely to leave",
    "Share the draft plan with the team before the board sees it",
)
LEARNING = (
    "I had assumed it was a capacity problem; it is a hand-off problem.",
    "People were more willing than I expected once I stopped arguing for my answer.",
    "I kept putting it off because I did not want to hear the answer.",
    "",
)
HELPED = ("Slower questions; nobody jumped in with advice.", "Good timekeeping and a clear order for airtime.", "")
DIFFERENTLY = (
    "Start on time.",
    "Leave more silence after a question.",
    "Check in properly before the progress round.",
    "",
)


def build_set_history(learning_set: LearningSet) -> None:
    """Three held meetings: an agreed contract, two presenters a meeting, actions reported back, process reviews."""
    from actionset.meetings.models import Attendance, Meeting, PresenterTurn
    from actionset.sets.actions import action_commit, action_report
    from actionset.sets.contract import contract_acknowledge, contract_save, template_for
    from actionset.sets.models import Action, AirtimeNotes, ProcessReview

    members = [m.enrolment for m in learning_set.memberships.select_related("enrolment__person").order_by("pk")]
    facilitator = learning_set.facilitators.select_related("user").first()
    rng = random.Random(learning_set.pk)
    version = contract_save(
        actor=facilitator.user if facilitator else None,
        learning_set=learning_set,
        based_on=0,
        ground_rules=template_for(learning_set.programme.method),
        sharing_rule="all_present",
    )
    for enrolment in members:
        contract_acknowledge(enrolment=enrolment, version=version)
    held = list(Meeting.objects.filter(learning_set=learning_set, status="held").order_by("starts_at"))
    for index, meeting in enumerate(held):
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, enrolment=e, status="apologies" if rng.random() < 0.12 else "present")
                for e in members
            ]
        )
        for enrolment in members:
            for action in Action.objects.open_for(enrolment).filter(meeting__starts_at__lt=meeting.starts_at):
                status = rng.choice(("done", "done", "partly", "not_done", "dropped"))
                action_report(
                    meeting=meeting, enrolment=enrolment, action=action, status=status, learning=rng.choice(LEARNING)
                )
        presenters = [members[(2 * index) % len(members)], members[(2 * index + 1) % len(members)]]
        start = meeting.starts_at + dt.timedelta(minutes=40)
        for presenter in presenters:
            PresenterTurn.objects.create(
                meeting=meeting,
                enrolment=presenter,
                phase_key="airtime",
                started_at=start,
                ended_at=start + dt.timedelta(minutes=40),
            )
            start += dt.timedelta(minutes=45)
            AirtimeNotes.objects.create(
                meeting=meeting,
                presenter=presenter,
                issue=rng.choice(ISSUES),
                insights="I have been trying to solve it alone; the people closest to it have not been asked.",
                minutes=40,
            )
            action_commit(
                meeting=meeting,
                owner=presenter,
                text=rng.choice(ACTIONS),
                due_on=(meeting.starts_at + dt.timedelta(weeks=3)).date(),
            )
        for enrolment in members:
            ProcessReview.objects.create(
                meeting=meeting,
                enrolment=enrolment,
                rating=min(10, rng.randint(5, 8) + index),
                helped=rng.choice(HELPED),
                differently=rng.choice(DIFFERENTLY),
            )


def give_login(organisation: Organisation, email: str, *, level: str, department: str, roles: list[str]) -> Person:
    """Add a demo person with a login, reporting to someone plausible in their department."""
    manager = (
        Person.objects.filter(
            organisation=organisation, department=department, level__in=("Director", "Head of service")
        )
        .order_by("-level", "name")
        .first()
    )
    if level == "Director":
        manager = Person.objects.get(organisation=organisation, level="Executive")
    names = {
        "orgadmin": "Joanna Whitlock",
        "sponsor": "David Osei",
        "participant": "Sam Carter" if organisation.name == "Northwind" else "Layla Haddad",
    }
    name = names[email.split("@")[0]]
    user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
    person = Person.objects.create(
        organisation=organisation,
        user=user,
        name=name,
        email=email,
        department=department,
        level=level,
        site=manager.site if manager else "",
        line_manager=manager,
    )
    OrganisationRole.objects.bulk_create([OrganisationRole(person=person, role=r) for r in roles])
    return person
