"""Evaluation in the demo world: answers in Northwind's "Leading through change", enough for charts at the start
and after the first two meetings, and four after the third meeting so that the threshold's empty state shows.
The demo participant has answered the start survey (so they can read their own answers) and has the
after-meeting-3 review sheet waiting on their home page."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from actionset.evaluation.models import Answer, Item, Occasion, Response
from actionset.evaluation.services import builtins_ensure, eligible_enrolments, occasions_sync
from actionset.programmes.models import Enrolment, Programme

DEMO_PARTICIPANT = "participant@northwind.example"
#: Share of those asked who answer, by occasion; after meeting 3 exactly four answer, below the threshold.
ANSWER_SHARE = {"At the start": 0.8, "After meeting 1": 0.75, "After meeting 2": 0.6}
AFTER_THIRD = 4
#: Where answers centre, on 1 to 5, so the charts tell a plausible story: confidence grows, meetings get better.
CENTRE = {"At the start": 2.7, "After meeting 1": 3.5, "After meeting 2": 3.9, "After meeting 3": 4.1}


def _value(rng: random.Random, item: Item, centre: float, person: float) -> int:
    assert item.scale is not None
    # Reverse-scored items are worded the other way round, so a good experience gives a low answer.
    target = item.scale.low + item.scale.high - centre if item.reverse else centre
    value = round(rng.gauss(target + (-person if item.reverse else person), 0.7))
    return max(item.scale.low, min(item.scale.high, value))


def _answer(occasion: Occasion, enrolment: Enrolment, rng: random.Random, person: float) -> None:
    centre = CENTRE.get(occasion.label, 3.5)
    submitted = timezone.make_aware(dt.datetime.combine(occasion.opens_on, dt.time(17, 0))) + dt.timedelta(
        days=rng.randint(0, 5)
    )
    response = Response.objects.create(occasion=occasion, enrolment=enrolment, submitted_at=submitted)
    items = occasion.instrument.items.filter(kind=Item.Kind.RATING).select_related("scale")
    Answer.objects.bulk_create([Answer(response=response, item=i, value=_value(rng, i, centre, person)) for i in items])


def seed() -> None:
    programme = Programme.objects.filter(
        title="Leading through change", organisation__name__icontains="Northwind"
    ).first()
    if programme is None:
        return
    builtins_ensure()
    rng = random.Random(6)
    occasions = occasions_sync(programme=programme)
    today = timezone.localdate()
    person_effect: dict[int, float] = {}
    for occasion in occasions:
        if occasion.opens_on > today:
            continue
        asked = list(eligible_enrolments(occasion).select_related("person").order_by("person__email"))
        demo = [e for e in asked if e.person.email == DEMO_PARTICIPANT]
        others = [e for e in asked if e.person.email != DEMO_PARTICIPANT]
        rng.shuffle(others)
        if occasion.label == "After meeting 3":
            chosen = others[:AFTER_THIRD]
        elif occasion.label in ANSWER_SHARE:
            share = round(len(asked) * ANSWER_SHARE[occasion.label])
            chosen = others[: share - len(demo)] + (demo if occasion.label == "At the start" else [])
        else:
            continue
        for enrolment in chosen:
            effect = person_effect.setdefault(enrolment.pk, rng.gauss(0, 0.4))
            _answer(occasion, enrolment, rng, effect)
