"""Test factories: one place to build objects for tests (factory_boy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings.models import Meeting
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership

TEST_PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def staff_roles(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            StaffRole.objects.bulk_create([StaffRole(user=self, role=r) for r in extracted])
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = "Public sector"


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    department = "Operations"
    level = "Manager"
    site = "Head office"

    @factory.post_generation
    def roles(self: Person, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            OrganisationRole.objects.bulk_create([OrganisationRole(person=self, role=r) for r in extracted])


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Leading through change {n}")
    aims = "Help managers work on the problems that keep them up at night."
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class EnrolmentFactory(factory.django.DjangoModelFactory[Enrolment]):
    class Meta:
        model = Enrolment

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..programme.organisation"))
    availability = factory.LazyFunction(lambda: ["tue-am", "wed-pm", "thu-am"])


class LearningSetFactory(factory.django.DjangoModelFactory[LearningSet]):
    class Meta:
        model = LearningSet

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Set {n + 1}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    learning_set = factory.SubFactory(LearningSetFactory)
    enrolment = factory.SubFactory(EnrolmentFactory, programme=factory.SelfAttribute("..learning_set.programme"))


class FacilitatorAssignmentFactory(factory.django.DjangoModelFactory[FacilitatorAssignment]):
    class Meta:
        model = FacilitatorAssignment

    learning_set = factory.SubFactory(LearningSetFactory)
    user = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    learning_set = factory.SubFactory(LearningSetFactory)
    number = 1
    # A morning a week ahead, so the meeting never runs past midnight whatever time the suite runs at.
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=7)).replace(hour=9, minute=30, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=3))
