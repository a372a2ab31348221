"""Grow the demo world to a customer's size, for bench/web.py: run after ``demo_seed`` on a benchmark's database.

``python bench/webscale.py --organisations 1`` makes Northwind a 10,000-person organisation; ``--organisations 10``
also adds nine more client organisations of 10,000 people each (100,000 in all). Each organisation gets five running
programmes of twenty sets of six, every set facilitated by the provider's facilitators, twelve meetings a set with
all but the last held (about 1,100 held meetings), journal entries kept by its members and survey answers given after
the meetings. The demo logins take part: the Northwind participant is in a set of the first programme, the sponsor
sponsors Northwind's programmes, the designer designs them all, and the facilitator, designer and trainer share the
sets, so their pages carry the weight.

Programmes, their events and evaluation plans come from the project's own service (``programme_create`` with a
blueprint) and survey occasions from ``occasions_sync``; the rows there are many of (people, enrolments, sets,
meetings, journal entries, answers) are bulk-created, since the services create one at a time, with mail, for the
people who use them. Composition is not run: members are dealt out to sets directly (bench/composition.py measures
the engine). Dates follow the clock (which meetings are held, which survey occasions have opened), so two runs
differ a little: 26,114 and 26,102 survey answers in two runs on one day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionset.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionset.accounts.models import User  # noqa: E402
from actionset.evaluation.models import Answer, Item, Occasion, Response  # noqa: E402
from actionset.evaluation.services import builtins_ensure, occasions_sync  # noqa: E402
from actionset.learning.models import JournalEntry  # noqa: E402
from actionset.meetings.models import Meeting  # noqa: E402
from actionset.organisations.demo import FIRST, LAST, NORTHWIND, SOUTHFIELD  # noqa: E402
from actionset.organisations.models import Organisation, OrganisationRole, Person  # noqa: E402
from actionset.programmes.models import Enrolment, Programme  # noqa: E402
from actionset.programmes.services import programme_create  # noqa: E402
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership  # noqa: E402

PEOPLE = 10_000
PROGRAMMES = 5
SETS = 20
SET_SIZE = 6
MEETINGS = 12
CADENCE_WEEKS = 2
#: Journal entries per member: about 3,600 for 600 members.
JOURNAL_PER_MEMBER = 6
#: Share of those asked who answer a survey occasion: about 30,000 answers for one organisation.
ANSWER_SHARE = 0.6
DEPARTMENTS = (*NORTHWIND.departments, *SOUTHFIELD.departments)
SITES = (*NORTHWIND.sites, *SOUTHFIELD.sites)
LEVELS = ("Head of service", "Manager", "Team leader", "Specialist", "Specialist", "Specialist")
FACILITATORS = ("facilitator@provider.example", "designer@provider.example", "trainer@provider.example")


def grow_directory(organisation: Organisation, rng: random.Random, people: int, domain: str) -> list[Person]:
    """Add people to ``organisation`` until it has ``people``, each reporting to someone already there."""
    existing = list(Person.objects.filter(organisation=organisation).order_by("pk"))
    managers: list[int | None] = [p.pk for p in existing] or [None]
    new = []
    for n in range(people - len(existing)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        new.append(
            Person(
                organisation=organisation,
                name=name,
                email=f"person{n}.{name.lower().replace(' ', '.').replace(chr(39), '')}@{domain}",
                department=rng.choice(DEPARTMENTS),
                level=rng.choice(LEVELS),
                site=rng.choice(SITES),
                line_manager_id=rng.choice(managers),
            )
        )
    created = Person.objects.bulk_create(new, batch_size=2000)
    OrganisationRole.objects.bulk_create(
        [OrganisationRole(person=p, role="participant") for p in created], batch_size=2000
    )
    return created


def build_programmes(organisation: Organisation, pool: list[Person], rng: random.Random, first: bool) -> None:
    designer = User.objects.get(email="designer@provider.example")
    facilitators = list(User.objects.filter(email__in=FACILITATORS).order_by("email"))
    sponsor = Person.objects.filter(organisation=organisation, roles__role="sponsor").first()
    demo_participant = Person.objects.filter(email="participant@northwind.example", organisation=organisation).first()
    password = make_password(None)  # unusable: these people never sign in, they only own journal entries
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=CADENCE_WEEKS * (MEETINGS - 1)) + dt.timedelta(days=3)
    members_needed = PROGRAMMES * SETS * SET_SIZE
    chosen = rng.sample(pool, members_needed)
    if first and demo_participant is not None:
        chosen[0] = demo_participant
    users = User.objects.bulk_create(
        [
            User(email=f"member{p.pk}@{organisation.public_id.hex[:8]}.example", name=p.name, password=password)
            for p in chosen
            if p.user_id is None
        ],
        batch_size=2000,
    )
    by_person = iter(users)
    for person in chosen:
        if person.user_id is None:
            person.user = next(by_person)
    Person.objects.bulk_update([p for p in chosen if p.user is not None], ["user"], batch_size=2000)

    for index in range(PROGRAMMES):
        programme = programme_create(
            actor=designer,
            organisation=organisation,
            title=f"{organisation.name} leadership cohort {index + 1}",
            blueprint="six-monthly-half-days",
        )
        Programme.objects.filter(pk=programme.pk).update(
            status=Programme.Status.RUNNING,
            number_of_meetings=MEETINGS,
            cadence_weeks=CADENCE_WEEKS,
            start_date=start,
            max_sets_per_facilitator=10,
            published_at=timezone.now(),
            aims="Managers work on the problems that matter most to them, and leaders hear the questions.",
        )
        programme.refresh_from_db()
        if sponsor is not None:
            programme.sponsors.add(sponsor)
        people = chosen[index * SETS * SET_SIZE : (index + 1) * SETS * SET_SIZE]
        enrolments = Enrolment.objects.bulk_create([Enrolment(programme=programme, person=p) for p in people])
        sets = LearningSet.objects.bulk_create(
            [
                LearningSet(programme=programme, name=f"Set {g + 1}", slot=("tue-am", "wed-pm", "thu-am")[g % 3])
                for g in range(SETS)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(learning_set=sets[i // SET_SIZE], enrolment=e) for i, e in enumerate(enrolments)]
        )
        FacilitatorAssignment.objects.bulk_create(
            [
                FacilitatorAssignment(learning_set=s, user=facilitators[g % len(facilitators)])
                for g, s in enumerate(sets)
            ]
        )
        meetings = []
        for learning_set in sets:
            for number in range(1, MEETINGS + 1):
                day = start + dt.timedelta(weeks=CADENCE_WEEKS * (number - 1))
                starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
                meetings.append(
                    Meeting(
                        learning_set=learning_set,
                        number=number,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=programme.meeting_minutes),
                        location="Harbour Road education centre",
                        status=Meeting.Status.HELD if starts < timezone.now() else Meeting.Status.SCHEDULED,
                    )
                )
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        held = {(m.learning_set_id, m.number): m for m in meetings if m.status == Meeting.Status.HELD}
        entries = []
        for i in range(len(enrolments)):
            author = people[i].user
            set_id = sets[i // SET_SIZE].pk
            for number in range(1, JOURNAL_PER_MEMBER + 1):
                meeting = held.get((set_id, number))
                entries.append(
                    JournalEntry(
                        author=author,
                        meeting=meeting,
                        title=f"After meeting {number}",
                        about_problem="The rota problem looks different now: it is about trust between sites.",
                        my_actions="Talk to the two ward managers before the next meeting.",
                        from_others="Others have the same gap between what is agreed and what happens.",
                    )
                )
        JournalEntry.objects.bulk_create(entries, batch_size=2000)

        builtins_ensure()
        responses: list[tuple[Response, list[Item]]] = []
        for occasion in occasions_sync(programme=programme):
            if occasion.opens_on > today:
                continue
            items = list(occasion.instrument.items.filter(kind=Item.Kind.RATING).select_related("scale"))
            for enrolment in enrolments:
                if rng.random() < ANSWER_SHARE:
                    submitted = timezone.make_aware(dt.datetime.combine(occasion.opens_on, dt.time(17, 0)))
                    responses.append((Response(occasion=occasion, enrolment=enrolment, submitted_at=submitted), items))
        Response.objects.bulk_create([r for r, _ in responses], batch_size=2000)
        answers = [
            Answer(response=r, item=item, value=rng.randint(item.scale.low, item.scale.high) if item.scale else 3)
            for r, items in responses
            for item in items
        ]
        Answer.objects.bulk_create(answers, batch_size=5000)


def build(organisations: int, seed: int) -> None:
    rng = random.Random(seed)
    existing = Programme.objects.filter(title__contains="leadership cohort").values("organisation").distinct().count()
    for index in range(existing, organisations):
        clock = time.monotonic()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            if index == 0:
                organisation = Organisation.objects.get(name="Northwind")
                domain = NORTHWIND.domain
            else:
                organisation = Organisation.objects.create(name=f"Client {index + 1}", sector="Public services")
                domain = f"client{index + 1}.example"
            grow_directory(organisation, rng, PEOPLE, domain)
            pool = list(
                Person.objects.filter(organisation=organisation, roles__role="participant", user__isnull=True)
                .exclude(level__in=["Executive", "Director"])
                .order_by("pk")
            )
            build_programmes(organisation, pool, rng, first=index == 0)
        print(f"organisation {index + 1} of {organisations}: {time.monotonic() - clock:.0f} s", flush=True)
    counts = {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "sets": LearningSet.objects.count(),
        "held meetings": Meeting.objects.filter(status=Meeting.Status.HELD).count(),
        "journal entries": JournalEntry.objects.count(),
        "survey answers": Answer.objects.count(),
        "occasions": Occasion.objects.count(),
    }
    print("world: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=1, help="client organisations of 10,000 people")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    build(args.organisations, args.seed)
