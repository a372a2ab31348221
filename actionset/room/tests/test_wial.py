"""WIAL in full: questions noted and labelled in the questions phase, the coach's intervention with each member's
answers, and the closing learning reflection; the facilitator records either for a member without a device."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from actionset.meetings import live
from actionset.room import airtime
from actionset.room.models import CoachAnswer, LearningReflection
from actionset.room.tests.test_actions import member, other_member
from conftest import Cast

HTMX = {"HX-Request": "true"}


def _url(name: str, cast: Cast) -> str:
    assert cast.meeting is not None
    return reverse(f"setwork:{name}", kwargs={"meeting": cast.meeting.public_id})


def _live(cast: Cast, kind: str, role: str = "a_participant") -> str:
    """The live page as `role` sees it in WIAL's `kind` of phase, with another member presenting."""
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "wial"
    cast.programme.save(update_fields=["method"])
    facilitator = cast.users["facilitator"]
    run = live.live_start(actor=facilitator, meeting=cast.meeting, early=True)
    while live.sheet_of(cast.meeting, run)[run.phase_index].kind != kind:
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
        if run.presenter_id is None and live.sheet_of(cast.meeting, run)[run.phase_index].kind == "presentation":
            run = live.live_presenter(
                actor=facilitator, meeting=cast.meeting, version=run.version, presenter=other_member(cast)
            )
    return cast.client(role).get(reverse("live:live", kwargs={"meeting": cast.meeting.public_id})).content.decode()


def test_a_member_answers_the_coach_and_the_room_reads_it_back_without_names(programme_world: Cast) -> None:
    cast = programme_world
    response = cast.client("a_participant").post(
        _url("coach_answer", cast),
        {"rating": "7", "doing_well": "Open questions", "do_better": "Fewer stories", "panel": "coach"},
        headers=HTMX,
    )
    assert response.status_code == 200
    answer = CoachAnswer.objects.get()
    assert (answer.enrolment, answer.rating, answer.recorded_for_member) == (member(cast), 7, False)
    html = response.content.decode()
    assert "1 answer so far · 7.0 out of 10" in html
    assert "Fewer stories" in html
    # The answer is not signed: the member's name is in the panel only in the list of who has answered.
    assert html.count(escape(member(cast).person.name)) == 1


def test_the_facilitator_records_coach_answers_and_reflections_for_a_member_without_a_device(
    programme_world: Cast,
) -> None:
    cast = programme_world
    chloe = other_member(cast)
    client = cast.client("facilitator")
    assert client.post(_url("coach_answer", cast), {"rating": "5"}).status_code == 403
    assert client.post(_url("reflection", cast), {"text": "Mine"}).status_code == 403
    response = client.post(
        _url("coach_answer", cast), {"member": str(chloe.public_id), "rating": "6", "panel": "coach"}, headers=HTMX
    )
    assert f"recorded by {escape(cast.users['facilitator'].name)}" in response.content.decode()
    client.post(_url("reflection", cast), {"member": str(chloe.public_id), "text": "I jump to fixes."})
    for model in (CoachAnswer, LearningReflection):
        row = model.objects.get()
        assert (row.enrolment, row.recorded_by, row.recorded_for_member) == (chloe, cast.users["facilitator"], True)


def test_a_member_s_learning_reflection_is_saved_and_read_back_unsigned(programme_world: Cast) -> None:
    cast = programme_world
    client = cast.client("a_participant")
    client.post(_url("reflection", cast), {"text": "I ask closed questions when I am tired."})
    response = client.post(
        _url("reflection", cast),
        {"text": "I ask closed questions late in the day.", "panel": "reflection"},
        headers=HTMX,
    )
    assert LearningReflection.objects.get().text == "I ask closed questions late in the day."
    assert "I ask closed questions late in the day." in response.content.decode()
    assert "Update my reflection" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "shown"),
    [("questions", "Note it"), ("coach", "Save my answers"), ("reflection", "Save my reflection")],
)
def test_each_wial_part_has_its_panel_in_the_live_room(programme_world: Cast, kind: str, shown: str) -> None:
    page = _live(programme_world, kind)
    assert shown in page


def test_in_the_questions_phase_a_label_is_seen_by_its_asker_and_the_facilitator_only(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.learning_set is not None
    presenter, asker = other_member(cast), member(cast)
    third = next(m for m in cast.learning_set.active_members() if m.pk not in (presenter.pk, asker.pk))
    notes = airtime.notes_for(cast.meeting, presenter)
    airtime.question_add(notes=notes, text="Have you thought about asking HR?", asked_by=third)
    page = _live(cast, "questions")
    assert "Have you thought about asking HR?" in page
    assert "coach-label" not in page
    facilitator_page = (
        cast.client("facilitator")
        .get(reverse("live:live", kwargs={"meeting": cast.meeting.public_id}))
        .content.decode()
    )
    assert "coach-label" in facilitator_page


def test_the_meeting_s_record_shows_the_coach_answers_and_reflections(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.programme is not None
    cast.programme.method = "wial"
    cast.programme.save(update_fields=["method"])
    cast.client("a_participant").post(_url("reflection", cast), {"text": "I rush to solutions."})
    html = cast.client("facilitator").get(reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})).content
    assert b'id="panel-coach"' in html
    assert b"I rush to solutions." in html
