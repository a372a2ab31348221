"""Test factories: one place to build objects for tests (factory_boy)."""

from __future__ import annotations

from typing import Any

import factory

from actionset.accounts.models import User
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole

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
