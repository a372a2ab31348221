"""The live meeting's services: moving through the run sheet, the clock, presenters, ending, notes, attendance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.meetings import live
from actionset.meetings.models import Attendance, Meeting, MeetingRun, PresenterTurn
from actionset.programmes.models import Enrolment
from actionset.room.models import Action
from conftest import Cast


@pytest.fixture
def world(programme_world: Cast) -> Cast:
    return programme_world


def _meeting(cast: Cast) -> Meeting:
    assert cast.meeting is not None
    return cast.meeting


def _facilitator(cast: Cast) -> Any:
    return cast.users["facilitator"]


def _started(cast: Cast, method: str = "uk") -> MeetingRun:
    assert cast.programme is not None
    cast.programme.method = method
    cast.programme.save(update_fields=["method"])
    # The cast's meeting is a week away: starting it is an early start, confirmed.
    return live.live_start(actor=_facilitator(cast), meeting=_meeting(cast), early=True)


def _member(cast: Cast) -> Enrolment:
    return _meeting(cast).learning_set.active_members()[0]


def _rewind(run: MeetingRun, seconds: int) -> None:
    """Pretend the phase began `seconds` ago."""
    back = dt.timedelta(seconds=seconds)
    MeetingRun.objects.filter(pk=run.pk).update(phase_started_at=run.phase_started_at - back)
    for turn in PresenterTurn.objects.filter(meeting_id=run.meeting_id, ended_at__isnull=True):
        turn.started_at -= back
        turn.save(update_fields=["started_at"])
    run.refresh_from_db()


def test_starting_a_meeting_begins_its_first_phase_and_is_audited(world: Cast) -> None:
    run = _started(world)
    state = live.live_state(_meeting(world))
    assert run.version == 1
    assert state.phase is not None
    assert state.phase.key == "checkin"
    assert state.allotted_seconds == 15 * 60
    assert AuditEvent.objects.filter(action="meeting.started", target_id=str(_meeting(world).public_id)).exists()


def test_a_meeting_starts_once(world: Cast) -> None:
    _started(world)
    with pytest.raises(live.LiveConflict):
        live.live_start(actor=_facilitator(world), meeting=_meeting(world))


def test_a_cancelled_meeting_cannot_be_started(world: Cast) -> None:
    Meeting.objects.filter(pk=_meeting(world).pk).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(live.LiveError, match="cancelled"):
        live.live_start(actor=_facilitator(world), meeting=_meeting(world))


def test_next_and_previous_move_through_the_run_sheet_and_bump_the_version(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert (run.phase_index, run.version) == (1, 2)
    run = live.live_previous(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert (run.phase_index, run.version) == (0, 3)
    with pytest.raises(live.LiveError, match="first phase"):
        live.live_previous(actor=_facilitator(world), meeting=meeting, version=run.version)


def test_a_command_with_a_stale_version_is_a_conflict_carrying_the_current_state(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    with pytest.raises(live.LiveConflict) as caught:
        live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert caught.value.run is not None
    assert caught.value.run.phase_index == 1
    assert MeetingRun.objects.get(meeting=meeting).phase_index == 1


def test_pause_and_resume_keep_paused_time_out_of_the_clock(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    _rewind(run, 120)
    run = live.live_pause(actor=_facilitator(world), meeting=meeting, version=run.version)
    MeetingRun.objects.filter(pk=run.pk).update(paused_at=timezone.now() - dt.timedelta(seconds=60))
    run.refresh_from_db()
    run = live.live_resume(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert run.paused_at is None
    assert run.paused_seconds >= 59
    assert 55 <= run.elapsed_seconds() <= 65


def test_extending_adds_five_minutes_to_this_phase_only(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    run = live.live_extend(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert live.live_state(meeting).allotted_seconds == 20 * 60
    live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    assert live.live_state(meeting).allotted_seconds == 20 * 60  # the progress round's own 20 minutes


def test_an_overrun_is_reported(world: Cast) -> None:
    run = _started(world)
    _rewind(run, 16 * 60)
    state = live.live_state(_meeting(world))
    assert state.is_overrun
    assert state.remaining_seconds < 0


def test_airtime_turns_are_recorded_per_presenter_with_the_clock_restarting(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    facilitator = _facilitator(world)
    for _ in range(3):  # to airtime
        run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    first, second = meeting.learning_set.active_members()[:2]
    run = live.live_presenter(actor=facilitator, meeting=meeting, version=run.version, presenter=first)
    _rewind(run, 600)
    run = live.live_presenter(actor=facilitator, meeting=meeting, version=run.version, presenter=second)
    assert run.elapsed_seconds() < 5
    run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    assert run.presenter is None  # airtime is over: nobody holds the set's time in the process review
    turns = list(PresenterTurn.objects.filter(meeting=meeting))
    assert [t.enrolment_id for t in turns] == [first.pk, second.pk]
    assert all(t.ended_at is not None for t in turns)
    assert turns[0].seconds >= 599


def test_only_a_member_of_the_set_can_present(world: Cast) -> None:
    run = _started(world)
    assert world.other_set is not None
    outsider = world.other_set.memberships.first().enrolment  # type: ignore[union-attr]
    with pytest.raises(live.LiveError, match="member of this set"):
        live.live_presenter(actor=_facilitator(world), meeting=_meeting(world), version=run.version, presenter=outsider)


def test_ending_marks_the_meeting_held_closes_the_turn_and_is_audited(world: Cast) -> None:
    run = _started(world)
    meeting = _meeting(world)
    run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    live.live_end(actor=_facilitator(world), meeting=meeting, version=run.version)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert AuditEvent.objects.filter(action="meeting.ended").exists()
    with pytest.raises(live.LiveError, match="ended"):
        live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version + 1)


def test_a_wial_meeting_cannot_end_or_skip_before_its_learning_reflection(world: Cast) -> None:
    run = _started(world, method="wial")
    meeting = _meeting(world)
    facilitator = _facilitator(world)
    with pytest.raises(live.LiveError, match="Learning reflection"):
        live.live_end(actor=facilitator, meeting=meeting, version=run.version)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "coach":  # just before the reflection
        run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    with pytest.raises(live.LiveError, match="cannot be skipped"):
        live.live_skip(actor=facilitator, meeting=meeting, version=run.version)
    with pytest.raises(live.LiveError, match="Learning reflection"):
        live.live_end(actor=facilitator, meeting=meeting, version=run.version)
    run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    assert live.live_state(meeting).can_end
    live.live_end(actor=facilitator, meeting=meeting, version=run.version)


def test_a_skippable_phase_can_be_skipped(world: Cast) -> None:
    run = _started(world)
    run = live.live_skip(actor=_facilitator(world), meeting=_meeting(world), version=run.version)
    assert run.phase_index == 2


def test_the_wial_presenter_keeps_the_set_s_attention_across_phases(world: Cast) -> None:
    run = _started(world, method="wial")
    meeting = _meeting(world)
    facilitator = _facilitator(world)
    run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    run = live.live_presenter(actor=facilitator, meeting=meeting, version=run.version, presenter=_member(world))
    run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    assert run.presenter_id == _member(world).pk


def test_the_presenter_order_follows_the_agreed_airtime_order_when_there_is_one(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _meeting(world).learning_set.active_members()
    monkeypatch.setattr(live, "presenter_order_source", lambda meeting: [members[2], members[0]])
    order = live.presenter_choices(_meeting(world))
    assert order[:2] == [members[2], members[0]]
    assert set(order) == set(members)


# --- notes -------------------------------------------------------------------------------------


def test_a_note_saves_with_its_version_and_refuses_a_stale_one(world: Cast) -> None:
    meeting, author = _meeting(world), _facilitator(world)
    note = live.note_save(author=author, meeting=meeting, text="First thoughts", version=0)
    assert note.version == 1
    live.note_save(author=author, meeting=meeting, text="From the tablet", version=1)
    with pytest.raises(live.NoteConflict) as caught:
        live.note_save(author=author, meeting=meeting, text="From the laptop", version=1)
    assert caught.value.note.text == "From the tablet"


def test_each_facilitator_has_their_own_note(world: Cast) -> None:
    meeting = _meeting(world)
    live.note_save(author=_facilitator(world), meeting=meeting, text="Mine", version=0)
    other = live.note_of(author=world.users["designer"], meeting=meeting)
    assert other.text == ""
    assert other.pk is None


# --- attendance and the run sheet --------------------------------------------------------------


def test_attendance_is_recorded_per_member_and_can_be_corrected(world: Cast) -> None:
    meeting = _meeting(world)
    first, second = meeting.learning_set.active_members()[:2]
    facilitator = _facilitator(world)
    live.attendance_record(actor=facilitator, meeting=meeting, statuses={first.pk: "present", second.pk: "apologies"})
    live.attendance_record(actor=facilitator, meeting=meeting, statuses={second.pk: "absent"})
    assert meeting.attendance_by_enrolment() == {first.pk: "present", second.pk: "absent"}
    assert Attendance.objects.count() == 2


def test_attendance_is_refused_for_someone_outside_the_set(world: Cast) -> None:
    assert world.other_set is not None
    outsider = world.other_set.memberships.first().enrolment  # type: ignore[union-attr]
    with pytest.raises(live.LiveError):
        live.attendance_record(actor=_facilitator(world), meeting=_meeting(world), statuses={outsider.pk: "present"})


def test_the_run_sheet_stores_only_departures_from_the_defaults(world: Cast) -> None:
    programme = world.programme
    assert programme is not None
    programme.phase_minutes = {"reflection": 25}
    stored = live.run_sheet_update(
        actor=world.users["designer"], programme=programme, minutes={"checkin": 15, "airtime": 35}
    )
    assert stored == {"reflection": 25, "airtime": 35}
    with pytest.raises(live.LiveError):
        live.run_sheet_update(actor=world.users["designer"], programme=programme, minutes={"airtime": 0})


@pytest.mark.parametrize("method", ["uk", "wial", "incident", "troika"])
def test_every_method_s_progress_round_shows_each_member_their_earlier_actions(
    world: Cast, client: Any, method: str
) -> None:
    meeting = _meeting(world)
    member = meeting.learning_set.member_enrolment(world.users["a_participant"])
    assert member is not None
    earlier = Meeting.objects.create(
        learning_set=meeting.learning_set,
        number=meeting.number - 1,
        starts_at=meeting.starts_at - dt.timedelta(weeks=4),
        ends_at=meeting.ends_at - dt.timedelta(weeks=4),
        status=Meeting.Status.HELD,
    )
    Action.objects.create(learning_set=meeting.learning_set, owner=member, meeting=earlier, text="Ring the night team")
    run = _started(world, method=method)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "progress":
        run = live.live_next(actor=_facilitator(world), meeting=meeting, version=run.version)
    client.force_login(world.users["a_participant"])
    page = client.get(reverse("live:live", kwargs={"meeting": meeting.public_id})).content.decode()
    assert 'id="panel-progress"' in page
    assert "Ring the night team" in page


def test_a_phase_in_rounds_counts_its_rounds_and_restarts_the_clock_for_each(world: Cast) -> None:
    meeting = _meeting(world)
    facilitator = _facilitator(world)
    run = _started(world, method="troika")
    with pytest.raises(live.LiveError, match="not run in rounds"):
        live.live_round(actor=facilitator, meeting=meeting, version=run.version)
    while not live.sheet_of(meeting, run)[run.phase_index].in_rounds:
        run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    assert run.round == 1
    _rewind(run, 300)
    run = live.live_round(actor=facilitator, meeting=meeting, version=run.version)
    assert run.round == 2
    assert live.live_state(meeting).elapsed_seconds < 60
    for _ in range(live.rounds_in(meeting) - 2):
        run = live.live_round(actor=facilitator, meeting=meeting, version=run.version)
    with pytest.raises(live.LiveError, match="Every member has had their round"):
        live.live_round(actor=facilitator, meeting=meeting, version=run.version)
    # Back and forth again starts from the first round.
    run = live.live_previous(actor=facilitator, meeting=meeting, version=run.version)
    run = live.live_next(actor=facilitator, meeting=meeting, version=run.version)
    assert run.round == 1
