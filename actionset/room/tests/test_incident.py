"""The incident method in the room: the case and its question, clarifying questions, each member's take while the
case-giver listens, and the case-giver's response and actions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from actionset.meetings import live
from actionset.room import airtime
from actionset.room.models import AirtimeNotes, CaseTake
from actionset.room.tests.test_actions import member, other_member
from conftest import Cast

HTMX = {"HX-Request": "true"}


def _url(name: str, cast: Cast) -> str:
    assert cast.meeting is not None
    return reverse(f"setwork:{name}", kwargs={"meeting": cast.meeting.public_id})


def _live(cast: Cast, kind: str, case_giver_is_member: bool = False) -> str:
    """The live page, as the cast's member sees it, in the incident method's `kind` of phase."""
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "incident"
    cast.programme.save(update_fields=["method"])
    facilitator = cast.users["facilitator"]
    run = live.live_start(actor=facilitator, meeting=cast.meeting, early=True)
    while live.sheet_of(cast.meeting, run)[run.phase_index].kind != kind:
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
        if live.sheet_of(cast.meeting, run)[run.phase_index].kind == "case":
            giver = member(cast) if case_giver_is_member else other_member(cast)
            run = live.live_presenter(actor=facilitator, meeting=cast.meeting, version=run.version, presenter=giver)
    return (
        cast.client("a_participant")
        .get(reverse("live:live", kwargs={"meeting": cast.meeting.public_id}))
        .content.decode()
    )


def test_a_member_gives_their_take_and_the_room_sees_it_by_name(programme_world: Cast) -> None:
    cast = programme_world
    giver = other_member(cast)
    response = cast.client("a_participant").post(
        _url("take", cast),
        {"presenter": str(giver.public_id), "text": "It sounds like a handover gap.", "panel": "takes"},
        headers=HTMX,
    )
    assert response.status_code == 200
    take = CaseTake.objects.get()
    assert (take.author, take.case_giver, take.recorded_for_member) == (member(cast), giver, False)
    assert "It sounds like a handover gap." in response.content.decode()
    # Said again, it replaces the first: one take per member per case.
    cast.client("a_participant").post(_url("take", cast), {"presenter": str(giver.public_id), "text": "Two gaps."})
    assert CaseTake.objects.get().text == "Two gaps."


def test_the_case_giver_listens_and_gives_no_take_on_their_own_case(programme_world: Cast) -> None:
    cast = programme_world
    response = cast.client("a_participant").post(
        _url("take", cast), {"presenter": str(member(cast).public_id), "text": "Mine"}
    )
    assert response.status_code == 403
    assert not CaseTake.objects.exists()


def test_the_facilitator_records_a_take_for_a_member_without_a_device(programme_world: Cast) -> None:
    cast = programme_world
    giver, chloe = member(cast), other_member(cast)
    client = cast.client("facilitator")
    # Without naming a member, the facilitator has no take of their own to give.
    assert client.post(_url("take", cast), {"presenter": str(giver.public_id), "text": "x"}).status_code == 403
    response = client.post(
        _url("take", cast),
        {
            "presenter": str(giver.public_id),
            "member": str(chloe.public_id),
            "text": "Ask who else saw it.",
            "panel": "takes",
        },
        headers=HTMX,
    )
    take = CaseTake.objects.get()
    assert (take.author, take.recorded_by, take.recorded_for_member) == (chloe, cast.users["facilitator"], True)
    html = response.content.decode()
    assert f"Take recorded for {escape(chloe.person.name)}." in html
    assert f"recorded by {escape(cast.users['facilitator'].name)}" in html


def test_the_response_form_keeps_the_case_and_its_question(programme_world: Cast) -> None:
    cast = programme_world
    giver = member(cast)
    client = cast.client("a_participant")
    client.post(
        _url("airtime_notes", cast),
        {"presenter": str(giver.public_id), "version": 1, "issue": "A complaint", "question": "What did I miss?"},
    )
    client.post(
        _url("airtime_notes", cast), {"presenter": str(giver.public_id), "version": 2, "insights": "Listen first"}
    )
    notes = AirtimeNotes.objects.get()
    assert (notes.issue, notes.question, notes.insights, notes.version) == (
        "A complaint",
        "What did I miss?",
        "Listen first",
        3,
    )


@pytest.mark.parametrize(
    ("kind", "panel", "shown"),
    [
        ("case", "panel-case-", "Save the case"),
        ("clarifying", "panel-questions-", "Clarifying questions"),
        ("takes", "panel-takes-", "Give my take"),
        ("response", "panel-response-", "Save the response"),
    ],
)
def test_each_part_of_the_incident_method_has_its_panel_in_the_live_room(
    programme_world: Cast, kind: str, panel: str, shown: str
) -> None:
    page = _live(programme_world, kind)
    assert f'id="{panel}' in page
    assert shown in page


def test_the_case_giver_sees_that_they_listen_during_the_takes(programme_world: Cast) -> None:
    cast = programme_world
    airtime.notes_save(notes=airtime.notes_for(cast.meeting, member(cast)), version=1, question="What did I miss?")  # type: ignore[arg-type]
    page = _live(cast, "takes", case_giver_is_member=True)
    assert "You listen." in page
    assert "Give my take" not in page
    assert "What did I miss?" in page


def test_the_meeting_s_record_shows_each_case_with_its_takes_and_response(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "incident"
    cast.programme.save(update_fields=["method"])
    giver = other_member(cast)
    airtime.notes_save(notes=airtime.notes_for(cast.meeting, giver), version=1, issue="A complaint", insights="Listen")
    cast.client("a_participant").post(_url("take", cast), {"presenter": str(giver.public_id), "text": "Two gaps."})
    page = cast.client("a_participant").get(reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id}))
    html = page.content.decode()
    assert f'id="panel-case-{giver.pk}"' in html
    assert "Two gaps." in html
    assert f'id="panel-response-{giver.pk}"' in html
    assert 'id="panel-bids"' not in html
