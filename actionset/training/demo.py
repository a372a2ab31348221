"""The training part of the demo world: a catalogue of four courses, a running foundation cohort with candidates and
attendance, and a full taster workshop with a waitlist.

The accreditation app seeds portfolios after this runs; it finds the foundation candidates as the confirmed bookings
of the cohort named `RUNNING_FOUNDATION_COHORT`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.demo import DEMO_PASSWORD
from actionset.meetings.scheduling import zone
from actionset.training import services
from actionset.training.models import Booking, Cohort, CohortSession, Course

RUNNING_FOUNDATION_COHORT = "Autumn cohort, Manchester"

#: New demo logins for candidates on the running foundation cohort (password `demo`), beside the participant.
CANDIDATES = [
    ("Jess Lowe", "jess.lowe@northwind.example", "Northwind"),
    ("Owen Pryce", "owen.pryce@southfield.example", "Southfield"),
    ("Ruth Adeyemi", "ruth.adeyemi@harbourhealth.example", "Harbour Health"),
]

COURSES: list[dict[str, Any]] = [
    {
        "slug": "taster-workshop",
        "kind": Course.Kind.TASTER,
        "title": "Action learning taster",
        "summary": "A half-day workshop: sit in a live set, ask questions that open a problem up, and see whether "
        "action learning suits your organisation.",
        "description": "You take part in a demonstration set with a real problem brought by a volunteer, then step "
        "back to look at what the facilitator did and why.\n\nFor managers, HR and OD colleagues and anyone "
        "thinking of commissioning or joining a programme. No preparation needed.",
        "outcomes": "Describe how an action learning set works and what it is for\n"
        "Tell an open question from advice in disguise\n"
        "Judge where action learning would help in your own organisation",
        "develops": Course.Develops.IN_SET_FACILITATOR,
        "price": Decimal("95.00"),
        "price_note": "plus VAT",
    },
    {
        "slug": "foundation-award",
        "kind": Course.Kind.FOUNDATION,
        "title": "Foundation award in action learning facilitation",
        "summary": "Three days of practice, then six to nine months facilitating real sets with a reflective log, "
        "supervision and an observed meeting, ending in assessment.",
        "description": "The course days cover contracting with a set, running presentation and questioning rounds, "
        "holding silence, working with the process review and ending a set well. Afterwards you facilitate at "
        "least one set, keep a reflective log, meet your supervisor and are observed by an assessor.\n\n"
        "For people who will facilitate sets inside their own organisation or for clients.",
        "outcomes": "Contract with a new set and keep the contract alive\n"
        "Facilitate presentation, questioning and action rounds so that the presenter owns the problem\n"
        "Use the process review to help a set learn how it learns\n"
        "Reflect on your own practice in writing, with evidence\n"
        "Know when to intervene and when to stay quiet",
        "develops": Course.Develops.IN_SET_FACILITATOR,
        "price": Decimal("1450.00"),
        "price_note": "plus VAT, including assessment",
    },
    {
        "slug": "advanced-practitioner-award",
        "kind": Course.Kind.ADVANCED,
        "title": "Advanced practitioner award",
        "summary": "For experienced facilitators who design programmes and develop organisations: programme design, "
        "a written case study and the theory behind the practice.",
        "description": "Over a year you design (or redesign) an action learning programme with a sponsor, write a case "
        "study of it, and read and argue with the field's theory. Candidates bring at least 100 hours of "
        "facilitation, 50 of them as lead facilitator.",
        "outcomes": "Design a programme with its sponsors: purpose, set composition, evaluation\n"
        "Write a case study that others in the field can learn from\n"
        "Place your practice in the wider theory of action learning and organisational learning",
        "develops": Course.Develops.PROGRAMME_DESIGNER,
        "price": Decimal("2950.00"),
        "price_note": "plus VAT",
    },
    {
        "slug": "in-house-facilitator-programme",
        "kind": Course.Kind.IN_HOUSE,
        "title": "In-house facilitator programme",
        "summary": "We train a group of your own people to facilitate sets across your organisation, with dates, "
        "venue and examples shaped around you.",
        "description": "Usually the foundation course days delivered to one organisation, followed by group "
        "supervision while your new facilitators run their first sets. Get in touch to talk it through.",
        "outcomes": "A group of internal facilitators ready to run sets\n"
        "A supervision rhythm that keeps their practice honest\n"
        "A plan for growing action learning across the organisation",
        "develops": Course.Develops.ORGANISATIONAL_DEVELOPER,
        "price": None,
        "price_note": "per group, on request",
    },
]


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hour, minute), tzinfo=zone("Europe/London"))


def _sessions(cohort: Cohort, plan: list[tuple[int, str, int, int, str, str]], trainer: User) -> None:
    today = timezone.now()
    for days, title, start, end, venue, url in plan:
        day = today + timedelta(days=days)
        services.session_save(
            actor=trainer,
            session=CohortSession(
                cohort=cohort,
                title=title,
                starts_at=_at(day, start, 30 if start == 9 else 0),
                ends_at=_at(day, end, 30 if end == 16 else 0),
                venue=venue,
                online_url=url,
            ),
        )


def _candidate(name: str, email: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, DEMO_PASSWORD, name=name)


def seed() -> None:
    trainer = User.objects.get(email="trainer@provider.example")
    courses = {}
    for spec in COURSES:
        course = Course(is_published=True, **spec)
        services.course_save(actor=trainer, course=course)
        courses[course.kind] = course

    venue = "Friends Meeting House, Manchester"
    # The running foundation cohort: three course days and a supervision day behind it, review and assessment ahead.
    foundation = Cohort(course=courses[Course.Kind.FOUNDATION], name=RUNNING_FOUNDATION_COHORT, capacity=8)
    services.cohort_save(actor=trainer, cohort=foundation, trainers=[trainer])
    _sessions(
        foundation,
        [
            (-70, "Day 1: contracting and the first rounds", 9, 16, venue, ""),
            (-69, "Day 2: questions, silence and the presenter", 9, 16, venue, ""),
            (-68, "Day 3: process review and endings", 9, 16, venue, ""),
            (-21, "Group supervision", 14, 17, "", "https://meet.provider.example/foundation-supervision"),
            (24, "Review day: practice and portfolios", 9, 16, venue, ""),
            (95, "Assessment day", 9, 16, venue, ""),
        ],
        trainer,
    )
    participant = User.objects.get(email="participant@northwind.example")
    people = [(participant.name or "Sam Carter", participant.email, "Northwind", participant)]
    people += [(name, email, org, _candidate(name, email)) for name, email, org in CANDIDATES]
    bookings = []
    for name, email, org, user in people:
        bookings.append(
            services.booking_create(
                cohort=foundation,
                name=name,
                email=email,
                organisation_name=org,
                consent_to_contact=True,
                join_waitlist=False,
                user=user,
                booked_by=trainer,
                source=Booking.Source.ENROLLED,
            )
        )
    # One candidate missed Day 2 and the supervision session: the trainer's page shows it.
    absent = {(1, bookings[2].pk), (3, bookings[2].pk), (3, bookings[3].pk)}
    for index, session in enumerate(foundation.sessions.order_by("starts_at")):
        if not session.is_past:
            continue
        services.attendance_record(
            actor=trainer, session=session, present={b.pk: (index, b.pk) not in absent for b in bookings}
        )
    foundation.status = Cohort.Status.CLOSED
    services.cohort_save(actor=trainer, cohort=foundation)
    services.material_add(
        actor=trainer,
        cohort=foundation,
        title="Reflective log: a page to start from",
        file=ContentFile(REFLECTIVE_LOG_TEMPLATE.encode(), name="reflective-log-template.txt"),
    )
    services.material_add(
        actor=trainer,
        cohort=foundation,
        title="Reading: questioning in action learning sets",
        url="https://library.provider.example/reading/questioning",
    )

    # A full taster with two people waiting.
    taster = Cohort(course=courses[Course.Kind.TASTER], name="Spring taster, Leeds", capacity=6)
    services.cohort_save(actor=trainer, cohort=taster, trainers=[trainer])
    _sessions(taster, [(18, "Taster workshop", 9, 13, "The Carriageworks, Leeds", "")], trainer)
    for i, (name, org) in enumerate(TASTER_BOOKERS):
        services.booking_create(
            cohort=taster,
            name=name,
            email=f"{name.lower().replace(' ', '.')}@{org.lower().replace(' ', '')}.example",
            organisation_name=org,
            consent_to_contact=True,
            join_waitlist=i >= taster.capacity,
        )

    # An online taster with places, and the next advanced award starting in the new year.
    online = Cohort(course=courses[Course.Kind.TASTER], name="Online taster", capacity=12)
    services.cohort_save(actor=trainer, cohort=online, trainers=[trainer])
    _sessions(online, [(46, "Taster workshop (online)", 13, 17, "", "https://meet.provider.example/taster")], trainer)
    spring = Cohort(course=courses[Course.Kind.FOUNDATION], name="Spring cohort, Leeds", capacity=10)
    services.cohort_save(actor=trainer, cohort=spring, trainers=[trainer])
    leeds = "The Carriageworks, Leeds"
    _sessions(
        spring,
        [
            (75, "Day 1: contracting and the first rounds", 9, 16, leeds, ""),
            (76, "Day 2: questions, silence and the presenter", 9, 16, leeds, ""),
            (77, "Day 3: process review and endings", 9, 16, leeds, ""),
        ],
        trainer,
    )
    advanced = Cohort(course=courses[Course.Kind.ADVANCED], name="2027 cohort", capacity=10)
    services.cohort_save(actor=trainer, cohort=advanced, trainers=[trainer])
    _sessions(
        advanced,
        [
            (60, "Residential, day 1", 10, 17, "Hebden Bridge", ""),
            (61, "Residential, day 2", 9, 16, "Hebden Bridge", ""),
            (150, "Case study clinic", 13, 17, "", "https://meet.provider.example/advanced"),
        ],
        trainer,
    )
    services.booking_create(
        cohort=advanced,
        name="Rachel Finch",
        email="facilitator@provider.example",
        organisation_name="Kestrel Action Learning",
        consent_to_contact=True,
        join_waitlist=False,
        user=User.objects.get(email="facilitator@provider.example"),
        source=Booking.Source.SELF,
    )


TASTER_BOOKERS = [
    ("Amir Khan", "Calder Council"),
    ("Beth Morgan", "Calder Council"),
    ("Chris Dunn", "Riverside Trust"),
    ("Dana Whyte", "Northwind"),
    ("Eli Sharpe", "Harbour Health"),
    ("Fern Ashby", "Riverside Trust"),
    ("Gus Tan", "Pennine College"),
    ("Hana Ito", "Calder Council"),
]

REFLECTIVE_LOG_TEMPLATE = """Reflective log entry

Set and meeting:
What happened (briefly, and without the set's confidential content):
What I did as facilitator, and why:
What I noticed in myself:
What I would do differently next time:
What I want to take to supervision:
"""
