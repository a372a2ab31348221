"""A member without a login answers the start-of-programme survey from the link in their email, at phone width,
without signing in; the link then says it has done its job and shows nothing of what was answered."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.evaluation.models import Occasion, Response
from actionset.evaluation.services import answer_token
from actionset.programmes.models import Enrolment, Programme
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations


def test_a_member_without_a_login_answers_from_their_own_link(demo_world: None, new_page: Any) -> None:
    programme = Programme.objects.get(title="Leading through change")
    start = Occasion.objects.get(programme=programme, instrument__code="self_rating", timing="start")
    Occasion.objects.filter(pk=start.pk).update(closes_on=start.closes_on.replace(year=start.closes_on.year + 1))
    enrolment = (
        Enrolment.objects.active()
        .filter(programme=programme, person__user__isnull=True)
        .exclude(evaluation_responses__occasion=start)
        .first()
    )
    assert enrolment is not None
    path = f"/evaluation/answer/{answer_token(occasion=start, enrolment=enrolment)}/"

    page = new_page(viewport=PHONE)
    page.goto(path)
    page.get_by_role("heading", name="Pre/post self-rating").wait_for()
    expect(page.get_by_text("This link is yours alone")).to_be_visible()
    for group in page.locator("fieldset.survey-item").all():
        group.locator("label").nth(3).click()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "evaluation-answer-by-link-phone")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you: your answers are saved").wait_for()
    assert Response.objects.filter(occasion=start, enrolment=enrolment).exists()

    page.goto(path)
    page.get_by_role("heading", name="You have answered this survey").wait_for()
    assert page.locator("input[type=radio]").count() == 0
    screenshot(page, "evaluation-answer-by-link-used")
