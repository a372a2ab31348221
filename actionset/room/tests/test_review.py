"""Process review: each member's own rating per meeting, and the facilitator's trend across meetings."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from actionset.room import review
from actionset.room.models import ProcessReview
from conftest import Cast
from tests.factories import MeetingFactory


def test_a_member_reviews_once_per_meeting_and_can_change_it(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    url = reverse("setwork:review", kwargs={"meeting": cast.meeting.public_id})
    client = cast.client("a_participant")
    assert client.post(url, {"rating": 6, "helped": "Good questions"}).status_code == 302
    client.post(url, {"rating": 8, "helped": "Good questions", "differently": "Start on time"})
    saved = ProcessReview.objects.get()
    assert (saved.rating, saved.differently) == (8, "Start on time")
    assert client.post(url, {"rating": 11}).status_code == 302
    assert ProcessReview.objects.get().rating == 8


def test_a_facilitator_does_not_review_as_a_member(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    url = reverse("setwork:review", kwargs={"meeting": cast.meeting.public_id})
    assert cast.client("facilitator").post(url, {"rating": 9}).status_code == 403


def test_the_trend_averages_each_meeting_and_leaves_gaps(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    m1 = cast.meeting
    m2 = MeetingFactory.create(learning_set=cast.learning_set, number=2, starts_at=m1.starts_at + dt.timedelta(days=28))
    m3 = MeetingFactory.create(learning_set=cast.learning_set, number=3, starts_at=m1.starts_at + dt.timedelta(days=56))
    people = cast.learning_set.active_members()
    for who, rating in zip(people, (6, 7, 8), strict=False):
        review.review_save(meeting=m1, enrolment=who, rating=rating, helped="", differently="")
    for who, rating in zip(people, (9, 8), strict=False):
        review.review_save(meeting=m3, enrolment=who, rating=rating, helped="", differently="")
    trend = review.review_trend(cast.learning_set)
    assert [(t.meeting, t.average, t.responses) for t in trend] == [(m1, 7.0, 3), (m2, None, 0), (m3, 8.5, 2)]

    page = (
        cast.client("facilitator")
        .get(reverse("setwork:fairness", kwargs={"learning_set": cast.learning_set.public_id}))
        .content.decode()
    )
    # The chart has a table beside it, so the figures do not depend on seeing the bars.
    assert "<caption>Process review by meeting</caption>" in page
    assert "<td>8.5</td>" in page
    assert "<td>7.0</td>" in page


def test_members_do_not_see_each_others_reviews(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    other = next(m for m in cast.learning_set.active_members() if m.person.user_id != cast.users["a_participant"].pk)
    review.review_save(meeting=cast.meeting, enrolment=other, rating=2, helped="", differently="A private gripe")
    url = reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})
    assert "A private gripe" not in cast.client("a_participant").get(url).content.decode()
    facilitator_page = cast.client("facilitator").get(url).content.decode()
    assert "1 review so far" in facilitator_page
