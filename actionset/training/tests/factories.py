from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from actionset.training.models import Booking, Cohort, CohortSession, Course


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    kind = Course.Kind.FOUNDATION
    title = factory.Sequence(lambda n: f"Foundation award {n}")
    summary = "Three days of practice, then facilitating real sets."
    outcomes = "Contract with a set\nFacilitate questioning rounds"
    develops = Course.Develops.IN_SET_FACILITATOR
    price = Decimal("1200.00")
    is_published = True


class CohortFactory(factory.django.DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    capacity = 3


class SessionFactory(factory.django.DjangoModelFactory[CohortSession]):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Day {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=6))
    venue = "Friends Meeting House, Manchester"


class BookingFactory(factory.django.DjangoModelFactory[Booking]):
    class Meta:
        model = Booking

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"booker{n}@example.org")
    status = Booking.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
