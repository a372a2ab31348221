"""Closing a programme with meetings still to come: the designer is told first, and the meetings are cancelled after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actionset.meetings.closing import meetings_to_come_cancel
from actionset.meetings.models import Meeting
from actionset.meetings.services import schedule_create
from actionset.meetings.tests.conftest import add_set, published_programme, sent_calendars
from actionset.programmes.models import Programme
from conftest import Cast


def _running(cast: Cast, run_on_commit: Any) -> Programme:
    programme = published_programme(cast, number_of_meetings=3)
    add_set(programme, [[], []], facilitator=cast.users["facilitator"])
    add_set(programme, [[]])
    with run_on_commit():
        schedule_create(actor=cast.users["designer"], programme=programme)
    # The first meeting of each set has been held: history, never cancelled.
    Meeting.objects.filter(number=1).update(status=Meeting.Status.HELD, starts_at=timezone.now() - dt.timedelta(days=1))
    mail.outbox.clear()
    return programme


def _close(cast: Cast, programme: Programme, **extra: str) -> Any:
    url = reverse("programmes:status", kwargs={"programme": programme.public_id})
    return cast.client("designer").post(url, {"status": "closed", **extra})


def test_closing_with_meetings_to_come_asks_first_and_changes_nothing(cast: Cast, run_on_commit: Any) -> None:
    programme = _running(cast, run_on_commit)
    response = _close(cast, programme)
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 meetings are still to come in 2 sets." in html
    assert "Closing the programme cancels them" in html
    assert 'name="confirmed" value="yes"' in html
    programme.refresh_from_db()
    assert programme.status == Programme.Status.RUNNING
    assert not Meeting.objects.filter(status=Meeting.Status.CANCELLED).exists()


def test_once_confirmed_the_meetings_to_come_are_cancelled_and_everyone_told(
    cast: Cast, run_on_commit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    programme = _running(cast, run_on_commit)
    with django_capture_on_commit_callbacks() as callbacks:
        assert _close(cast, programme, confirmed="yes").status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.CLOSED
    # The request only queued the work: nothing is cancelled until the worker runs it.
    assert len(callbacks) == 1
    assert not Meeting.objects.filter(status=Meeting.Status.CANCELLED).exists()
    with run_on_commit():
        assert meetings_to_come_cancel(programme.pk, cast.users["designer"].pk) == 4
    assert Meeting.objects.filter(status=Meeting.Status.CANCELLED).count() == 4
    assert Meeting.objects.filter(status=Meeting.Status.HELD).count() == 2
    cancels = [c for m in mail.outbox for c in sent_calendars(m) if c.get("METHOD") == "CANCEL"]
    # Each meeting's cancellation to each of its set's people: 2 meetings x 3 people + 2 meetings x 1 person.
    assert len(cancels) == 8
    assert "The programme has closed." in mail.outbox[0].body


def test_a_programme_reopened_before_the_worker_runs_keeps_its_meetings(cast: Cast, run_on_commit: Any) -> None:
    programme = _running(cast, run_on_commit)
    _close(cast, programme, confirmed="yes")
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.RUNNING)
    assert meetings_to_come_cancel(programme.pk, None) == 0
    assert not Meeting.objects.filter(status=Meeting.Status.CANCELLED).exists()


def test_closing_with_nothing_to_come_needs_no_confirmation(cast: Cast, run_on_commit: Any) -> None:
    programme = _running(cast, run_on_commit)
    Meeting.objects.update(status=Meeting.Status.HELD)
    assert _close(cast, programme).status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.CLOSED


def test_a_move_that_is_refused_is_not_asked_about(cast: Cast, run_on_commit: Any) -> None:
    programme = _running(cast, run_on_commit)
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DRAFT)
    response = _close(cast, programme)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT
