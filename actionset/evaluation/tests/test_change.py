"""Before and after for the same people: only as aggregates of five or more, moving in steps of five; and honest
response rates (people without a login are not counted as asked; a withdrawal never makes answered exceed asked)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actionset.evaluation.models import Occasion
from actionset.evaluation.report import report_csv, report_pdf
from actionset.evaluation.results import PairedChange, programme_results
from actionset.evaluation.tests.factories import answer, people, plan
from actionset.evaluation.tests.test_threshold import pdf_text
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment, Programme
from conftest import Cast


def start_and_end(cast: Cast) -> tuple[Programme, Occasion, Occasion]:
    """A programme whose meetings are behind it, so its start and end surveys have both happened."""
    programme = cast.programme
    assert programme is not None
    Meeting.objects.filter(learning_set__programme=programme).update(
        starts_at=timezone.now() - dt.timedelta(days=40), status="held"
    )
    plan(programme, ("self_rating", "start"), ("self_rating", "end"))
    start = Occasion.objects.get(programme=programme, timing="start")
    end = Occasion.objects.get(programme=programme, timing="end")
    return programme, start, end


def change_of(programme: Programme) -> PairedChange:
    changes = programme_results(programme).changes
    assert len(changes) == 1
    return changes[0]


def both(start: Occasion, end: Occasion, enrolments: list[Enrolment], before: int, after: int) -> None:
    for enrolment in enrolments:
        answer(start, enrolment, before)
        answer(end, enrolment, after)


@pytest.mark.parametrize(("count", "visible"), [(4, False), (5, True)])
def test_change_is_shown_only_when_five_people_answered_both(programme_world: Cast, count: int, visible: bool) -> None:
    programme, start, end = start_and_end(programme_world)
    both(start, end, people(programme, count), 2, 4)
    change = change_of(programme)
    assert change.paired == count
    assert change.suppressed is not visible
    if not visible:
        assert change.subscales == []
        assert change.needed == 1
        return
    # Everyone moves from 2 to 4; the reverse-scored items count 4 then 2: overall 18/7 → 24/7.
    assert change.overall is not None
    assert change.overall.mean == pytest.approx(6 / 7)
    assert (change.overall.up, change.overall.same, change.overall.down) == (5, 0, 0)
    themes = {f.label: (round(f.mean, 2), f.up, f.same, f.down) for f in change.subscales}
    assert themes == {"Questioning": (2.0, 5, 0, 0), "Acting": (0.67, 5, 0, 0), "Connecting": (0.0, 0, 5, 0)}


def test_only_people_who_answered_both_are_compared(programme_world: Cast) -> None:
    programme, start, end = start_and_end(programme_world)
    enrolments = people(programme, 10)
    for enrolment in enrolments[:5]:
        answer(start, enrolment, 2)
    for enrolment in enrolments[5:]:
        answer(end, enrolment, 4)
    change = change_of(programme)
    assert change.paired == 0
    assert change.overall is None
    # Each occasion on its own still has its figures: only the comparison of the same people is missing.
    assert all(p.score is not None for p in programme_results(programme).series[0].points)


def test_moving_down_and_staying_are_counted(programme_world: Cast) -> None:
    programme, start, end = start_and_end(programme_world)
    enrolments = people(programme, 5)
    both(start, end, enrolments[:2], 3, 3)
    both(start, end, enrolments[2:], 4, 2)
    change = change_of(programme)
    assert change.overall is not None
    assert (change.overall.up, change.overall.same, change.overall.down) == (0, 2, 3)


def test_change_moves_in_steps_of_five_people(programme_world: Cast) -> None:
    """A sixth person answering both changes nothing until there are ten: the difference never isolates one."""
    programme, start, end = start_and_end(programme_world)
    enrolments = people(programme, 10)
    both(start, end, enrolments[:5], 2, 4)
    at_five = change_of(programme)
    both(start, end, enrolments[5:6], 5, 1)
    at_six = change_of(programme)
    assert at_six.paired == 6
    assert at_six.counted == 5
    assert at_six.overall == at_five.overall
    assert at_six.subscales == at_five.subscales
    both(start, end, enrolments[6:], 2, 4)
    at_ten = change_of(programme)
    assert at_ten.counted == 10
    assert at_ten.overall != at_five.overall


def test_a_theme_some_people_skipped_waits_for_its_own_five(programme_world: Cast) -> None:
    programme, start, end = start_and_end(programme_world)
    enrolments = people(programme, 6)
    both(start, end, enrolments[:4], 2, 4)
    for enrolment in enrolments[4:]:
        answer(start, enrolment, {"open-questions": 2, "listening": 2})
        answer(end, enrolment, {"open-questions": 4, "listening": 4})
    change = change_of(programme)
    assert change.overall is not None
    assert [f.label for f in change.subscales] == ["Questioning"]


def answered_twice(cast: Cast) -> Programme:
    programme, start, end = start_and_end(cast)
    both(start, end, people(programme, 5), 2, 4)
    return programme


def test_the_page_and_both_reports_show_the_change_from_one_data_function(programme_world: Cast) -> None:
    programme = answered_twice(programme_world)
    client = programme_world.client("a_sponsor")
    kwargs = {"programme": programme.public_id}
    html = client.get(reverse("evaluation:dashboard", kwargs=kwargs)).content.decode()
    assert "Pre/post self-rating: the same people, at the start and at the end" in html
    assert "<td>+0.9</td>" in html
    assert "<td>+2.0</td>" in html
    text = client.get(reverse("evaluation:report_csv", kwargs=kwargs)).content.decode()
    assert "change,Pre/post self-rating: Overall: average change,At the start to at the end,0.86,5" in text
    assert "change,Pre/post self-rating: Overall: moved up,At the start to at the end,5,5" in text
    assert "change,Pre/post self-rating: Connecting: stayed,At the start to at the end,5,5" in text
    pdf = pdf_text(client.get(reverse("evaluation:report_pdf", kwargs=kwargs)).content)
    assert "the same people, at the start and at the end" in pdf
    assert "+2.0" in pdf


def test_below_five_the_page_and_reports_say_how_many_more_and_show_no_change(programme_world: Cast) -> None:
    programme, start, end = start_and_end(programme_world)
    both(start, end, people(programme, 3), 2, 4)
    results = programme_results(programme)
    html = (
        programme_world.client("a_sponsor")
        .get(reverse("evaluation:dashboard", kwargs={"programme": programme.public_id}))
        .content.decode()
    )
    assert "3 people have answered both; the change appears when 5 have (2 more)." in html
    text = report_csv(results)
    assert "change,Pre/post self-rating: answered both,At the start to at the end,3," in text
    assert "average change" not in text
    assert "+2.0" not in pdf_text(report_pdf(results))


def test_people_without_a_login_are_asked_by_link_and_a_switched_off_login_is_not_asked(
    programme_world: Cast,
) -> None:
    programme, start, _ = start_and_end(programme_world)
    with_login = people(programme, 3, login=True)
    people(programme, 4)  # no login yet: emailed a link of their own, so asked
    switched_off = people(programme, 2, login=True)
    for enrolment in switched_off:
        assert enrolment.person.user is not None
        enrolment.person.user.is_active = False
        enrolment.person.user.save(update_fields=["is_active"])
    answer(start, with_login[0], 3)
    answer(start, switched_off[0], 3)  # answered before their login was switched off: still asked
    result = next(o for o in programme_results(programme).occasions if o.occasion == start)
    # programme_world's own seven members (one with a login, six without) are asked too.
    assert result.asked == 3 + 4 + 1 + 7
    assert result.not_invited == 1
    html = (
        programme_world.client("a_sponsor")
        .get(reverse("evaluation:dashboard", kwargs={"programme": programme.public_id}))
        .content.decode()
    )
    assert "2 of 15" in html
    # At the end, neither of the two has answered: the page names the most left out of any one survey.
    assert "2 members whose login is switched off were not asked" in html


def test_someone_who_withdraws_after_answering_still_counts_as_asked(programme_world: Cast) -> None:
    programme, start, _ = start_and_end(programme_world)
    enrolments = people(programme, 2, login=True)
    for enrolment in enrolments:
        answer(start, enrolment, 3)
    Enrolment.objects.filter(pk=enrolments[0].pk).update(withdrawn_at=timezone.now())
    results = programme_results(programme)
    result = next(o for o in results.occasions if o.occasion == start)
    assert result.answered == 2
    assert result.asked == 2 + 7  # the two who answered, and programme_world's seven members
    assert results.answered <= results.asked
