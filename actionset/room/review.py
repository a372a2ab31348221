"""Process review: how the set worked at each meeting, and the trend the facilitator watches."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count

from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import ProcessReview
from actionset.sets.models import LearningSet


def review_save(*, meeting: Meeting, enrolment: Enrolment, rating: int, helped: str, differently: str) -> ProcessReview:
    if not 1 <= rating <= 10:
        raise ValueError(rating)
    review, _ = ProcessReview.objects.update_or_create(
        meeting=meeting, enrolment=enrolment, defaults={"rating": rating, "helped": helped, "differently": differently}
    )
    return review


@dataclass
class TrendPoint:
    meeting: Meeting
    average: float | None
    responses: int

    @property
    def percent(self) -> int:
        """The average as a share of the scale, for the bar chart."""
        return round((self.average or 0) * 10)


def review_trend(learning_set: LearningSet) -> list[TrendPoint]:
    """The average rating at each of the set's meetings (meetings without reviews show as gaps)."""
    meetings = list(
        Meeting.objects.filter(learning_set=learning_set)
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(average=Avg("process_reviews__rating"), responses=Count("process_reviews"))
        .order_by("number")
    )
    return [
        TrendPoint(m, round(m.average, 1) if m.average is not None else None, m.responses)  # type: ignore[attr-defined]
        for m in meetings
    ]
