"""The same people before and after: a sponsor reads how participants' own self-ratings moved, on the page, at
phone width and in the PDF, and is told plainly that members without a login were not asked.

The demo's programme is still running, so its end-of-programme survey has not opened (the page shows the
empty state). Here the programme is moved on until its meetings are behind it and a dozen of the people who
answered at the start answer again at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.db.models import F, Max
from django.utils import timezone
from playwright.sync_api import expect

from actionset.evaluation.models import Item, Occasion
from actionset.evaluation.services import occasions_sync
from actionset.evaluation.tests.factories import answer
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment, EvaluationPoint, Programme
from tests.browser.conftest import PHONE, SCREENSHOTS, screenshot, serious_accessibility_violations, sign_in
from tests.browser.test_evaluation import pdf_to_png


def programme_that_has_ended(programme: Programme) -> None:
    meetings = Meeting.objects.filter(learning_set__programme=programme).exclude(status="cancelled")
    last = meetings.aggregate(last=Max("starts_at"))["last"]
    shift = last - timezone.now() + dt.timedelta(days=35)
    meetings.update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift, status="held")
    EvaluationPoint.objects.get_or_create(programme=programme, instrument="self_rating", timing="end")
    occasions_sync(programme=programme)


def answer_again_at_the_end(programme: Programme, people: int) -> None:
    start = Occasion.objects.get(programme=programme, instrument__code="self_rating", timing="start")
    end = Occasion.objects.get(programme=programme, instrument__code="self_rating", timing="end")
    rng = random.Random(3)
    codes = list(start.instrument.items.filter(kind=Item.Kind.RATING).values_list("code", flat=True))
    answered = (
        Enrolment.objects.filter(evaluation_responses__occasion=start)
        .exclude(evaluation_responses__occasion=end)
        .order_by("pk")[:people]
    )
    for enrolment in answered:
        answer(end, enrolment, {code: rng.choice((2, 3, 4, 4, 5)) for code in codes})


def test_a_sponsor_reads_how_the_same_people_moved(demo_world: None, new_page: Any, tmp_path: Path) -> None:
    programme = Programme.objects.get(title="Leading through change")
    programme_that_has_ended(programme)
    answer_again_at_the_end(programme, 4)

    sponsor = new_page()
    sign_in(sponsor, "sponsor@northwind.example")
    sponsor.goto(f"/evaluation/programmes/{programme.public_id}/")
    title = "Pre/post self-rating: the same people, at the start and at the end"
    sponsor.get_by_role("heading", name=title).wait_for()
    expect(sponsor.get_by_text("4 people have answered both; the change appears when 5 have (1 more).")).to_be_visible()
    expect(sponsor.get_by_text("emailed a link of their own")).to_be_visible()

    answer_again_at_the_end(programme, 8)
    sponsor.reload()
    block = sponsor.locator("figure.chart-block").filter(has=sponsor.get_by_role("heading", name=title))
    expect(block.locator("svg.chart").first).to_be_visible()
    assert "12 people have answered both" in block.inner_text()
    assert "Figures from the first 10" in block.inner_text()
    block.get_by_text("The figures as a table").click()
    expect(block.get_by_role("columnheader", name="Moved up")).to_be_visible()
    expect(block.get_by_role("rowheader", name="Overall")).to_be_visible()
    expect(sponsor.get_by_text("who answered both at the start and at the end")).to_be_visible()
    assert serious_accessibility_violations(sponsor) == []
    block.scroll_into_view_if_needed()
    screenshot(sponsor, "evaluation-change")
    block.screenshot(path=str(SCREENSHOTS / "evaluation-change-block.png"))

    with sponsor.expect_download() as download:
        sponsor.get_by_role("link", name="Download report (PDF)").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert len(pdf_to_png(pdf, "evaluation-change-report")) >= 2

    phone = new_page(viewport=PHONE)
    sign_in(phone, "sponsor@northwind.example")
    phone.goto(f"/evaluation/programmes/{programme.public_id}/")
    phone_block = phone.locator("figure.chart-block").filter(has=phone.get_by_role("heading", name=title))
    expect(phone_block.locator(".chart-frame.narrow svg")).to_be_visible()
    screenshot(phone, "evaluation-change-phone")
    phone_block.screenshot(path=str(SCREENSHOTS / "evaluation-change-phone-block.png"))
