"""Process review: how the set worked at each meeting, and the trend the facilitator watches."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count

from actionset.meetings import live
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
    live.room_changed(meeting.learning_set_id)
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
        # A trend shows and links each meeting by its number: grouped by those columns, not by every column.
        .only("public_id", "learning_set_id", "number")
        .annotate(average=Avg("process_reviews__rating"), responses=Count("process_reviews"))
        .order_by("number")
    )
    return [
        TrendPoint(m, round(m.average, 1) if m.average is not None else None, m.responses)  # type: ignore[attr-defined]
        for m in meetings
    ]


@dataclass
class LookBack:
    """What the set said about how it worked last time, for the set to read when it next meets."""

    meeting: Meeting
    average: float
    responses: int
    helped: list[str]
    differently: list[str]
    #: Every reviewed meeting up to and including `meeting`, oldest first.
    trend: list[TrendPoint]


def review_look_back(learning_set: LearningSet, before: Meeting | None = None) -> LookBack | None:
    """The latest process review before `before` (or the latest of all): its answers, unsigned, and the trend.

    Set tier: show it only to those who may read the set's content. The answers carry no names, because the
    review asks about how the set worked, not who said what.
    """
    trend = [t for t in review_trend(learning_set) if before is None or t.meeting.number < before.number]
    reviewed = [t for t in trend if t.responses]
    if not reviewed:
        return None
    last = reviewed[-1]
    answers = list(
        ProcessReview.objects.filter(meeting=last.meeting).order_by("pk").values_list("helped", "differently")
    )
    return LookBack(
        meeting=last.meeting,
        average=last.average or 0.0,
        responses=last.responses,
        helped=[h.strip() for h, _ in answers if h.strip()],
        differently=[d.strip() for _, d in answers if d.strip()],
        trend=reviewed,
    )
