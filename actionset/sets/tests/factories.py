"""A whole organisation's programme, built in bulk: for the board's scale tests and `bench/board.py`.

The services create people, enrolments and sets one at a time (with audit events and mail) for the designers who use
them; a test or benchmark at 2,000 people bulk-creates the rows instead, as `bench/webscale.py` does.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from actionset.accounts.models import User
from actionset.organisations.models import Organisation, Person, StaffRole
from actionset.programmes.models import Enrolment, Programme
from actionset.programmes.slots import SLOTS, meeting_slots
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership

DEPARTMENTS = ("Finance", "Housing", "Social care", "Planning", "Digital", "Legal", "Children's services", "Waste")
LEVELS = ("Director", "Head of service", "Manager", "Team leader", "Specialist")
SITES = ("Town hall", "Riverside", "Depot", "Library", "Civic centre")
FIRST = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hari", "Isla", "Jonah", "Kemi", "Liam", "Maya")
LAST = ("Okafor", "Shah", "Brown", "Nowak", "Evans", "Lee", "Singh", "Murphy", "Khan", "Jones", "Patel", "Reid")


@dataclass
class LargeProgramme:
    programme: Programme
    sets: list[LearningSet]
    facilitators: list[User]


def _programme(organisation: Organisation, title: str, designer: User | None, *, sizes: tuple[int, int]) -> Programme:
    """A programme of 3-hour meetings whose sets hold `sizes` people (fewest, most)."""
    return Programme.objects.create(
        organisation=organisation,
        title=title,
        designer=designer,
        set_size_min=sizes[0],
        set_size_max=sizes[1],
        meeting_minutes=180,
        max_sets_per_facilitator=2,
    )


def _people(organisation: Organisation, count: int, rng: random.Random) -> list[Person]:
    """`count` new people in the directory, spread over departments, levels and sites; numbered on from those already
    there, so that a second programme in the same organisation has names and addresses of its own."""
    start = Person.objects.filter(organisation=organisation).count()
    return Person.objects.bulk_create(
        Person(
            organisation=organisation,
            name=f"{FIRST[k % len(FIRST)]} {LAST[(k // len(FIRST)) % len(LAST)]} {k + start:04d}",
            email=f"person{k + start}@{organisation.pk}.scale.test",
            department=DEPARTMENTS[rng.randrange(len(DEPARTMENTS))],
            level=LEVELS[min(len(LEVELS) - 1, int(rng.expovariate(0.6)))],
            site=SITES[rng.randrange(len(SITES))],
        )
        for k in range(count)
    )


def large_programme(
    organisation: Organisation,
    *,
    sets: int,
    set_size: int = 7,
    facilitated: float = 0.5,
    facilitators: int | None = None,
    designer: User | None = None,
    seed: int = 1,
    title: str = "Leading the whole council",
) -> LargeProgramme:
    """A programme of `sets` sets of `set_size` people each (so 300 sets of 7 is 2,100 people), composed the way a
    designer would leave it: each set meets in one slot its members can attend, and line managers sit apart from
    their reports. About `facilitated` of the sets have a provider facilitator (each taking at most two)."""
    rng = random.Random(seed)
    size = sets * set_size
    programme = _programme(organisation, title, designer, sizes=(max(2, set_size - 2), set_size + 1))
    people = _people(organisation, size, rng)
    # Each person's line manager is someone `sets + 1` places earlier, which lands them in the set before theirs.
    for k, person in enumerate(people):
        if k > sets and k % 3 == 0:
            person.line_manager_id = people[k - sets - 1].pk
    Person.objects.bulk_update(people, ["line_manager"], batch_size=500)
    codes = [code for code, _ in SLOTS]
    slot_of_set = [codes[g % len(codes)] for g in range(sets)]
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            person=person,
            # Everyone can attend their own set's slot and one other.
            availability=sorted({slot_of_set[k % sets], codes[rng.randrange(len(codes))]}),
        )
        for k, person in enumerate(people)
    )
    learning_sets = LearningSet.objects.bulk_create(
        LearningSet(programme=programme, name=f"Set {g + 1}", position=g, slot=slot_of_set[g]) for g in range(sets)
    )
    Membership.objects.bulk_create(
        Membership(enrolment=e, learning_set=learning_sets[k % sets]) for k, e in enumerate(enrolments)
    )
    wanted = round(sets * facilitated)
    count = facilitators if facilitators is not None else max(1, -(-wanted // 2))
    staff = []
    for f in range(count):
        user = User.objects.create_user(
            email=f"facilitator{f}.{programme.pk}@provider.scale.test",
            password=None,
            name=f"{FIRST[f % len(FIRST)]} Facilitator {f + 1}",
        )
        StaffRole.objects.create(user=user, role="facilitator")
        staff.append(user)
    FacilitatorAssignment.objects.bulk_create(
        FacilitatorAssignment(learning_set=learning_sets[g], user=staff[g // 2], role=FacilitatorAssignment.Role.LEAD)
        for g in range(min(wanted, 2 * len(staff)))
    )
    return LargeProgramme(programme=programme, sets=learning_sets, facilitators=staff)


def large_pool(
    organisation: Organisation,
    *,
    people: int,
    designer: User | None = None,
    seed: int = 1,
    title: str = "Leading the whole organisation",
    keep_apart: int = 0,
    limited: float = 0.0,
) -> Programme:
    """A programme of sets of 5 to 7 with `people` enrolled and no sets yet, as a designer has it before composing.

    About a third of the people report to someone enrolled earlier; `keep_apart` people each have one person they
    are to be kept apart from; a `limited` share can make only two of the ten weekly slots (everyone else has ruled
    nothing out)."""
    rng = random.Random(seed)
    programme = _programme(organisation, title, designer, sizes=(5, 7))
    persons = _people(organisation, people, rng)
    for k, person in enumerate(persons):
        if k >= 10 and rng.random() < 1 / 3:
            person.line_manager_id = persons[rng.randrange(k // 2)].pk
    Person.objects.bulk_update(persons, ["line_manager"], batch_size=500)
    codes = [code for code, _ in SLOTS]
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            person=person,
            availability=sorted(rng.sample(codes, 2)) if rng.random() < limited else [],
        )
        for person in persons
    )
    through = Enrolment.keep_apart.through
    through.objects.bulk_create(
        through(enrolment_id=enrolments[k].pk, person_id=persons[(k + people // 2) % people].pk)
        for k in rng.sample(range(people), keep_apart)
    )
    return programme


def broken_rules(programme: Programme) -> list[str]:
    """Every hard rule the programme's sets break, read from the database: everyone active in one set, sizes within
    the programme's (locked sets excepted), line managers apart from their reports, keep-apart lists kept, and each
    member able to attend their set's slot."""
    needs = dict(meeting_slots(programme.meeting_minutes))
    enrolments = list(
        Enrolment.objects.active()
        .filter(programme=programme)
        .select_related("person", "membership__learning_set")
        .prefetch_related("keep_apart")
    )
    where = {e.person_id: e.membership.learning_set for e in enrolments if hasattr(e, "membership")}
    broken = [f"{e.person.name} is in no set" for e in enrolments if e.person_id not in where]
    sizes = Counter(s.pk for s in where.values())
    for learning_set in programme.sets.all():
        if not learning_set.locked and not programme.set_size_min <= sizes[learning_set.pk] <= programme.set_size_max:
            broken.append(f"{learning_set.name} holds {sizes[learning_set.pk]}")
    for e in enrolments:
        mine = where.get(e.person_id)
        if mine is None:
            continue
        if e.person.line_manager_id and where.get(e.person.line_manager_id) == mine:
            broken.append(f"{e.person.name} shares {mine.name} with their line manager")
        broken += [
            f"{e.person.name} shares {mine.name} with {o.name}" for o in e.keep_apart.all() if where.get(o.pk) == mine
        ]
        if e.availability and not needs[mine.slot] <= set(e.availability):
            broken.append(f"{e.person.name} cannot attend {mine.name} ({mine.slot})")
    return broken
