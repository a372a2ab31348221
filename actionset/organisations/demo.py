"""The foundation of the demo world: the provider and its staff, two client organisations with realistic
directories, and one login per client role. Later apps' demos build on these people."""

from __future__ import annotations

import random
from dataclasses import dataclass

from actionset.accounts.models import User
from actionset.core.demo import DEMO_PASSWORD
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider, StaffRole

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


def seed() -> None:
    """The provider, its staff, Northwind and Southfield with their directories, and one login per client role."""
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
    give_login(northwind, "participant@northwind.example", level="Manager", department="Nursing", roles=["participant"])
    give_login(
        southfield,
        "participant@southfield.example",
        level="Team leader",
        department="Housing",
        roles=["participant"],
    )


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
