"""Actions and the progress round: open actions come back at every meeting until they are closed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room import actions
from actionset.room.models import Action, ActionReport
from conftest import Cast
from tests.factories import MeetingFactory, UserFactory


def member(cast: Cast) -> Enrolment:
    return cast.people["a_participant"].enrolments.get()


def other_member(cast: Cast) -> Enrolment:
    assert cast.learning_set is not None
    return cast.learning_set.memberships.exclude(enrolment=member(cast)).first().enrolment  # type: ignore[union-attr]


def meetings(cast: Cast) -> list[Meeting]:
    """Meetings 1 to 3 of the set (the cast's meeting is number 1)."""
    assert cast.meeting is not None
    later = [
        MeetingFactory.create(
            learning_set=cast.learning_set,
            number=n,
            starts_at=cast.meeting.starts_at + n * (cast.meeting.ends_at - cast.meeting.starts_at) * 10,
        )
        for n in (2, 3)
    ]
    return [cast.meeting, *later]


def test_partly_and_not_done_carry_forward_until_done_or_dropped(programme_world: Cast) -> None:
    cast = programme_world
    m1, m2, m3 = meetings(cast)
    me = member(cast)
    a = actions.action_commit(meeting=m1, owner=me, text="Talk to finance", due_on=None)
    b = actions.action_commit(meeting=m1, owner=me, text="Map the stakeholders", due_on=None)
    c = actions.action_commit(meeting=m1, owner=me, text="Ask my director", due_on=None)
    assert set(Action.objects.open_for(me)) == {a, b, c}

    actions.action_report(meeting=m2, enrolment=me, action=a, status="partly", learning="Half of it.")
    actions.action_report(meeting=m2, enrolment=me, action=b, status="done", learning="Drew it.")
    actions.action_report(meeting=m2, enrolment=me, action=c, status="not_done", learning="")
    assert set(Action.objects.open_for(me)) == {a, c}
    b.refresh_from_db()
    assert b.closed_at is not None
    assert b.learning == "Drew it."

    at_m3 = [row["action"] for row in actions.progress_round(m3, me)]
    assert at_m3 == [a, c]
    actions.action_report(meeting=m3, enrolment=me, action=a, status="dropped", learning="No longer matters.")
    actions.action_report(meeting=m3, enrolment=me, action=c, status="done", learning="She agreed.")
    assert list(Action.objects.open_for(me)) == []
    # The history keeps each meeting's report.
    assert list(ActionReport.objects.filter(action=a).values_list("meeting__number", "status")) == [
        (2, "partly"),
        (3, "dropped"),
    ]


def test_the_progress_round_shows_only_my_open_actions_from_earlier_meetings(programme_world: Cast) -> None:
    cast = programme_world
    m1, m2, _ = meetings(cast)
    me, them = member(cast), other_member(cast)
    mine = actions.action_commit(meeting=m1, owner=me, text="Mine from meeting 1", due_on=None)
    actions.action_commit(meeting=m1, owner=them, text="Theirs from meeting 1", due_on=None)
    actions.action_commit(meeting=m2, owner=me, text="Mine from today", due_on=None)
    closed = actions.action_commit(meeting=m1, owner=me, text="Closed already", due_on=None)
    closed.status, closed.closed_at = Action.Status.DONE, m1.ends_at
    closed.save()

    assert [r["action"] for r in actions.progress_round(m2, me)] == [mine]
    page = cast.client("a_participant").get(reverse("setwork:work", kwargs={"meeting": m2.public_id})).content.decode()
    panel = page.split('id="panel-progress"')[1].split("</section>")[0]
    # What I report on; below it, the set's round, which the whole room follows, lists theirs too.
    progress, round_ = panel.split("The set's round")
    assert "Mine from meeting 1" in progress
    assert "Theirs from meeting 1" not in progress
    assert "Theirs from meeting 1" in round_
    assert "Mine from today" not in progress
    assert "Closed already" not in progress


def test_a_report_made_in_this_meeting_stays_to_be_corrected(programme_world: Cast) -> None:
    cast = programme_world
    m1, m2, _ = meetings(cast)
    me = member(cast)
    a = actions.action_commit(meeting=m1, owner=me, text="Talk to finance", due_on=None)
    client = cast.client("a_participant")
    url = reverse("setwork:progress_report", kwargs={"meeting": m2.public_id})
    assert client.post(url, {"action": a.public_id, "status": "done", "learning": "Yes"}).status_code == 302
    assert [r["action"] for r in actions.progress_round(m2, me)] == [a]
    client.post(url, {"action": a.public_id, "status": "partly", "learning": "Only half"})
    a.refresh_from_db()
    assert a.status == "partly"
    assert a.closed_at is None
    assert ActionReport.objects.filter(action=a).count() == 1


def test_a_member_cannot_report_on_someone_elses_action(programme_world: Cast) -> None:
    cast = programme_world
    m1, m2, _ = meetings(cast)
    theirs = actions.action_commit(meeting=m1, owner=other_member(cast), text="Theirs", due_on=None)
    url = reverse("setwork:progress_report", kwargs={"meeting": m2.public_id})
    response = cast.client("a_participant").post(url, {"action": theirs.public_id, "status": "done"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "open"
    with pytest.raises(actions.NotYours):
        actions.action_report(meeting=m2, enrolment=member(cast), action=theirs, status="done", learning="")


def test_an_action_of_another_set_is_not_found(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.other_set is not None
    elsewhere = cast.other_set.meetings.get()
    outsider = cast.other_set.memberships.first().enrolment  # type: ignore[union-attr]
    action = actions.action_commit(meeting=elsewhere, owner=outsider, text="Elsewhere", due_on=None)
    _, m2, _ = meetings(cast)
    url = reverse("setwork:progress_report", kwargs={"meeting": m2.public_id})
    assert cast.client("a_participant").post(url, {"action": action.public_id, "status": "done"}).status_code == 404


def test_actions_are_added_for_the_presenter_with_htmx_returning_the_panel(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    me = member(cast)
    url = reverse("setwork:action_add", kwargs={"meeting": cast.meeting.public_id})
    data: dict[str, Any] = {
        "presenter": me.public_id,
        "text": "Call the depot",
        "due_on": "2030-01-31",
        "panel": "airtime",
    }
    response = cast.client("facilitator").post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="setwork-panel card"' in response.content.decode()
    assert "Call the depot" in response.content.decode()
    action = Action.objects.get()
    assert (action.owner, action.meeting, str(action.due_on)) == (me, cast.meeting, "2030-01-31")


def test_a_redirect_goes_back_only_to_our_own_pages(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    url = reverse("setwork:action_add", kwargs={"meeting": cast.meeting.public_id})
    data = {"presenter": member(cast).public_id, "text": "Something", "next": "https://elsewhere.example/"}
    response = cast.client("a_participant").post(url, data)
    assert response["Location"] == reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})
    response = cast.client("a_participant").post(url, {**data, "next": "/sets/x/"})
    assert response["Location"] == "/sets/x/"


@pytest.mark.parametrize(
    ("name", "method"),
    [("setwork:work", "get"), ("setwork:bid", "post"), ("setwork:action_add", "post"), ("setwork:review", "post")],
)
def test_a_member_of_another_set_is_not_told_the_meeting_exists(programme_world: Cast, name: str, method: str) -> None:
    cast = programme_world
    assert cast.meeting is not None
    assert cast.other_set is not None
    person = cast.other_set.memberships.first().enrolment.person  # type: ignore[union-attr]
    person.user = UserFactory.create()
    person.save()
    client = Client()
    client.force_login(person.user)
    url = reverse(name, kwargs={"meeting": cast.meeting.public_id})
    response = getattr(client, method)(url, {"needs_time": "yes", "rating": 5, "text": "x", "presenter": "x"})
    assert response.status_code == 404
