"""Helpers for evaluation tests: a plan, people who answer, answers written straight to the database."""

from __future__ import annotations

from typing import Any

from actionset.evaluation.models import Answer, Instrument, Item, Occasion, Response
from actionset.evaluation.services import occasions_sync
from actionset.programmes.models import Enrolment, EvaluationPoint, Programme
from tests.factories import EnrolmentFactory, MembershipFactory, PersonFactory, UserFactory


def plan(programme: Programme, *points: tuple[str, str]) -> list[Occasion]:
    for instrument, timing in points:
        EvaluationPoint.objects.get_or_create(programme=programme, instrument=instrument, timing=timing)
    return occasions_sync(programme=programme)


def occasion(programme: Programme, instrument: str = "self_rating", timing: str = "start") -> Occasion:
    plan(programme, (instrument, timing))
    return Occasion.objects.get(programme=programme, instrument__code=instrument, timing=timing)


def people(programme: Programme, count: int, *, learning_set: Any = None, login: bool = False) -> list[Enrolment]:
    result = []
    for _ in range(count):
        user = UserFactory.create() if login else None
        person = PersonFactory.create(
            organisation=programme.organisation, user=user, **({"email": user.email} if user else {})
        )
        if learning_set is not None:
            result.append(MembershipFactory.create(learning_set=learning_set, enrolment__person=person).enrolment)
        else:
            result.append(EnrolmentFactory.create(programme=programme, person=person))
    return result


def answer(occasion: Occasion, enrolment: Enrolment, value: int | dict[str, int]) -> Response:
    """One person's answers: the same value for every rating item, or item code → value."""
    response = Response.objects.create(occasion=occasion, enrolment=enrolment)
    items = occasion.instrument.items.filter(kind=Item.Kind.RATING)
    Answer.objects.bulk_create(
        [
            Answer(response=response, item=i, value=value if isinstance(value, int) else value[i.code])
            for i in items
            if isinstance(value, int) or i.code in value
        ]
    )
    return response


def instrument(code: str) -> Instrument:
    return Instrument.objects.get(code=code)
