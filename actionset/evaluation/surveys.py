"""What one person is asked to answer: for their survey page and their home-page panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from actionset.evaluation.models import Occasion, Response
from actionset.evaluation.services import eligible_enrolments
from actionset.programmes.models import Enrolment


@dataclass
class Survey:
    occasion: Occasion
    state: str
    answered_at: Any

    @property
    def waiting(self) -> bool:
        return self.state == "open" and self.answered_at is None


def surveys_for(user: Any) -> list[Survey]:
    """Occasions (opened already) that ask this person, newest first, with whether they have answered."""
    today = timezone.localdate()
    enrolments = list(Enrolment.objects.active().filter(person__user=user, programme__published_at__isnull=False))
    if not enrolments:
        return []
    answered = dict(Response.objects.filter(enrolment__in=enrolments).values_list("occasion_id", "submitted_at"))
    occasions = (
        Occasion.objects.filter(programme__in=[e.programme_id for e in enrolments], opens_on__lte=today)
        .select_related("instrument", "programme")
        .order_by("-opens_on")
    )
    result = []
    for occasion in occasions:
        if (
            occasion.pk not in answered
            and not eligible_enrolments(occasion).filter(pk__in=[e.pk for e in enrolments]).exists()
        ):
            continue
        result.append(Survey(occasion=occasion, state=occasion.state(today), answered_at=answered.get(occasion.pk)))
    return result
