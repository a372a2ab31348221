"""The process review goes somewhere: the set and its facilitator read what helped and what to do differently,
and the trend, at the next meeting's check-in and on the set's page; nobody outside the set does."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.html import escape

from actionset.meetings import live
from actionset.meetings.models import Meeting
from actionset.room import airtime, review
from conftest import Cast
from tests.factories import MeetingFactory


def _meetings(cast: Cast) -> tuple[Meeting, Meeting, Meeting]:
    assert cast.meeting is not None
    assert cast.learning_set is not None
    m1 = cast.meeting
    m2 = MeetingFactory.create(learning_set=cast.learning_set, number=2, starts_at=m1.starts_at + dt.timedelta(days=28))
    m3 = MeetingFactory.create(learning_set=cast.learning_set, number=3, starts_at=m1.starts_at + dt.timedelta(days=56))
    return m1, m2, m3


def _reviewed(cast: Cast) -> tuple[Meeting, Meeting, Meeting]:
    assert cast.learning_set is not None
    m1, m2, m3 = _meetings(cast)
    a, b = cast.learning_set.active_members()[:2]
    review.review_save(meeting=m1, enrolment=a, rating=5, helped="Silence after questions", differently="")
    review.review_save(meeting=m2, enrolment=a, rating=7, helped="Open questions", differently="Start on time")
    review.review_save(meeting=m2, enrolment=b, rating=9, helped="", differently="Less advice")
    return m1, m2, m3


def test_the_look_back_is_the_latest_reviewed_meeting_before_this_one_with_the_trend(programme_world: Cast) -> None:
    assert programme_world.learning_set is not None
    m1, m2, m3 = _reviewed(programme_world)
    back = review.review_look_back(programme_world.learning_set, before=m3)
    assert back is not None
    assert back.meeting == m2
    assert (back.average, back.responses) == (8.0, 2)
    assert back.helped == ["Open questions"]
    assert back.differently == ["Start on time", "Less advice"]
    assert [(t.meeting, t.average) for t in back.trend] == [(m1, 5.0), (m2, 8.0)]
    # At meeting 2, the set looks back at meeting 1; at meeting 1 there is nothing to look back at.
    earlier = review.review_look_back(programme_world.learning_set, before=m2)
    assert earlier is not None
    assert earlier.meeting == m1
    assert review.review_look_back(programme_world.learning_set, before=m1) is None


def _to_checkin(cast: Cast, meeting: Meeting) -> None:
    live.live_start(actor=cast.users["facilitator"], meeting=meeting, early=True)


def test_the_next_meeting_s_check_in_shows_the_set_and_its_facilitator_the_last_review(programme_world: Cast) -> None:
    _, _, m3 = _reviewed(programme_world)
    _to_checkin(programme_world, m3)
    url = reverse("live:live", kwargs={"meeting": m3.public_id})
    for role in ("a_participant", "facilitator"):
        html = programme_world.client(role).get(url).content.decode()
        assert "How we worked at meeting 2" in html
        assert "Start on time" in html
        assert "Less advice" in html
        assert "Open questions" in html
        assert "8.0 out of 10 from 2 reviews" in html
        # Unsigned: the answers are the set's, not a list of who said what.
        for member in programme_world.learning_set.active_members()[:2]:  # type: ignore[union-attr]
            assert f"{escape(member.person.name)}: " not in html


def test_the_set_s_page_shows_the_review_to_the_set_and_not_to_a_designer(programme_world: Cast) -> None:
    _reviewed(programme_world)
    assert programme_world.learning_set is not None
    url = reverse("sets:detail", kwargs={"learning_set": programme_world.learning_set.public_id})
    for role in ("a_participant", "facilitator"):
        html = programme_world.client(role).get(url).content.decode()
        assert "How we have been working" in html
        assert "Less advice" in html
    designer = programme_world.client("designer").get(url)
    assert designer.status_code == 200
    assert "How we have been working" not in designer.content.decode()
    assert "Less advice" not in designer.content.decode()


def test_a_member_is_told_where_the_answers_go(programme_world: Cast) -> None:
    assert programme_world.meeting is not None
    url = reverse("setwork:work", kwargs={"meeting": programme_world.meeting.public_id})
    html = programme_world.client("a_participant").get(url).content.decode()
    assert "without your name, at the next meeting's check-in" in html


def test_the_facilitator_agrees_the_order_beside_the_fairness_record(programme_world: Cast) -> None:
    m1, m2, _ = _meetings(programme_world)
    assert programme_world.learning_set is not None
    a, b = programme_world.learning_set.active_members()[:2]
    airtime.bid_save(meeting=m1, enrolment=a, needs_time=True, minutes=35, urgency=2)
    airtime.notes_for(m1, a)  # a turn at meeting 1, its minutes those bid for
    for who in (a, b):
        airtime.bid_save(meeting=m2, enrolment=who, needs_time=True, minutes=30, urgency=2)
    url = reverse("setwork:work", kwargs={"meeting": m2.public_id})
    html = programme_world.client("facilitator").get(url).content.decode()
    assert "Airtime so far" in html
    assert "1 turn, 35 min" in html
    assert "0 turns, 0 min" in html
    member_html = programme_world.client("a_participant").get(url).content.decode()
    assert "Airtime so far" not in member_html


def test_a_method_without_a_check_in_reads_the_last_review_in_its_first_phase(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    programme_world.programme.method = "incident"
    programme_world.programme.save(update_fields=["method"])
    _, _, m3 = _reviewed(programme_world)
    run = live.live_start(actor=programme_world.users["facilitator"], meeting=m3, early=True)
    url = reverse("live:live", kwargs={"meeting": m3.public_id})
    html = programme_world.client("a_participant").get(url).content.decode()
    assert "How we worked at meeting 2" in html
    live.live_next(actor=programme_world.users["facilitator"], meeting=m3, version=run.version)
    html = programme_world.client("a_participant").get(url).content.decode()
    assert "How we worked at meeting 2" not in html
