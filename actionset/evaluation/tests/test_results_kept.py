"""Results are read, never written, by the page that shows them; an occasion's figures are worked out once and kept
under a key naming everything they are drawn from, so a change shows at once and no figure crosses to another group."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.evaluation.models import Occasion
from actionset.evaluation.results import programme_results
from actionset.evaluation.tests.factories import answer, occasion, people
from actionset.programmes.models import EvaluationPoint
from conftest import Cast
from tests.factories import ProgrammeFactory

WRITES = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"evaluation_', re.IGNORECASE)


def test_reading_the_results_writes_nothing(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    # Planned, never stored: the hourly notices job would store it; the page shows it as planned all the same.
    EvaluationPoint.objects.create(programme=programme, instrument="self_rating", timing="start")
    url = reverse("evaluation:dashboard", kwargs={"programme": programme.public_id})
    with CaptureQueriesContext(connection) as queries:
        page = programme_world.client("a_sponsor").get(url)
    assert page.status_code == 200
    assert "At the start" in page.content.decode()
    assert not Occasion.objects.filter(programme=programme).exists()
    assert not [q["sql"] for q in queries if WRITES.match(q["sql"])]


def test_an_occasions_figures_are_read_once_and_follow_every_change(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    start = occasion(programme)
    for enrolment in people(programme, 5):
        answer(start, enrolment, 2)
    first = programme_results(programme).occasions[0]
    with CaptureQueriesContext(connection) as queries:
        again = programme_results(programme).occasions[0]
    assert not [q for q in queries if "evaluation_answer" in q["sql"]], "figures kept: no answer read again"
    assert (again.score, again.items, again.subscales) == (first.score, first.items, first.subscales)
    # Four more answers are not counted yet (whole steps of five); the fifth is, and the figures move with it.
    late = people(programme, 5)
    for enrolment in late[:4]:
        answer(start, enrolment, 4)
    assert programme_results(programme).occasions[0].score == first.score
    answer(start, late[4], 4)
    moved = programme_results(programme).occasions[0]
    assert moved.counted == 10
    assert moved.score != first.score
    # A response taken away (retention, erasure of the enrolment) changes what is counted, and so the figures.
    start.responses.order_by("submitted_at", "pk").last().delete()  # type: ignore[union-attr]
    assert programme_results(programme).occasions[0].score == first.score


def test_figures_kept_for_one_programme_are_never_shown_for_another(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    other = ProgrammeFactory.create(organisation=programme.organisation, status="running")
    for each, value in ((programme, 2), (other, 4)):
        start = occasion(each)
        for enrolment in people(each, 5):
            answer(start, enrolment, value)
    mine = programme_results(programme).occasions[0]
    theirs = programme_results(other).occasions[0]
    assert mine.score is not None
    assert theirs.score is not None
    assert mine.score != theirs.score
    assert [f.mean for f in mine.items] != [f.mean for f in theirs.items]


def test_the_results_show_the_occasions_as_the_sync_would_leave_them(programme_world: Cast) -> None:
    programme = programme_world.programme
    assert programme is not None
    start = occasion(programme, timing="start")
    occasion(programme, timing="end")
    for enrolment in people(programme, 5):
        answer(start, enrolment, 3)
    programme.evaluation_points.all().delete()
    # Both are stored still; the plan has dropped them: the answered one stays, the other goes (as occasions_sync).
    assert [r.label for r in programme_results(programme).occasions] == ["At the start"]
    assert Occasion.objects.filter(programme=programme).count() == 2
