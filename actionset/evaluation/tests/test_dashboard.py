"""The sponsor dashboard: programme health in counts, shared learning from learning.selectors, audited exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.evaluation.tests.test_threshold import pdf_text
from conftest import Cast


def url(cast: Cast, name: str = "evaluation:dashboard") -> str:
    assert cast.programme is not None
    return reverse(name, kwargs={"programme": cast.programme.public_id})


def test_health_counts_actions_but_never_shows_what_they_say(programme_world: Cast) -> None:
    from actionset.meetings.models import Attendance
    from actionset.room.models import Action

    meeting = programme_world.meeting
    assert meeting is not None
    meeting.status = "held"
    meeting.starts_at = timezone.now() - dt.timedelta(days=2)
    meeting.save()
    enrolment = programme_world.people["a_participant"].enrolments.get()
    Attendance.objects.create(meeting=meeting, enrolment=enrolment, status="present")
    Action.objects.create(
        learning_set=meeting.learning_set, owner=enrolment, meeting=meeting, text="Confront my director", status="done"
    )
    Action.objects.create(learning_set=meeting.learning_set, owner=enrolment, meeting=meeting, text="Quietly resign")
    page = programme_world.client("a_sponsor").get(url(programme_world)).content.decode()
    assert "1 done (50%), 1 still open" in page
    assert "100%" in page  # attendance: 1 of 1 place recorded
    for name in ("evaluation:dashboard", "evaluation:report_csv"):
        content = programme_world.client("a_sponsor").get(url(programme_world, name)).content.decode()
        assert "Confront my director" not in content
        assert "Quietly resign" not in content
    pdf = pdf_text(programme_world.client("a_sponsor").get(url(programme_world, "evaluation:report_pdf")).content)
    assert "Quietly resign" not in pdf


def released_learning(monkeypatch: Any, *answers: Any) -> None:
    """One released question to leaders, under one theme, as the learning selectors would give them."""
    from actionset.learning import selectors

    question = selectors.ReleasedItem(
        public_id=None,
        kind="question",
        kind_label="Question for leaders",
        text="Who decides when a ward closes at weekends?",
        set_name="Set 1",
        programme_title="",
        organisation_name="",
        released_at=timezone.now(),
        author_name=None,
        answers=answers,
    )
    theme = selectors.ThemeSummary(public_id=None, name="Weekend cover", description="", count=1, items=(question,))
    # The results read both from one selector (one read of the programme's released items).
    monkeypatch.setattr(selectors, "themes_and_questions", lambda programme, **kw: ([theme], [question]))


def test_shared_themes_and_answered_questions_come_from_the_learning_selectors(
    programme_world: Cast, monkeypatch: Any
) -> None:
    from actionset.learning import selectors

    released_learning(monkeypatch, selectors.Answer("A director", "The site manager, from March.", timezone.now()))
    page = programme_world.client("a_admin").get(url(programme_world)).content.decode()
    assert "Who decides when a ward closes at weekends?" in page
    assert "The site manager, from March." in page
    assert "Weekend cover" in page
    csv = programme_world.client("a_admin").get(url(programme_world, "evaluation:report_csv")).content.decode()
    assert "Who decides when a ward closes at weekends?" in csv
    pdf = pdf_text(programme_world.client("a_admin").get(url(programme_world, "evaluation:report_pdf")).content)
    assert "Weekend cover" in pdf


@pytest.mark.parametrize("role", ["administrator", "facilitator", "trainer"])
def test_shared_learning_on_the_results_goes_only_to_the_people_it_was_shared_with(
    programme_world: Cast, monkeypatch: Any, role: str
) -> None:
    """Provider staff who may read a programme's results are not all among the readers of what its sets released."""
    released_learning(monkeypatch)
    client = programme_world.client(role)
    page = client.get(url(programme_world))
    assert page.status_code == 200
    assert "Who decides when a ward closes at weekends?" not in page.content.decode()
    assert "Weekend cover" not in page.content.decode()
    assert "Who decides" not in client.get(url(programme_world, "evaluation:report_csv")).content.decode()
    assert "Weekend cover" not in pdf_text(client.get(url(programme_world, "evaluation:report_pdf")).content)


def test_empty_states_say_when_results_will_appear(programme_world: Cast) -> None:
    page = programme_world.client("a_sponsor").get(url(programme_world)).content.decode()
    assert "No surveys planned yet" in page
    assert "No themes shared yet" in page
    assert "No questions yet" in page


def test_every_export_is_audited(programme_world: Cast) -> None:
    for name, kind in (("evaluation:report_pdf", "pdf"), ("evaluation:report_csv", "csv")):
        response = programme_world.client("a_sponsor").get(url(programme_world, name))
        assert "attachment;" in response["Content-Disposition"]
        event = AuditEvent.objects.filter(action="evaluation.report_exported").latest("created_at")
        assert event.detail == {"format": kind}
        assert event.actor == programme_world.users["a_sponsor"]


def test_the_programme_tabs_link_to_the_results(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    page = programme_world.client("a_sponsor").get(
        reverse("programmes:detail", kwargs={"programme": programme_world.programme.public_id})
    )
    assert url(programme_world).encode() in page.content


def test_key_messages_in_plain_words_use_only_shown_figures(programme_world: Cast) -> None:
    from actionset.evaluation.tests.factories import answer, occasion, people

    assert programme_world.programme is not None
    start = occasion(programme_world.programme)
    enrolments = people(programme_world.programme, 5)
    for enrolment in enrolments[:4]:
        answer(start, enrolment, 2)
    page = programme_world.client("a_sponsor").get(url(programme_world)).content.decode()
    assert "participants rated themselves" not in page
    answer(start, enrolments[4], 2)
    page = programme_world.client("a_sponsor").get(url(programme_world)).content.decode()
    assert "At the start, participants rated themselves 2.6 out of 5 (pre/post self-rating)." in page
    pdf = pdf_text(programme_world.client("a_sponsor").get(url(programme_world, "evaluation:report_pdf")).content)
    assert "participants rated themselves 2.6 out of 5" in pdf
