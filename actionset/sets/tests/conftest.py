"""A programme with a pool of people who differ by department, level and site, for composing sets."""

from __future__ import annotations

from typing import Any

import pytest

from actionset.programmes.models import Enrolment, Programme
from conftest import Cast
from tests.factories import EnrolmentFactory, PersonFactory, ProgrammeFactory

DEPARTMENTS = ("Finance", "Housing", "Social care", "Planning")
LEVELS = ("Director", "Head of service", "Manager", "Team leader", "Specialist")
SITES = ("Town hall", "Riverside", "Depot")


def enrol_pool(programme: Programme, size: int, **person: Any) -> list[Enrolment]:
    enrolments = []
    for k in range(size):
        fields = {
            "department": DEPARTMENTS[k % len(DEPARTMENTS)],
            "level": LEVELS[k % len(LEVELS)],
            "site": SITES[k % len(SITES)],
            "name": f"Person {k:02d}",
            **person,
        }
        p = PersonFactory.create(organisation=programme.organisation, **fields)
        enrolments.append(EnrolmentFactory.create(programme=programme, person=p, availability=[]))
    return enrolments


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pool_programme(cast: Cast) -> Programme:
    """An unpublished programme in organisation A with 18 people: three sets of 5 to 7."""
    programme = ProgrammeFactory.create(
        organisation=cast.org_a, designer=cast.users["designer"], set_size_min=5, set_size_max=7
    )
    enrol_pool(programme, 18)
    return programme
