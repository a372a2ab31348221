"""Members without a login answer through a link of their own: signed, expiring, once only, for one survey, and
it never shows anyone what was answered."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.evaluation import services
from actionset.evaluation.models import Item, Notice, Occasion, Response
from actionset.evaluation.services import answer_token, notices_send
from actionset.evaluation.tests.factories import occasion, people
from actionset.programmes.models import Enrolment
from conftest import Cast


def start_survey(cast: Cast) -> tuple[Occasion, Enrolment]:
    assert cast.programme is not None
    start = occasion(cast.programme)
    (enrolment,) = people(cast.programme, 1)
    return start, enrolment


def link(start: Occasion, enrolment: Enrolment) -> str:
    return reverse("evaluation:answer_by_link", kwargs={"token": answer_token(occasion=start, enrolment=enrolment)})


def all_fours(start: Occasion) -> dict[str, str]:
    items = start.instrument.items.filter(kind=Item.Kind.RATING)
    return {f"item_{i.pk}": "4" for i in items}


def test_a_member_without_a_login_answers_once_through_their_link(programme_world: Cast) -> None:
    from django.test import Client

    start, enrolment = start_survey(programme_world)
    client = Client()
    page = client.get(link(start, enrolment))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert page["Referrer-Policy"] == "same-origin"
    assert "Send my answers" in page.content.decode()
    done = client.post(link(start, enrolment), all_fours(start))
    assert "Thank you: your answers are saved" in done.content.decode()
    response = Response.objects.get(occasion=start)
    assert response.enrolment == enrolment
    assert set(response.answers.values_list("value", flat=True)) == {4}
    event = AuditEvent.objects.get(action="evaluation.answered")
    assert event.detail == {"via": "link"}
    # A second use, or a forwarded link, answers nothing more and shows nothing of what was answered.
    again = client.post(link(start, enrolment), {k: "1" for k in all_fours(start)})
    html = again.content.decode()
    assert "You have answered this survey" in html
    assert "cannot be used to answer again or to see what was answered" in html
    assert "Strongly" not in html
    assert "checked" not in html
    assert Response.objects.filter(occasion=start).count() == 1
    assert set(Response.objects.get().answers.values_list("value", flat=True)) == {4}


def test_a_tampered_or_foreign_link_opens_nothing(programme_world: Cast) -> None:
    start, enrolment = start_survey(programme_world)
    from django.test import Client

    from tests.factories import ProgrammeFactory

    token = answer_token(occasion=start, enrolment=enrolment)
    client = Client()
    url = reverse("evaluation:answer_by_link", kwargs={"token": token[:-2] + ("aa" if token[-2:] != "aa" else "bb")})
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:answer_by_link", kwargs={"token": "not-a-token"})).status_code == 404
    # A link naming a member of another programme does not open this programme's survey.
    other = ProgrammeFactory.create(organisation=programme_world.org_b)
    elsewhere = people(other, 1)[0]
    assert client.get(link(start, elsewhere)).status_code == 404


def test_a_link_expires(programme_world: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    start, enrolment = start_survey(programme_world)
    url = link(start, enrolment)
    monkeypatch.setattr(services, "LINK_LIFETIME", dt.timedelta(seconds=-1))
    assert Client().get(url).status_code == 404


def test_a_link_answers_nothing_once_the_survey_closes_or_the_member_withdraws(programme_world: Cast) -> None:
    from django.test import Client

    start, enrolment = start_survey(programme_world)
    Enrolment.objects.filter(pk=enrolment.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(services.ResponseRefused):
        services.response_submit_by_link(occasion=start, enrolment=enrolment, answers={})
    Client().post(link(start, enrolment), all_fours(start))
    assert not Response.objects.exists()
    Enrolment.objects.filter(pk=enrolment.pk).update(withdrawn_at=None)
    Occasion.objects.filter(pk=start.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    start.refresh_from_db()
    assert "This survey has closed" in Client().get(link(start, enrolment)).content.decode()


def test_members_without_a_login_are_emailed_their_own_link(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client

    start, enrolment = start_survey(programme_world)
    programme = programme_world.programme
    assert programme is not None
    Occasion.objects.filter(pk=start.pk).update(opens_on=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        notices_send(programmes=[programme])
    message = next(m for m in mail.outbox if m.to == [enrolment.person.email])
    assert "No login is needed" in message.body
    url = re.search(r"https?://\S+/evaluation/answer/\S+/", str(message.body))
    assert url is not None
    path = url.group(0).split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200
    # The member with a login is sent to sign in, where they can read their answers afterwards.
    participant = programme_world.users["a_participant"]
    signed = next(m for m in mail.outbox if m.to == [participant.email])
    assert f"/evaluation/surveys/{start.public_id}/" in signed.body
    assert Notice.objects.filter(occasion=start, enrolment=enrolment, kind="invitation").exists()
