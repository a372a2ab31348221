"""What one person is asked to answer: for their survey page and their home-page panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.access import Actor, visible
from actionset.evaluation.models import Occasion, Response


@dataclass
class Survey:
    occasion: Occasion
    state: str
    answered_at: Any

    @property
    def waiting(self) -> bool:
        return self.state == "open" and self.answered_at is None


def surveys_for(user: User) -> list[Survey]:
    """Occasions (opened already, in published programmes) that ask this person, newest first, with whether they
    have answered. Who is asked is the `evaluation.respond` rule's to say, so the list is exactly what they may open."""
    today = timezone.localdate()
    opened = Occasion.objects.filter(programme__published_at__isnull=False, opens_on__lte=today)
    occasions = list(
        visible(Actor(user), "evaluation.respond", opened)
        .select_related("instrument", "programme")
        .order_by("-opens_on")
    )
    if not occasions:
        return []
    answered = dict(
        Response.objects.filter(occasion__in=occasions, enrolment__person__user=user).values_list(
            "occasion_id", "submitted_at"
        )
    )
    return [
        Survey(occasion=occasion, state=occasion.state(today), answered_at=answered.get(occasion.pk))
        for occasion in occasions
    ]
