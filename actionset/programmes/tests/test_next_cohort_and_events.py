"""A programme cloned for its next cohort, and its events edited and checked against the planned meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.programmes.models import EvaluationPoint, Programme, ProgrammeEvent
from conftest import Cast


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _programme(cast: Cast) -> Programme:
    programme = cast.programme
    assert programme is not None
    programme.start_date = dt.date(2027, 3, 1)
    programme.number_of_meetings = 6
    programme.cadence_weeks = 4
    programme.aims = "Find out why handovers fail."
    programme.brief_why = "Patients wait."
    programme.phase_minutes = {"checkin": 20}
    programme.save()
    return programme


def _clone_url(programme: Programme) -> str:
    return reverse("programmes:clone", kwargs={"programme": programme.public_id})


def test_the_next_cohort_gets_the_design_and_none_of_the_people(programme_world: Cast) -> None:
    programme = _programme(programme_world)
    EvaluationPoint.objects.create(programme=programme, instrument="review_sheet", timing="after_each")
    ProgrammeEvent.objects.create(
        programme=programme,
        kind="launch",
        title="Launch",
        starts_at=_at(dt.date(2027, 2, 22)),
        ends_at=_at(dt.date(2027, 2, 22), 12),
        location="Town hall",
    )
    client = programme_world.client("designer")
    form = client.get(_clone_url(programme)).content.decode()
    assert f"{programme.title} (next cohort)" in form
    response = client.post(_clone_url(programme), {"title": "Cohort 2", "start_date": "2027-09-06"})
    assert response.status_code == 302
    clone = Programme.objects.get(title="Cohort 2")
    assert response["Location"] == reverse("programmes:detail", kwargs={"programme": clone.public_id})
    assert clone.status == Programme.Status.DRAFT
    assert clone.published_at is None
    assert (clone.aims, clone.brief_why, clone.phase_minutes) == (programme.aims, programme.brief_why, {"checkin": 20})
    assert clone.start_date == dt.date(2027, 9, 6)
    assert list(clone.sponsors.all()) == list(programme.sponsors.all())
    assert list(clone.evaluation_points.values_list("instrument", "timing")) == [("review_sheet", "after_each")]
    # The launch keeps its place before the first meetings: moved by as much as they move (27 weeks).
    launch = clone.events.get()
    assert timezone.localdate(launch.starts_at) == dt.date(2027, 8, 30)
    assert launch.location == "Town hall"
    assert not clone.enrolments.exists()
    assert not clone.sets.exists()
    assert AuditEvent.objects.filter(action="programme.created", detail__cloned_from=str(programme.public_id)).exists()


def test_a_clone_without_a_start_date_keeps_no_events_and_a_bad_form_creates_nothing(programme_world: Cast) -> None:
    programme = _programme(programme_world)
    client = programme_world.client("designer")
    before = Programme.objects.count()
    refused = client.post(_clone_url(programme), {"title": "", "start_date": "next spring"})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    assert "Enter a valid date" in refused.content.decode()
    assert Programme.objects.count() == before


def _events_url(programme: Programme) -> str:
    return reverse("programmes:events", kwargs={"programme": programme.public_id})


def _event(programme: Programme, kind: str, day: dt.date) -> ProgrammeEvent:
    return ProgrammeEvent.objects.create(
        programme=programme, kind=kind, title=f"The {kind}", starts_at=_at(day), ends_at=_at(day, 16)
    )


def test_events_out_of_step_with_the_planned_meetings_are_named(programme_world: Cast) -> None:
    programme = _programme(programme_world)  # meetings 1 March 2027 to the week of 19 July 2027
    _event(programme, "launch", dt.date(2027, 3, 8))
    _event(programme, "closing", dt.date(2027, 7, 1))
    html = programme_world.client("designer").get(_events_url(programme)).content.decode()
    assert "2 events are out of step with the meetings" in html
    assert "The launch is on 8 March 2027, after the first meetings (planned from 1 March 2027)." in html
    assert "The closing is on 1 July 2027, before the last meetings (planned for the week of 19 July 2027)." in html


def test_events_in_step_raise_no_warning(programme_world: Cast) -> None:
    programme = _programme(programme_world)
    _event(programme, "launch", dt.date(2027, 2, 22))
    _event(programme, "closing", dt.date(2027, 9, 1))
    html = programme_world.client("designer").get(_events_url(programme)).content.decode()
    assert "out of step" not in html
    assert "Meetings are planned from 1 March 2027 to the week of 19 July 2027." in html


def _edit(client: Any, event: ProgrammeEvent, **data: str) -> Any:
    url = reverse("programmes:event_edit", kwargs={"programme": event.programme.public_id, "event": event.public_id})
    return client.post(url, {"kind": event.kind, "title": event.title, "location": "", **data})


def test_an_event_is_edited_in_place(programme_world: Cast) -> None:
    programme = _programme(programme_world)
    closing = _event(programme, "closing", dt.date(2027, 7, 1))
    client = programme_world.client("designer")
    response = _edit(client, closing, starts_at="2027-09-01T13:00", ends_at="2027-09-01T17:00", title="Sharing day")
    assert response.status_code == 302
    closing.refresh_from_db()
    assert (closing.title, timezone.localdate(closing.starts_at)) == ("Sharing day", dt.date(2027, 9, 1))
    assert programme.events.count() == 1
    assert AuditEvent.objects.filter(action="programme.event_saved").exists()


def test_an_edit_that_ends_before_it_starts_is_refused_and_changes_nothing(programme_world: Cast) -> None:
    closing = _event(_programme(programme_world), "closing", dt.date(2027, 7, 1))
    response = _edit(
        programme_world.client("designer"), closing, starts_at="2027-09-01T13:00", ends_at="2027-09-01T12:00"
    )
    assert response.status_code == 200
    assert "The event must end after it starts." in response.content.decode()
    closing.refresh_from_db()
    assert timezone.localdate(closing.starts_at) == dt.date(2027, 7, 1)


def test_an_event_of_another_programme_is_not_found_through_this_one(programme_world: Cast) -> None:
    programme = _programme(programme_world)
    other = Programme.objects.create(organisation=programme.organisation, title="Other")
    foreign = _event(other, "launch", dt.date(2027, 2, 1))
    url = reverse("programmes:event_edit", kwargs={"programme": programme.public_id, "event": foreign.public_id})
    assert programme_world.client("designer").get(url).status_code == 404
