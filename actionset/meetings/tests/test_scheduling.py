from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from actionset.meetings.scheduling import (
    Attendee,
    first_meeting_date,
    programme_plans,
    rank_slots,
    series_times,
)
from actionset.meetings.tests.conftest import add_set, published_programme
from conftest import Cast

LONDON = ZoneInfo("Europe/London")


def test_the_slot_everyone_can_attend_is_chosen() -> None:
    people = [
        Attendee("Ann", frozenset({"mon-am", "wed-pm"})),
        Attendee("Ben", frozenset({"wed-pm", "thu-am"})),
        Attendee("Cal", frozenset()),  # no availability given: any slot
    ]
    best = rank_slots(people, meeting_minutes=180)[0]
    assert best.slot == "wed-pm"
    assert best.everyone_can_attend


def test_without_a_common_slot_the_one_most_can_attend_is_chosen_and_the_others_named() -> None:
    people = [
        Attendee("Ann", frozenset({"mon-am"})),
        Attendee("Ben", frozenset({"tue-pm"})),
        Attendee("Cal", frozenset({"tue-pm"})),
    ]
    best = rank_slots(people, meeting_minutes=180)[0]
    assert best.slot == "tue-pm"
    assert best.cannot_attend == ("Ann",)
    assert not best.everyone_can_attend


def test_a_full_day_meeting_needs_both_halves_of_the_day() -> None:
    people = [Attendee("Ann", frozenset({"mon-am", "tue-am", "tue-pm"})), Attendee("Ben", frozenset())]
    best = rank_slots(people, meeting_minutes=420)[0]
    assert best.slot == "tue-am"
    assert best.label == "Tuesday (all day)"
    assert best.everyone_can_attend


def test_a_set_meets_where_all_its_members_and_facilitator_can(cast: Cast) -> None:
    programme = published_programme(cast)
    learning_set = add_set(
        programme, [["mon-am", "thu-pm"], ["thu-pm", "fri-am"], []], facilitator=cast.users["facilitator"]
    )
    (plan,) = programme_plans(programme)
    assert plan.learning_set == learning_set
    assert plan.chosen.slot == "thu-pm"
    assert plan.chosen.everyone_can_attend
    assert not plan.fixed


def test_conflicts_name_the_people_who_cannot_come(cast: Cast) -> None:
    programme = published_programme(cast)
    add_set(programme, [["mon-am"], ["wed-am"], ["wed-am"]], names=["Asha Patel", "Ben Okafor", "Cara Lewis"])
    (plan,) = programme_plans(programme)
    assert plan.chosen.slot == "wed-am"
    assert plan.chosen.cannot_attend == ("Asha Patel",)


def test_withdrawn_members_do_not_constrain_the_slot(cast: Cast) -> None:
    programme = published_programme(cast)
    learning_set = add_set(programme, [["mon-am"], ["wed-am"]], names=["Asha Patel", "Ben Okafor"])
    asha = learning_set.memberships.get(enrolment__person__name="Asha Patel").enrolment
    asha.withdrawn_at = asha.created_at
    asha.save(update_fields=["withdrawn_at"])
    (plan,) = programme_plans(programme)
    assert plan.chosen.slot == "wed-am"
    assert plan.chosen.everyone_can_attend


def test_a_set_that_already_has_a_slot_keeps_it(cast: Cast) -> None:
    programme = published_programme(cast)
    learning_set = add_set(programme, [["mon-am"], ["mon-am"]])
    learning_set.slot = "fri-pm"
    learning_set.save(update_fields=["slot"])
    (plan,) = programme_plans(programme)
    assert plan.fixed
    assert plan.chosen.slot == "fri-pm"
    assert len(plan.chosen.cannot_attend) == 2


def test_a_facilitator_is_not_put_in_two_sets_at_the_same_time(cast: Cast) -> None:
    programme = published_programme(cast)
    facilitator = cast.users["facilitator"]
    add_set(programme, [["tue-am", "thu-am"]], facilitator=facilitator, name="Set A")
    add_set(programme, [["tue-am", "thu-am"]], facilitator=facilitator, name="Set B")
    first, second = programme_plans(programme)
    assert first.chosen.slot == "tue-am"
    assert second.chosen.slot == "thu-am"
    assert second.chosen.everyone_can_attend


def test_the_series_starts_on_the_slots_weekday_on_or_after_the_start_date() -> None:
    wednesday = dt.date(2027, 1, 6)
    assert first_meeting_date(wednesday, "wed-am") == wednesday
    assert first_meeting_date(wednesday, "tue-am") == dt.date(2027, 1, 12)
    assert first_meeting_date(wednesday, "fri-pm") == dt.date(2027, 1, 8)


def test_a_morning_series_stays_at_half_past_nine_in_london_when_the_clocks_go_back() -> None:
    # The clocks go back on 31 October 2027: the UTC time of the meeting moves, the local time must not.
    times = series_times(
        start=dt.date(2027, 10, 4),
        slot="tue-am",
        number=4,
        cadence_weeks=2,
        meeting_minutes=180,
        time_zone="Europe/London",
    )
    starts = [begins for begins, _ in times]
    assert [s.date() for s in starts] == [
        dt.date(2027, 10, 5),
        dt.date(2027, 10, 19),
        dt.date(2027, 11, 2),
        dt.date(2027, 11, 16),
    ]
    assert {s.astimezone(LONDON).strftime("%H:%M") for s in starts} == {"09:30"}
    assert [s.astimezone(dt.UTC).hour for s in starts] == [8, 8, 9, 9]
    assert {(ends - begins) for begins, ends in times} == {dt.timedelta(hours=3)}
    assert {ends.astimezone(LONDON).strftime("%H:%M") for _, ends in times} == {"12:30"}


def test_a_series_in_another_time_zone_keeps_its_own_local_time() -> None:
    times = series_times(
        start=dt.date(2027, 3, 1),
        slot="mon-pm",
        number=3,
        cadence_weeks=1,
        meeting_minutes=120,
        time_zone="America/New_York",
    )
    new_york = ZoneInfo("America/New_York")
    assert {b.astimezone(new_york).strftime("%H:%M") for b, _ in times} == {"13:30"}
    # New York puts its clocks forward on 14 March 2027, so the third meeting is an hour earlier in UTC.
    assert [b.astimezone(dt.UTC).hour for b, _ in times] == [18, 18, 17]
