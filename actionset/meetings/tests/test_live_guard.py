"""The facilitator's guard rails: starting only on the meeting's day unless confirmed, undoing a start, the
whole-meeting clock and airtime that lasts as long as the presenter bid for."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.evaluation.results import _health
from actionset.meetings import live
from actionset.meetings.models import Attendance, Meeting, MeetingRun, PresenterTurn
from actionset.room import airtime
from actionset.room.models import AirtimeBid
from conftest import Cast


@pytest.fixture
def world(programme_world: Cast) -> Cast:
    return programme_world


def _meeting(cast: Cast) -> Meeting:
    assert cast.meeting is not None
    return cast.meeting


def _facilitator(cast: Cast) -> Any:
    return cast.users["facilitator"]


def _today(meeting: Meeting) -> Meeting:
    """Move the meeting to now, which is its day wherever the programme meets."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now, ends_at=now + dt.timedelta(hours=3))
    meeting.refresh_from_db()
    return meeting


def _started_ago(run: MeetingRun, minutes: int) -> None:
    """Pretend the meeting was started `minutes` ago."""
    MeetingRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(minutes=minutes))


# --- starting only on the meeting's day -------------------------------------------------------


def test_a_meeting_days_away_is_not_started_without_the_facilitator_confirming_an_early_start(world: Cast) -> None:
    meeting = _meeting(world)
    with pytest.raises(live.EarlyStart) as refused:
        live.live_start(actor=_facilitator(world), meeting=meeting)
    assert refused.value.days == live.days_early(meeting)
    assert refused.value.days >= 6
    # "This meeting is scheduled for Tue 12 Jan, 36 days away."
    when = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.learning_set.programme.time_zone))
    assert str(refused.value) == (
        f"This meeting is scheduled for {when:%a} {when.day} {when:%b}, {refused.value.days} days away."
    )
    assert not MeetingRun.objects.exists()


def test_an_early_start_confirmed_starts_the_meeting_and_the_audit_says_how_early(world: Cast) -> None:
    run = live.live_start(actor=_facilitator(world), meeting=_meeting(world), early=True)
    assert run.version == 1
    event = AuditEvent.objects.get(action="meeting.started")
    assert event.detail["days_early"] >= 6


def test_on_the_meeting_s_day_it_starts_without_a_second_step(world: Cast) -> None:
    meeting = _today(_meeting(world))
    assert live.live_start(actor=_facilitator(world), meeting=meeting).version == 1


def test_the_meeting_s_day_is_counted_where_the_set_meets(world: Cast) -> None:
    meeting = _meeting(world)
    programme = meeting.learning_set.programme
    programme.time_zone = "Pacific/Auckland"
    programme.save(update_fields=["time_zone"])
    # 09:00 on 12 January in Auckland is 20:00 on 11 January in London.
    meeting.starts_at = dt.datetime(2027, 1, 12, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert live.days_early(meeting, now=dt.datetime(2027, 1, 11, 19, 30, tzinfo=dt.UTC)) == 0
    assert live.days_early(meeting, now=dt.datetime(2027, 1, 11, 10, 0, tzinfo=dt.UTC)) == 1
    assert live.days_early(meeting, now=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)) == 36
    assert live.early_start_warning(meeting, 36) == "This meeting is scheduled for Tue 12 Jan, 36 days away."
    assert live.early_start_warning(meeting, 1) == "This meeting is scheduled for Tue 12 Jan, 1 day away."


def test_a_meeting_whose_day_has_passed_can_still_be_started_late(world: Cast) -> None:
    meeting = _meeting(world)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2), ends_at=timezone.now() - dt.timedelta(days=2, hours=-3)
    )
    meeting.refresh_from_db()
    assert live.live_start(actor=_facilitator(world), meeting=meeting).version == 1


# --- undoing a start ----------------------------------------------------------------------------


