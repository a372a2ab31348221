"""No figure drawn from fewer than five people's answers appears anywhere: dashboard, chart, PDF, CSV."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from actionset.evaluation.report import report_csv, report_pdf
from actionset.evaluation.results import MIN_RESPONSES, programme_results
from actionset.evaluation.tests.factories import answer, occasion, people
from conftest import Cast

# Everyone answers 2 on every item: reverse-scored items count as 4, so the overall average is 18/7.
OVERALL = "2.6"
OVERALL_CSV = "2.57"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def with_answers(cast: Cast, count: int) -> None:
    assert cast.programme is not None
    start = occasion(cast.programme)
    for enrolment in people(cast.programme, count):
        answer(start, enrolment, 2)


def test_the_threshold_is_five() -> None:
    assert MIN_RESPONSES == 5


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_results_carry_figures_only_from_five_answers(programme_world: Cast, count: int, visible: bool) -> None:
    with_answers(programme_world, count)
    assert programme_world.programme is not None
    result = programme_results(programme_world.programme).occasions[0]
    assert result.answered == count
    assert (result.score is not None) is visible
    assert bool(result.items) is visible
    assert bool(result.subscales) is visible
    if visible:
        assert result.score == pytest.approx(18 / 7)
        assert [(f.label, round(f.mean, 2)) for f in result.subscales] == [
            ("Questioning", 2.0),
            ("Acting", 2.67),
            ("Connecting", 3.0),
        ]


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_the_dashboard_shows_results_and_their_chart_only_from_five_answers(
    programme_world: Cast, count: int, visible: bool
) -> None:
    with_answers(programme_world, count)
    assert programme_world.programme is not None
    url = reverse("evaluation:dashboard", kwargs={"programme": programme_world.programme.public_id})
    html = programme_world.client("a_sponsor").get(url).content.decode()
    assert ("<svg" in html) is visible
    assert (f"<td>{OVERALL}</td>" in html) is visible
    if not visible:
        assert "Results appear when 5 people have answered" in html
        assert "1 more needed" in html


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_the_csv_has_result_rows_only_from_five_answers(programme_world: Cast, count: int, visible: bool) -> None:
    with_answers(programme_world, count)
    assert programme_world.programme is not None
    url = reverse("evaluation:report_csv", kwargs={"programme": programme_world.programme.public_id})
    text = programme_world.client("a_sponsor").get(url).content.decode()
    assert ("results," in text) is visible
    assert (OVERALL_CSV in text) is visible
    assert f"answered,At the start,{count}," in text


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_the_pdf_shows_results_only_from_five_answers(programme_world: Cast, count: int, visible: bool) -> None:
    with_answers(programme_world, count)
    assert programme_world.programme is not None
    url = reverse("evaluation:report_pdf", kwargs={"programme": programme_world.programme.public_id})
    response = programme_world.client("a_sponsor").get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Programme report" in text
    assert (OVERALL in text) is visible
    assert ("Results appear when 5 people have answered" in text) is not visible


def test_an_item_some_people_skipped_is_held_back_on_its_own(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    start = occasion(programme_world.programme)
    enrolments = people(programme_world.programme, 6)
    for enrolment in enrolments[:4]:
        answer(start, enrolment, 3)
    for enrolment in enrolments[4:]:
        answer(start, enrolment, {"listening": 3})
    result = programme_results(programme_world.programme).occasions[0]
    labels = [f.label for f in result.items]
    assert any(label.startswith("How confident are you listening") for label in labels)
    assert not any(label.startswith("How confident are you asking open questions") for label in labels)


def test_report_functions_share_one_data_function(programme_world: Cast) -> None:
    """The PDF and the CSV take the same `ProgrammeResults` the dashboard renders: no second route to the answers."""
    with_answers(programme_world, 5)
    assert programme_world.programme is not None
    results = programme_results(programme_world.programme)
    assert OVERALL_CSV in report_csv(results)
    assert OVERALL in pdf_text(report_pdf(results))


def test_the_csv_keeps_shared_text_from_running_as_a_formula() -> None:
    import io

    from actionset.evaluation.report import _SafeWriter

    out = io.StringIO()
    _SafeWriter(out).writerow(["questions", "=HYPERLINK(1)", 5])
    assert out.getvalue().strip() == "questions,'=HYPERLINK(1),5"


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_after_meeting_results_follow_the_same_threshold(programme_world: Cast, count: int, visible: bool) -> None:
    """The trend chart's column, the per-question chart and their tables, on the page and in both exports."""
    import datetime as dt

    from django.utils import timezone

    programme, meeting = programme_world.programme, programme_world.meeting
    assert programme is not None
    assert meeting is not None
    meeting.status = "held"
    meeting.starts_at = timezone.now() - dt.timedelta(days=1)
    meeting.save()
    after = occasion(programme, "review_sheet", "each_meeting")
    for enrolment in people(programme, count, learning_set=programme_world.learning_set):
        answer(after, enrolment, 4)  # the reverse-scored item counts 2: overall (5 * 4 + 2) / 6
    client = programme_world.client("a_sponsor")
    kwargs = {"programme": programme.public_id}
    html = client.get(reverse("evaluation:dashboard", kwargs=kwargs)).content.decode()
    assert ("each question, after meeting 1" in html) is visible
    assert ("<td>3.7</td>" in html) is visible
    assert ("Results appear when 5 people have answered after a meeting." in html) is not visible
    text = client.get(reverse("evaluation:report_csv", kwargs=kwargs)).content.decode()
    assert ("3.67" in text) is visible
    pdf = pdf_text(client.get(reverse("evaluation:report_pdf", kwargs=kwargs)).content)
    assert ("each question, after meeting 1" in pdf) is visible


def test_figures_move_in_steps_of_five_so_no_one_is_worked_out_by_difference(programme_world: Cast) -> None:
    """At 5 answers and at 6 the figures are the same: the sixth answer joins when there are ten."""
    assert programme_world.programme is not None
    start = occasion(programme_world.programme)
    enrolments = people(programme_world.programme, 10)
    for enrolment in enrolments[:5]:
        answer(start, enrolment, 2)
    at_five = programme_results(programme_world.programme).occasions[0]
    answer(start, enrolments[5], 5)
    at_six = programme_results(programme_world.programme).occasions[0]
    assert at_six.answered == 6
    assert at_six.counted == 5
    assert at_six.score == at_five.score
    for enrolment in enrolments[6:]:
        answer(start, enrolment, 2)
    at_ten = programme_results(programme_world.programme).occasions[0]
    assert at_ten.counted == 10
    assert at_ten.score != at_five.score
