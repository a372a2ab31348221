"""Troika consulting in trios: the split, the facilitator's adjustments, the rounds and their rhythm, each trio's
notes and its clients' actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from actionset.meetings import live
from actionset.meetings.live_views import _rhythm
from actionset.meetings.models import MeetingRun
from actionset.room import trios
from actionset.room.models import TrioNotes, TrioPlace
from actionset.room.tests.test_actions import member
from conftest import Cast

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, []), (2, [2]), (3, [3]), (4, [4]), (5, [3, 2]), (6, [3, 3]), (7, [3, 4]), (8, [4, 4]), (9, [3, 3, 3])],
)
def test_a_set_splits_into_trios_with_a_quad_or_a_pair_where_needed(count: int, expected: list[int]) -> None:
    assert trios.sizes(count) == expected
    assert sum(trios.sizes(count)) == count


def _url(name: str, cast: Cast) -> str:
    assert cast.meeting is not None
    return reverse(f"setwork:{name}", kwargs={"meeting": cast.meeting.public_id})


def _in_round(cast: Cast) -> Any:
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "troika"
    cast.programme.save(update_fields=["method"])
    facilitator = cast.users["facilitator"]
    run = live.live_start(actor=facilitator, meeting=cast.meeting, early=True)
    while not live.sheet_of(cast.meeting, run)[run.phase_index].in_rounds:
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
    return run


def test_the_set_is_split_until_the_facilitator_sets_the_trios(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    members = cast.learning_set.active_members()
    assert [len(t.members) for t in trios.trios_for(cast.meeting)] == [4]
    assert trios.rounds(cast.meeting) == 4
    # The facilitator makes a trio and leaves one member out today.
    data = {f"trio-{m.public_id}": "1" for m in members[:3]} | {f"trio-{members[3].public_id}": "0"}
    assert cast.client("a_participant").post(_url("trios", cast), data).status_code == 403
    cast.client("facilitator").post(_url("trios", cast), data)
    (trio,) = trios.trios_for(cast.meeting)
    assert trio.members == members[:3]
    assert [trio.client(n) for n in (1, 2, 3, 4)] == [*members[:3], None]
    assert trios.rounds(cast.meeting) == 3
    assert not TrioPlace.objects.filter(enrolment=members[3]).exists()


def test_a_member_writes_their_own_trio_s_notes_and_no_other_s(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    members = cast.learning_set.active_members()
    mine = member(cast)
    others = [m for m in members if m.pk != mine.pk]
    trios.trios_save(meeting=cast.meeting, placement={mine.pk: 1, others[0].pk: 1, others[1].pk: 2, others[2].pk: 2})
    client = cast.client("a_participant")
    assert client.post(_url("trio_notes", cast), {"trio": 2, "version": 1, "text": "Not ours"}).status_code == 403
    response = client.post(
        _url("trio_notes", cast), {"trio": 1, "version": 1, "text": "Try a pilot", "panel": "round"}, headers=HTMX
    )
    assert response.status_code == 200
    assert TrioNotes.objects.get(trio=1).text == "Try a pilot"
    # Written from an old copy, the notes are not overwritten: the writer keeps theirs to copy back in.
    stale = client.post(
        _url("trio_notes", cast), {"trio": 1, "version": 1, "text": "Mine", "panel": "round"}, headers=HTMX
    )
    assert stale.status_code == 409
    assert "Mine" in stale.content.decode()
    assert TrioNotes.objects.get(trio=1).text == "Try a pilot"
    # The facilitator writes in any trio's notes.
    assert (
        cast.client("facilitator").post(_url("trio_notes", cast), {"trio": 2, "version": 1, "text": "x"}).status_code
        == 302
    )


def test_the_live_round_shows_each_member_their_trio_its_client_and_the_rhythm(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    run = _in_round(cast)
    url = reverse("live:live", kwargs={"meeting": cast.meeting.public_id})
    page = cast.client("a_participant").get(url).content.decode()
    assert "Your trio (1)" in page
    assert "Round 1 of 4" in page
    assert 'data-testid="trio-client"' in page
    assert "Turn your back: the consultants talk" in page
    # Two minutes in, the room is in the six minutes the client has their back turned.
    MeetingRun.objects.filter(pk=run.pk).update(phase_started_at=run.phase_started_at - dt.timedelta(minutes=3))
    page = cast.client("a_participant").get(url).content.decode()
    assert 'data-turn-cue data-testid="turn-cue">' in page
    facilitator_page = cast.client("facilitator").get(url).content.decode()
    assert "Start round 2" in facilitator_page
    assert "Adjust the trios" in facilitator_page
    assert 'id="presenter-choice"' not in facilitator_page
    live.live_round(actor=cast.users["facilitator"], meeting=cast.meeting, version=run.version)
    assert "Round 2 of 4" in cast.client("a_participant").get(url).content.decode()


def test_the_meeting_s_record_shows_the_trios(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "troika"
    cast.programme.save(update_fields=["method"])
    html = cast.client("a_participant").get(reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id}))
    assert "Your trio (1)" in html.content.decode()


def test_five_more_minutes_lengthen_the_last_part_of_the_rhythm_not_the_turn(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    run = _in_round(cast)
    live.live_extend(actor=cast.users["facilitator"], meeting=cast.meeting, version=run.version)
    parts = _rhythm(live.live_state(cast.meeting))
    assert [(p["start"], p["end"]) for p in parts] == [(0, 120), (120, 480), (480, 900)]


def test_the_room_display_shows_the_round_and_the_turn_your_back_cue(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    run = _in_round(cast)
    url = reverse("live:display", kwargs={"meeting": cast.meeting.public_id})
    page = cast.client("a_participant").get(url).content.decode()
    assert "Round 1 of 4" in page
    assert "Clients: turn your back now" in page
    assert "data-turn-cue hidden" in page
    MeetingRun.objects.filter(pk=run.pk).update(phase_started_at=run.phase_started_at - dt.timedelta(minutes=3))
    page = cast.client("a_participant").get(url).content.decode()
    assert "data-turn-cue>" in page
