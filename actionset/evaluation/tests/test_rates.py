"""The rows of "Who answered the surveys": each survey's status, dates and meter, as the results page shows them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actionset.evaluation.models import Instrument, Occasion
from actionset.evaluation.presentation import rate_rows
from actionset.evaluation.results import Health, OccasionResult, ProgrammeResults
from actionset.programmes.models import Programme


def _row(state: str, *, asked: int, answered: int) -> OccasionResult:
    return OccasionResult(
        occasion=Occasion(),
        label="After meeting 2",
        instrument=Instrument(name="Review sheet"),
        kirkpatrick_level=1,
        state=state,
        opens_on=dt.date(2026, 12, 10),
        closes_on=dt.date(2027, 1, 7),
        asked=asked,
        answered=answered,
    )


def _rates(*occasions: OccasionResult) -> list[tuple[str, str, int | None, int]]:
    results = ProgrammeResults(
        programme=Programme(),
        generated_at=timezone.now(),
        health=Health(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        occasions=list(occasions),
        series=[],
        themes=[],
        questions=[],
        learning_available=False,
    )
    return [(r.status, r.opens if r.status == "upcoming" else r.closes, r.meter, r.needed) for r in rate_rows(results)]


def test_each_survey_says_when_it_opens_until_when_it_is_open_and_how_many_more_answers_its_results_need() -> None:
    assert _rates(
        _row("upcoming", asked=0, answered=0),
        _row("open", asked=0, answered=0),
        _row("open", asked=7, answered=4),
        _row("closed", asked=8, answered=7),
    ) == [
        ("upcoming", "10 Dec 2026", None, 0),
        ("waiting", "7 Jan", None, 0),
        ("open", "7 Jan", 57, 1),
        ("closed", "7 Jan", 88, 0),
    ]


def test_someone_who_answered_without_being_asked_gets_no_meter_and_no_count_of_answers_needed() -> None:
    assert _rates(_row("closed", asked=0, answered=2)) == [("closed", "7 Jan", None, 0)]
