"""Everything the set writes in the room reaches every device's next poll, with the panels redrawn."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from actionset.meetings import live
from actionset.meetings.models import Attendance, Meeting
from actionset.programmes.models import Enrolment
from actionset.room import actions, airtime, contract, incident, review, trios, wial
from actionset.room.models import Action, ConsensusStatement
from conftest import Cast


@pytest.fixture
def world(programme_world: Cast, settings: Any) -> Cast:
    # Production's cache is shared by every process; the tests' local one stands for it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return programme_world


def _state(world: Cast) -> str:
    assert world.meeting is not None
    return reverse("live:state", kwargs={"meeting": world.meeting.public_id})


def _member(world: Cast) -> Enrolment:
    assert world.learning_set is not None
    enrolment = world.learning_set.member_enrolment(world.users["a_participant"])
    assert enrolment is not None
    return enrolment


def _earlier_action(meeting: Meeting, owner: Enrolment) -> Action:
    earlier = Meeting.objects.create(
        learning_set=meeting.learning_set,
        number=0,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=Meeting.Status.HELD,
    )
    return Action.objects.create(learning_set=meeting.learning_set, owner=owner, meeting=earlier, text="Ring Sam")


def _contract(meeting: Meeting, owner: Enrolment) -> None:
    version = contract.contract_save(
        actor=None, learning_set=meeting.learning_set, based_on=0, ground_rules="Listen.", sharing_rule="all_present"
    )
    contract.contract_acknowledge(enrolment=owner, version=version)


def _verdict(meeting: Meeting, owner: Enrolment) -> None:
    statement = ConsensusStatement.objects.create(meeting=meeting, author=owner, text="Time, not money")
    airtime.verdict_save(statement=statement, verdict="yes")


#: One of each kind of thing written in the room, as the room's services write it.
WRITES: dict[str, Callable[[Meeting, Enrolment], Any]] = {
    "bid": lambda m, e: airtime.bid_save(meeting=m, enrolment=e, needs_time=True, minutes=20, urgency=2),
    "order": lambda m, e: airtime.order_save(
        meeting=m, positions={airtime.bid_save(meeting=m, enrolment=e, needs_time=True, minutes=5, urgency=1).pk: 1}
    ),
    "airtime notes": lambda m, e: airtime.notes_save(
        notes=airtime.notes_for(m, e), version=1, issue="Rota", insights="It is the handover"
    ),
    "question": lambda m, e: airtime.question_add(notes=airtime.notes_for(m, e), text="What else?", asked_by=None),
    "action": lambda m, e: actions.action_commit(meeting=m, owner=e, text="Ask the night team", due_on=None),
    "progress report": lambda m, e: actions.action_report(
        meeting=m, enrolment=e, action=_earlier_action(m, e), status="done", learning="Ask sooner"
    ),
    "take on a case": lambda m, e: incident.take_save(
        meeting=m,
        case_giver=next(x for x in m.learning_set.active_members() if x.pk != e.pk),
        author=e,
        text="Two gaps",
    ),
    "coach answer": lambda m, e: wial.coach_answer_save(
        meeting=m, enrolment=e, rating=6, doing_well="Pace", do_better=""
    ),
    "learning reflection": lambda m, e: wial.reflection_save(meeting=m, enrolment=e, text="I rush"),
    "trios": lambda m, e: trios.trios_save(meeting=m, placement={e.pk: 1}),
    "trio notes": lambda m, e: trios.notes_save(meeting=m, trio=1, version=1, text="Pilot"),
    "consensus statement": lambda m, e: airtime.statement_save(meeting=m, author=e, text="The rota"),
    "verdict": _verdict,
    "process review": lambda m, e: review.review_save(meeting=m, enrolment=e, rating=8, helped="Pace", differently=""),
    "ground rules and acknowledgement": _contract,
    "attendance": lambda m, e: live.attendance_record(
        actor=m.learning_set.facilitators.get().user, meeting=m, statuses={e.pk: Attendance.Status.PRESENT}
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_anything_written_in_the_room_reaches_the_next_poll_with_its_panel(
    world: Cast, write: str, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = world.meeting
    assert meeting is not None
    live.live_start(actor=world.users["facilitator"], meeting=meeting, early=True)
    shown: dict[str, dict[str, str]] = {}
    # One client per role throughout: a device's tag is signed for its session.
    clients = {role: world.client(role) for role in ("a_participant", "facilitator")}
    for role, client in clients.items():
        first = client.get(_state(world), headers={"HX-Request": "true", "X-Live-Panel": "none"})
        panel_key = re.search(r'data-panel-key="([^"]+)"', first.content.decode())
        assert panel_key is not None
        shown[role] = {"HX-Request": "true", "If-None-Match": first["ETag"], "X-Live-Panel": panel_key[1]}
        assert client.get(_state(world), headers=shown[role]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        WRITES[write](meeting, _member(world))
    for role, headers in shown.items():
        client = clients[role]
        after = client.get(_state(world), headers=headers)
        assert after.status_code == 200, (role, write)
        html = after.content.decode()
        # The panel and the attendance beside it are redrawn out of band, over whatever the device shows.
        assert html.count('hx-swap-oob="outerHTML"') == 2, (role, write)
        again = {**headers, "If-None-Match": after["ETag"]}
        assert client.get(_state(world), headers=again).status_code == 304


def test_the_room_s_token_is_replaced_only_once_the_change_is_committed(
    world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = world.meeting
    assert meeting is not None
    before = live.room_version(meeting)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        airtime.bid_save(meeting=meeting, enrolment=_member(world), needs_time=True, minutes=20, urgency=2)
        # Until the commit, a device that polls must not take the old rows for the new token.
        assert live.room_version(meeting) == before
    for callback in callbacks:
        callback()
    assert live.room_version(meeting) != before


def test_a_token_lost_from_the_cache_sends_the_panels_again(world: Cast) -> None:
    from django.core.cache import cache

    meeting = world.meeting
    assert meeting is not None
    before = live.room_version(meeting)
    cache.clear()
    assert live.room_version(meeting) != before
