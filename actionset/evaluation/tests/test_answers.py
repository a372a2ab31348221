"""Answers are personal: the respondent answers once, reads their own answers, and nobody else reads them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actionset.core.admin import admin_site
from actionset.core.models import AuditEvent
from actionset.evaluation.models import Answer, Item, Occasion, Response
from actionset.evaluation.tests.factories import answer, occasion, people
from conftest import ROLES, Cast


def form_data(survey: Occasion, value: int = 4) -> dict[str, str]:
    return {f"item_{i.pk}": str(value) for i in survey.instrument.items.filter(kind=Item.Kind.RATING)}


def respond_url(survey: Occasion) -> str:
    return reverse("evaluation:respond", kwargs={"occasion": survey.public_id})


def test_a_participant_answers_once_and_then_sees_their_own_answers(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    client = programme_world.client("a_participant")
    page = client.get(respond_url(survey))
    assert b"How confident are you listening" in page.content
    response = client.post(respond_url(survey), form_data(survey, 4))
    assert response.status_code == 302
    saved = Response.objects.get(occasion=survey)
    assert saved.enrolment.person == programme_world.people["a_participant"]
    assert set(saved.answers.values_list("value", flat=True)) == {4}
    again = client.get(respond_url(survey))
    assert b"Only you can see these" in again.content
    assert b"4 \xe2\x80\x94 Very confident" in again.content
    # A second set of answers is refused: the page now shows what was given.
    client.post(respond_url(survey), form_data(survey, 1))
    assert Response.objects.filter(occasion=survey).count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {4}


def test_a_missing_rating_is_named_and_the_other_answers_are_kept(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    data = form_data(survey, 3)
    first = survey.instrument.items.order_by("position").first()
    assert first is not None
    del data[f"item_{first.pk}"]
    page = programme_world.client("a_participant").post(respond_url(survey), data)
    assert page.status_code == 200
    assert b"Choose one point on the scale." in page.content
    assert b"1 question still needs an answer." in page.content
    assert len(re.findall(rb'value="3"[^>]*checked', page.content)) == len(data)
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("a_participant", "anonymous")])
def test_nobody_else_can_read_a_participants_answers(programme_world: Cast, role: str) -> None:
    """Not a sponsor, an organisation admin, a facilitator of their set, a provider administrator — nobody."""
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    programme_world.client("a_participant").post(respond_url(survey), form_data(survey, 1))
    page = programme_world.client(role).get(respond_url(survey))
    assert page.status_code in (403, 404)
    for url in (
        reverse("evaluation:surveys"),
        reverse("evaluation:dashboard", kwargs={"programme": programme_world.programme.public_id}),
        reverse("evaluation:report_csv", kwargs={"programme": programme_world.programme.public_id}),
    ):
        content = programme_world.client(role).get(url).content
        assert b"Only you can see these" not in content
        assert b"1 \xe2\x80\x94 Not at all confident" not in content


def test_no_evaluation_model_is_in_the_admin() -> None:
    from actionset.evaluation import models

    for model in (models.Response, models.Answer, models.Occasion, models.Notice, models.Instrument):
        assert model not in admin_site._registry


def test_the_audit_log_records_that_someone_answered_but_not_what(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    programme_world.client("a_participant").post(respond_url(survey), form_data(survey, 5))
    event = AuditEvent.objects.get(action="evaluation.answered")
    assert event.detail == {"via": "login"}


def test_a_closed_survey_takes_no_answers(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    Occasion.objects.filter(pk=survey.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=40), closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = programme_world.client("a_participant").post(respond_url(survey), form_data(survey))
    assert b"This survey has closed" in page.content
    assert not Response.objects.exists()


def test_a_participants_survey_list_and_home_panel_show_what_waits_for_them(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    survey = occasion(programme_world.programme)
    client = programme_world.client("a_participant")
    assert b"A few questions for you" in client.get(reverse("core:home")).content
    assert respond_url(survey).encode() in client.get(reverse("evaluation:surveys")).content
    client.post(respond_url(survey), form_data(survey))
    assert b"A few questions for you" not in client.get(reverse("core:home")).content
    assert b"Answered" in client.get(reverse("evaluation:surveys")).content


def test_someone_in_another_set_is_not_asked_about_a_meeting_they_were_not_at(programme_world: Cast) -> None:
    from actionset.meetings.models import Attendance

    assert programme_world.programme is not None
    assert programme_world.meeting is not None
    meeting = programme_world.meeting
    meeting.status = "held"
    meeting.starts_at = timezone.now() - dt.timedelta(days=1)
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=3)
    meeting.save()
    after = occasion(programme_world.programme, "review_sheet", "each_meeting")
    from actionset.evaluation.services import eligible_enrolments

    asked = set(eligible_enrolments(after))
    set_members = {m.enrolment for m in programme_world.learning_set.memberships.all()}  # type: ignore[union-attr]
    assert asked == set_members
    away = next(iter(set_members - {programme_world.people["a_participant"].enrolments.get()}))
    Attendance.objects.create(meeting=meeting, enrolment=away, status="apologies")
    assert away not in set(eligible_enrolments(after))
    outsider = people(programme_world.programme, 1)[0]
    answer(after, programme_world.people["a_participant"].enrolments.get(), 4)
    assert outsider not in set(eligible_enrolments(after))
