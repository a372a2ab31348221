"""The question coach in meetings: questions noted in airtime are read by the coach, the process review shows
the set's profile, and each member's own profile is seen only by them and their facilitator."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from actionset.room.models import AirtimeQuestion
from conftest import Cast
from tests.factories import EnrolmentFactory, MembershipFactory, UserFactory


def note(client: Client, cast: Cast, text: str, *, presenter, asked_by=None) -> None:
    assert cast.meeting is not None
    data = {"text": text, "presenter": str(presenter.public_id)}
    if asked_by is not None:
        data["asked_by"] = str(asked_by.public_id)
    response = client.post(reverse("setwork:question", kwargs={"meeting": cast.meeting.public_id}), data)
    assert response.status_code == 302


def review_panel(client: Client, cast: Cast) -> str:
    assert cast.meeting is not None
    return client.get(reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id})).content.decode()


def test_questions_are_labelled_by_the_coach_and_attributed_to_who_asked(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    client = cast.client("a_participant")
    note(client, cast, "What would success look like for you?", presenter=presenter, asked_by=me)
    note(client, cast, "Have you thought about asking HR?", presenter=presenter, asked_by=me)
    note(client, cast, "Did you tell her?", presenter=presenter)
    questions = {q.text: q for q in AirtimeQuestion.objects.all()}
    assert questions["What would success look like for you?"].label == "open"
    assert questions["Have you thought about asking HR?"].label == "advice"
    assert questions["Have you thought about asking HR?"].reason
    assert questions["Did you tell her?"].label == "closed"
    assert questions["Did you tell her?"].asked_by is None, "the scribe is not assumed to be the one who asked"

    page = review_panel(client, cast)
    assert "3 questions noted" in page
    assert "33% open" in page
    assert "Have you thought about asking HR?" in page
    assert "Your own questions in this set so far: 2, 50% open" in page


def test_a_members_own_profile_is_seen_only_by_them_and_the_facilitator(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    note(cast.client("a_participant"), cast, "What matters most to you here?", presenter=presenter, asked_by=me)

    other_user = UserFactory.create(email="other.member@org.test")
    other = EnrolmentFactory.create(programme=cast.learning_set.programme, person__organisation=cast.org_a)
    other.person.user = other_user
    other.person.save()
    MembershipFactory.create(learning_set=cast.learning_set, enrolment=other)
    neighbour = Client()
    neighbour.force_login(other_user)
    assert "Your own questions" not in review_panel(neighbour, cast)

    fairness = reverse("setwork:fairness", kwargs={"learning_set": cast.learning_set.public_id})
    assert neighbour.get(fairness).status_code == 403
    facilitator_page = cast.client("facilitator").get(fairness).content.decode()
    assert "How each member" in facilitator_page
    assert me.person.name in facilitator_page
    # Outside the set nobody sees any of it.
    assert cast.client("a_sponsor").get(fairness).status_code == 404
    assert cast.client("administrator").get(fairness).status_code == 404