def test_undoing_a_start_clears_the_live_state_and_the_meeting_is_scheduled_again(world: Cast) -> None:
    meeting = _meeting(world)
    run = live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    member = meeting.learning_set.active_members()[0]
    run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    run = live.live_presenter(actor=_facilitator(world), meeting=meeting, version=run.version, presenter=member)
    assert PresenterTurn.objects.filter(meeting=meeting).exists()
    live.live_undo_start(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert not MeetingRun.objects.filter(meeting=meeting).exists()
    # Nobody had that airtime: it does not count in the fairness record.
    assert not PresenterTurn.objects.filter(meeting=meeting).exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert not live.live_state(meeting).started
    event = AuditEvent.objects.get(action="meeting.start_undone")
    assert event.target_id == str(meeting.public_id)


def test_a_meeting_started_and_ended_by_mistake_is_no_longer_counted_as_held(world: Cast) -> None:
    meeting = _meeting(world)
    run = live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    sheet = live.sheet_of(meeting, run)
    while run.phase_index + 1 < len(sheet):
        run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    run = live.live_end(actor=_facilitator(world), meeting=meeting, version=run.version)
    member = meeting.learning_set.active_members()[0]
    live.attendance_record(actor=_facilitator(world), meeting=meeting, statuses={member.pk: Attendance.Status.PRESENT})
    assert Meeting.objects.filter(pk=meeting.pk).begun().exists()
    assert _health(meeting.learning_set.programme).meetings_held == 1
    assert _health(meeting.learning_set.programme).attendance_recorded == 1

    live.live_undo_start(actor=_facilitator(world), meeting=meeting, version=run.version)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert not Meeting.objects.filter(pk=meeting.pk).begun().exists()
    health = _health(meeting.learning_set.programme)
    assert health.meetings_held == 0
    # The ticks stay with the meeting for when it is really held, but count for nothing until then.
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert health.attendance_recorded == 0


def test_after_ten_minutes_a_start_cannot_be_undone(world: Cast) -> None:
    meeting = _meeting(world)
    run = live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    _started_ago(run, 9)
    assert live.live_state(meeting).can_undo
    _started_ago(run, 11)
    assert not live.live_state(meeting).can_undo
    with pytest.raises(live.LiveError, match="first ten minutes"):
        live.live_undo_start(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert MeetingRun.objects.filter(meeting=meeting).exists()


def test_undo_from_an_out_of_date_device_is_a_conflict(world: Cast) -> None:
    meeting = _meeting(world)
    run = live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    with pytest.raises(live.LiveConflict):
        live.live_undo_start(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert MeetingRun.objects.filter(meeting=meeting).exists()


def test_what_the_set_wrote_before_an_undo_stays_with_the_meeting(world: Cast) -> None:
    meeting = _meeting(world)
    member = meeting.learning_set.active_members()[0]
    run = live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    airtime.bid_save(meeting=meeting, enrolment=member, needs_time=True, minutes=25, urgency=2)
    live.note_save(author=_facilitator(world), meeting=meeting, text="Quiet start.", version=0)
    live.live_undo_start(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert AirtimeBid.objects.filter(meeting=meeting, minutes=25).exists()
    assert live.note_of(author=_facilitator(world), meeting=meeting).text == "Quiet start."


# --- airtime from bids, the whole-meeting clock -----------------------------------------------


def _to_airtime(cast: Cast) -> MeetingRun:
    meeting = _meeting(cast)
    run = live.live_start(actor=_facilitator(cast), meeting=meeting, early=True)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "airtime":
        run = live.live_next(actor=_facilitator(cast), meeting=meeting, version=run.version)
    return run


def test_a_presenter_s_airtime_lasts_as_long_as_they_bid_for(world: Cast) -> None:
    meeting = _meeting(world)
    first, second = meeting.learning_set.active_members()[:2]
    airtime.bid_save(meeting=meeting, enrolment=first, needs_time=True, minutes=25, urgency=2)
    run = _to_airtime(world)
    run = live.live_presenter(actor=_facilitator(world), meeting=meeting, version=run.version, presenter=first)
    assert live.live_state(meeting).allotted_seconds == 25 * 60
    run = live.live_extend(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert live.live_state(meeting).allotted_seconds == 30 * 60
    # Without a bid, the run sheet's minutes stand in.
    live.live_presenter(actor=_facilitator(world), meeting=meeting, version=run.version, presenter=second)
    assert live.live_state(meeting).allotted_seconds == 40 * 60


def test_the_whole_meeting_clock_counts_presenters_still_to_go_and_time_to_the_scheduled_end(world: Cast) -> None:
    meeting = _today(_meeting(world))
    a, b, c = meeting.learning_set.active_members()[:3]
    for who in (a, b, c):
        airtime.bid_save(meeting=meeting, enrolment=who, needs_time=True, minutes=30, urgency=2)
    run = _to_airtime(world)
    state = live.live_state(meeting)
    assert len(state.presenters_to_go()) == 3
    assert 3 * 3600 - 60 < state.meeting_seconds_left <= 3 * 3600
    run = live.live_presenter(actor=_facilitator(world), meeting=meeting, version=run.version, presenter=a)
    assert [e.pk for e in live.live_state(meeting).presenters_to_go()] == [
        e.pk for e in airtime.presenter_order(meeting) if e.pk != a.pk
    ]


def test_a_meeting_started_early_is_timed_for_its_scheduled_length_from_the_start(world: Cast) -> None:
    meeting = _meeting(world)  # a week away, three hours long
    live.live_start(actor=_facilitator(world), meeting=meeting, early=True)
    assert 3 * 3600 - 60 < live.live_state(meeting).meeting_seconds_left <= 3 * 3600


# --- the pages: confirmations, undo, the clock, the room display -------------------------------


def _url(name: str, cast: Cast) -> str:
    return reverse(f"live:{name}", kwargs={"meeting": _meeting(cast).public_id})


def _post(client: Client, cast: Cast, htmx: bool = False, **data: Any) -> Any:
    return client.post(_url("command", cast), data, headers={"HX-Request": "true"} if htmx else {})


@pytest.mark.parametrize("htmx", [False, True])
def test_starting_early_is_a_second_step_that_says_how_early(world: Cast, htmx: bool) -> None:
    facilitator = world.client("facilitator")
    first = _post(facilitator, world, htmx, command="start", version=0)
    assert first.status_code == 200
    html = first.content.decode()
    assert "Start this meeting early?" in html
    assert live.early_start_warning(_meeting(world), live.days_early(_meeting(world))) in html
    assert 'name="early"' in html
    assert 'name="confirmed"' in html
    assert not MeetingRun.objects.exists()
    # A confirmation that says nothing about starting early is asked again, with the warning.
    again = _post(facilitator, world, htmx, command="start", version=0, confirmed="on")
    assert "Start this meeting early?" in again.content.decode()
    assert not MeetingRun.objects.exists()
    done = _post(facilitator, world, htmx, command="start", version=0, confirmed="on", early="on")
    assert done.status_code == (200 if htmx else 302)
    assert MeetingRun.objects.filter(meeting=_meeting(world)).exists()


def test_on_the_day_start_still_asks_once_but_says_nothing_of_early(world: Cast) -> None:
    _today(_meeting(world))
    facilitator = world.client("facilitator")
    html = _post(facilitator, world, True, command="start", version=0).content.decode()
    assert "Start the meeting?" in html
    assert 'name="early"' not in html
    assert _post(facilitator, world, True, command="start", version=0, confirmed="on").status_code == 200
    assert MeetingRun.objects.exists()


def test_ending_asks_for_confirmation_and_the_server_insists(world: Cast) -> None:
    facilitator = world.client("facilitator")
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    asked = _post(facilitator, world, command="end", version=1)
    assert asked.status_code == 200
    assert "End the meeting for everyone?" in asked.content.decode()
    assert _meeting(world).status == Meeting.Status.SCHEDULED
    assert _post(facilitator, world, command="end", version=1, confirmed="on").status_code == 302
    _meeting(world).refresh_from_db()
    assert _meeting(world).status == Meeting.Status.HELD


def test_the_facilitator_undoes_a_start_from_the_page_and_members_see_it_waiting_again(world: Cast) -> None:
    facilitator = world.client("facilitator")
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    page = facilitator.get(_url("live", world)).content.decode()
    assert 'value="undo"' in page
    member_page = world.client("a_participant").get(_url("live", world)).content.decode()
    assert 'value="undo"' not in member_page
    asked = _post(facilitator, world, True, command="undo", version=1).content.decode()
    assert "Undo the start?" in asked
    assert "stays with the meeting" in asked
    assert MeetingRun.objects.exists()
    undone = _post(facilitator, world, True, command="undo", version=1, confirmed="on")
    assert undone.status_code == 200
    assert "The start is undone" in undone.content.decode()
    assert not MeetingRun.objects.exists()
    assert "Waiting to start" in world.client("a_participant").get(_url("live", world)).content.decode()


def test_a_member_cannot_undo_a_start(world: Cast) -> None:
    _post(world.client("facilitator"), world, command="start", version=0, confirmed="on", early="on")
    response = _post(world.client("a_participant"), world, command="undo", version=1, confirmed="on")
    assert response.status_code == 403
    assert MeetingRun.objects.exists()


def test_after_ten_minutes_the_page_offers_no_undo_and_the_server_refuses_one(world: Cast) -> None:
    facilitator = world.client("facilitator")
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    _started_ago(MeetingRun.objects.get(), 11)
    assert 'value="undo"' not in facilitator.get(_url("live", world)).content.decode()
    refused = _post(facilitator, world, True, command="undo", version=1, confirmed="on")
    assert refused.status_code == 422
    assert "first ten minutes" in refused.content.decode()
    assert MeetingRun.objects.exists()


def test_a_restart_after_an_undo_is_not_mistaken_for_the_old_run_by_a_polling_device(world: Cast) -> None:
    facilitator, member = world.client("facilitator"), world.client("a_participant")
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    seen = member.get(_url("state", world))["ETag"]
    _post(facilitator, world, command="undo", version=1, confirmed="on")
    MeetingRun.objects.all().delete()
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    MeetingRun.objects.update(started_at=timezone.now() + dt.timedelta(seconds=5))
    assert member.get(_url("state", world), headers={"If-None-Match": seen}).status_code == 200


def test_the_facilitator_sees_the_whole_meeting_s_clock_and_members_do_not(world: Cast) -> None:
    meeting = _today(_meeting(world))
    a, b = meeting.learning_set.active_members()[:2]
    for who in (a, b):
        airtime.bid_save(meeting=meeting, enrolment=who, needs_time=True, minutes=30, urgency=2)
    _post(world.client("facilitator"), world, command="start", version=0, confirmed="on")
    html = world.client("facilitator").get(_url("live", world)).content.decode()
    assert re.search(r"2 presenters, <span data-meeting-left=\"1\">(2 h 5\d|3 h 00)</span> left", html)
    assert "data-meeting-clock" not in world.client("a_participant").get(_url("live", world)).content.decode()
    run = MeetingRun.objects.get()
    while live.sheet_of(meeting, run)[run.phase_index].kind != "airtime":
        run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    _post(world.client("facilitator"), world, command="presenter", version=run.version, presenter=str(a.public_id))
    html = world.client("facilitator").get(_url("live", world)).content.decode()
    assert "30 minutes of airtime, as bid." in html
    assert re.search(r"1 presenter, <span data-meeting-left=\"1\">", html)


def test_the_page_lists_the_keyboard_shortcuts_for_the_facilitator_only(world: Cast) -> None:
    html = world.client("facilitator").get(_url("live", world)).content.decode()
    assert 'id="live-shortcuts"' in html
    assert "aria-keyshortcuts" not in html  # not started: no controls yet
    _post(world.client("facilitator"), world, command="start", version=0, confirmed="on", early="on")
    html = world.client("facilitator").get(_url("live", world)).content.decode()
    assert 'aria-keyshortcuts="N"' in html
    assert 'id="live-shortcuts"' not in world.client("a_participant").get(_url("live", world)).content.decode()


def test_the_room_display_shows_phase_presenter_and_timer_and_nothing_else(world: Cast) -> None:
    facilitator = world.client("facilitator")
    _post(facilitator, world, command="start", version=0, confirmed="on", early="on")
    _post(facilitator, world, command="extend", version=1)
    live.note_save(author=_facilitator(world), meeting=_meeting(world), text="Private thought", version=0)
    for role in ("facilitator", "a_participant"):
        response = world.client(role).get(_url("display", world))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Check-in" in html
        assert "data-timer" in html
        assert "Private thought" not in html
        assert "Guidance for you" not in html
        assert 'value="next"' not in html
        assert "Attendance" not in html
    # One device: the tag it is sent is signed for its session (meetings/poll.py).
    display = world.client("a_participant")
    polled = display.get(_url("display", world), headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "<html" not in polled.content.decode()
    again = display.get(_url("display", world), headers={"HX-Request": "true", "If-None-Match": polled["ETag"]})
    assert again.status_code == 304
    # The display's tag is its own: a member's page never takes the display's fragment for its own.
    member_state = world.client("a_participant").get(_url("state", world))
    assert member_state["ETag"] != polled["ETag"]
