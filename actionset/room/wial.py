"""The WIAL method's own parts beyond questions and consensus: the coach's intervention and the closing learning
reflection, each member's answer captured (or written down for them by the facilitator)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from actionset.accounts.models import User
from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import CoachAnswer, LearningReflection


def _recorded(recorded_by: User | None) -> dict[str, object]:
    return {"recorded_by": recorded_by, "recorded_for_member": recorded_by is not None}


def coach_answer_save(
    *,
    meeting: Meeting,
    enrolment: Enrolment,
    rating: int,
    doing_well: str,
    do_better: str,
    recorded_by: User | None = None,
) -> CoachAnswer:
    if not 1 <= rating <= 10:
        raise ValueError(rating)
    with transaction.atomic():
        answer, _ = CoachAnswer.objects.update_or_create(
            meeting=meeting,
            enrolment=enrolment,
            defaults={
                "rating": rating,
                "doing_well": doing_well.strip(),
                "do_better": do_better.strip(),
                **_recorded(recorded_by),
            },
        )
        live.room_changed(meeting.learning_set_id)
    return answer


def reflection_save(
    *, meeting: Meeting, enrolment: Enrolment, text: str, recorded_by: User | None = None
) -> LearningReflection:
    with transaction.atomic():
        reflection, _ = LearningReflection.objects.update_or_create(
            meeting=meeting, enrolment=enrolment, defaults={"text": text.strip(), **_recorded(recorded_by)}
        )
        live.room_changed(meeting.learning_set_id)
    return reflection


@dataclass
class CoachRound:
    """What the set said at the coach's intervention: without names, as a process review is read back."""

    responses: int
    average: float | None
    doing_well: list[str]
    do_better: list[str]
    answered: set[int]


def coach_round(meeting: Meeting) -> CoachRound:
    answers = list(CoachAnswer.objects.filter(meeting=meeting).order_by("pk"))
    return CoachRound(
        responses=len(answers),
        average=round(sum(a.rating for a in answers) / len(answers), 1) if answers else None,
        doing_well=[a.doing_well for a in answers if a.doing_well],
        do_better=[a.do_better for a in answers if a.do_better],
        answered={a.enrolment_id for a in answers},
    )
