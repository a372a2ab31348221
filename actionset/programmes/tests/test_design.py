from __future__ import annotations

import pytest
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.evaluation.library import Library
from actionset.evaluation.models import Instrument
from actionset.programmes import library as library_module
from actionset.programmes.library import library
from actionset.programmes.models import EvaluationPoint, Programme
from conftest import Cast


def create(cast: Cast, blueprint: str = "six-monthly-half-days") -> Programme:
    response = cast.client("designer").post(
        reverse("programmes:new", kwargs={"organisation": cast.org_a.public_id}),
        {"title": "Leading across boundaries", "blueprint": blueprint},
    )
    assert response.status_code == 302
    return Programme.objects.get(title="Leading across boundaries")


def test_a_designer_starts_a_programme_from_a_template(cast: Cast) -> None:
    programme = create(cast)
    assert programme.status == "draft"
    assert programme.designer == cast.users["designer"]
    assert (programme.number_of_meetings, programme.cadence_weeks, programme.format) == (6, 4, "in_person")
    assert [e.kind for e in programme.events.all()] == ["launch", "closing"]
    assert ("review_sheet", "each_meeting") in set(programme.evaluation_points.values_list("instrument", "timing"))
    assert AuditEvent.objects.filter(action="programme.created", target_id=str(programme.public_id)).exists()


def test_the_wial_template_sets_a_single_problem_shape(cast: Cast) -> None:
    programme = create(cast, "wial-single-problem")
    assert (programme.method, programme.set_size_min, programme.set_size_max) == ("wial", 4, 6)


def test_the_design_form_saves_the_brief_and_sponsors(cast: Cast) -> None:
    programme = create(cast)
    url = reverse("programmes:edit", kwargs={"programme": programme.public_id})
    form = cast.client("designer").get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sponsors"}
    data.update(
        brief_why="Waiting lists are growing.",
        start_date="2027-01-11",
        sponsors=[cast.people["a_sponsor"].pk],
        mandate="implement",
    )
    response = cast.client("designer").post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    programme.refresh_from_db()
    assert programme.brief_why == "Waiting lists are growing."
    assert list(programme.sponsors.all()) == [cast.people["a_sponsor"]]


def test_set_size_bounds_must_make_sense_and_the_form_keeps_what_was_typed(cast: Cast) -> None:
    programme = create(cast)
    url = reverse("programmes:edit", kwargs={"programme": programme.public_id})
    form = cast.client("designer").get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "sponsors"}
    data.update(set_size_min=8, set_size_max=5, aims="Typed aims that must survive the error")
    response = cast.client("designer").post(url, data)
    assert response.status_code == 200
    assert b"The largest set cannot be smaller than the smallest." in response.content
    assert b"Typed aims that must survive the error" in response.content


def test_the_lifecycle_moves_one_step_at_a_time_with_reasons(cast: Cast) -> None:
    programme = create(cast)
    url = reverse("programmes:status", kwargs={"programme": programme.public_id})
    client = cast.client("designer")
    client.post(url, {"status": "running"})
    programme.refresh_from_db()
    assert programme.status == "draft"
    response = client.post(url, {"status": "recruiting"}, follow=True)
    assert b"Write the programme&#x27;s aims before recruiting" in response.content
    Programme.objects.filter(pk=programme.pk).update(aims="Shared leadership.")
    client.post(url, {"status": "recruiting"})
    programme.refresh_from_db()
    assert programme.status == "recruiting"
    response = client.post(url, {"status": "running"}, follow=True)
    assert b"Publish the sets" in response.content
    assert AuditEvent.objects.filter(action="programme.status_changed").count() == 1


def test_an_event_must_end_after_it_starts(cast: Cast) -> None:
    programme = create(cast)
    url = reverse("programmes:events", kwargs={"programme": programme.public_id})
    response = cast.client("designer").post(
        url,
        {"kind": "other", "title": "Midpoint", "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T09:00"},
    )
    assert response.status_code == 200
    assert b"must end after it starts" in response.content


def test_the_evaluation_plan_is_a_grid_of_instruments_and_times(cast: Cast) -> None:
    programme = create(cast)
    url = reverse("programmes:evaluation", kwargs={"programme": programme.public_id})
    cast.client("designer").post(url, {"psychological_safety__start": "on", "psychological_safety__end": "on"})
    assert set(programme.evaluation_points.values_list("instrument", "timing")) == {
        ("psychological_safety", "start"),
        ("psychological_safety", "end"),
    }


def test_a_plan_reads_the_library_the_evaluation_app_registered(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    # Programmes cannot import the evaluation app; the app hands its library over when it starts.
    assert isinstance(library(), Library)
    choices = dict(EvaluationPoint.instrument_choices())
    assert choices["review_sheet"] == Instrument.objects.get(code="review_sheet").name
    point = EvaluationPoint(instrument="review_sheet", timing="follow_up_3")
    assert (point.instrument_name, point.kirkpatrick_level) == (choices["review_sheet"], 3)
    # Without a library, a plan still names the well-known instruments by code.
    monkeypatch.setattr(library_module, "_library", library_module._Empty())
    assert dict(EvaluationPoint.instrument_choices())["review_sheet"] == (
        "After-meeting review sheet (not in the library yet)"
    )
    assert EvaluationPoint(instrument="sponsor_interview", timing="end").kirkpatrick_level == 4


def test_sponsors_see_the_programme_but_not_proposed_sets(cast: Cast) -> None:
    from tests.factories import LearningSetFactory

    programme = create(cast)
    LearningSetFactory.create(programme=programme, name="Kestrel set")
    url = reverse("programmes:detail", kwargs={"programme": programme.public_id})
    assert b"Kestrel set" in cast.client("designer").get(url).content
    response = cast.client("a_sponsor").get(url)
    assert response.status_code == 200
    assert b"Kestrel set" not in response.content


def test_sponsors_see_attendance_counts_but_not_who_said_what(programme_world: Cast) -> None:
    from actionset.meetings.models import Attendance
    from actionset.room.models import AirtimeNotes

    cast = programme_world
    assert cast.meeting is not None
    assert cast.programme is not None
    members = [m.enrolment for m in cast.meeting.learning_set.memberships.all()]
    for index, enrolment in enumerate(members):
        Attendance.objects.create(meeting=cast.meeting, enrolment=enrolment, status="present" if index else "apologies")
    AirtimeNotes.objects.create(meeting=cast.meeting, presenter=members[0], issue="A secret about the night shift")
    page = cast.client("a_sponsor").get(reverse("programmes:detail", kwargs={"programme": cast.programme.public_id}))
    text = page.content.decode()
    assert f"{len(members) - 1}/{len(members)}" in text
    assert "night shift" not in text
