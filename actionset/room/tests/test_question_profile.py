"""The question coach in meetings: questions noted in airtime are read by the coach; during the meeting a
question's label is seen only by whoever asked it and the facilitator; the process review shows the set's profile
(counts by label, no names); and each member's own profile is seen only by them and their facilitator."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from actionset.meetings import live
from actionset.programmes.models import Enrolment
from actionset.room import airtime
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
    return read(client, reverse("setwork:work", kwargs={"meeting": cast.meeting.public_id}))


def read(client: Client, url: str) -> str:
    """A page's text with HTML escapes undone, so that questions with apostrophes can be looked for."""
    return html.unescape(client.get(url).content.decode())


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
    assert "Your own questions in this set so far: 2, 50% open" in page


def second_member(cast: Cast) -> tuple[Enrolment, Client]:
    """Another member of the set, signed in."""
    assert cast.learning_set is not None
    other_user = UserFactory.create(email="other.member@org.test")
    other = EnrolmentFactory.create(programme=cast.learning_set.programme, person__organisation=cast.org_a)
    other.person.user = other_user
    other.person.save()
    MembershipFactory.create(learning_set=cast.learning_set, enrolment=other)
    client = Client()
    client.force_login(other_user)
    return other, client


def labels_on(page: str) -> list[str]:
    """The coach's labels shown beside questions on a page (the badges, not the profile's counts)."""
    return re.findall(r'class="badge coach-label[^"]*" data-label="([a-z_]+)"', page)


def test_a_questions_label_is_seen_only_by_who_asked_it_and_the_facilitator(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    other, neighbour = second_member(cast)
    airtime.bid_save(meeting=cast.meeting, enrolment=presenter, needs_time=True, minutes=30, urgency=2)
    mine = cast.client("a_participant")
    note(mine, cast, "Have you thought about asking HR?", presenter=presenter, asked_by=me)
    note(neighbour, cast, "Don't you think she already knows?", presenter=presenter, asked_by=other)
    note(neighbour, cast, "Did you tell her?", presenter=presenter)  # nobody named as asking it

    my_page = review_panel(mine, cast)
    assert "Don't you think she already knows?" in my_page, "everyone sees the questions themselves"
    assert labels_on(my_page) == ["advice"]
    assert labels_on(review_panel(neighbour, cast)) == ["leading"]
    assert sorted(labels_on(review_panel(cast.client("facilitator"), cast))) == ["advice", "closed", "leading"]
    # The coach's reasons travel with the labels.
    assert "proposes a course of action" not in review_panel(neighbour, cast)


def test_on_the_live_page_a_member_sees_only_their_own_labels(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    other, neighbour = second_member(cast)
    facilitator = cast.users["facilitator"]
    run = live.live_start(actor=facilitator, meeting=cast.meeting, early=True)
    while live.live_state(cast.meeting).phase.kind != "airtime":  # type: ignore[union-attr]
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
    live.live_presenter(actor=facilitator, meeting=cast.meeting, version=run.version, presenter=presenter)
    note(neighbour, cast, "Why don't you just ask her?", presenter=presenter, asked_by=other)
    note(cast.client("a_participant"), cast, "What matters most to you?", presenter=presenter, asked_by=me)

    url = reverse("live:live", kwargs={"meeting": cast.meeting.public_id})
    mine = read(cast.client("a_participant"), url)
    assert "Why don't you just ask her?" in mine
    assert labels_on(mine) == ["open"]
    assert labels_on(read(neighbour, url)) == ["advice"]
    assert sorted(labels_on(read(cast.client("facilitator"), url))) == ["advice", "open"]


def test_the_set_sees_its_profile_by_label_without_names_at_the_process_review(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    other, neighbour = second_member(cast)
    facilitator = cast.users["facilitator"]
    run = live.live_start(actor=facilitator, meeting=cast.meeting, early=True)
    while live.live_state(cast.meeting).phase.kind != "airtime":  # type: ignore[union-attr]
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
    run = live.live_presenter(actor=facilitator, meeting=cast.meeting, version=run.version, presenter=presenter)
    note(neighbour, cast, "Have you tried asking HR?", presenter=presenter, asked_by=other)
    note(neighbour, cast, "Isn't the real problem her manager?", presenter=presenter, asked_by=other)
    note(neighbour, cast, "What would help?", presenter=presenter, asked_by=me)
    note(neighbour, cast, "Did you tell her?", presenter=presenter, asked_by=me)

    # During airtime the set's profile is not shown yet: it would give away whose question was which.
    during = review_panel(cast.client("a_participant"), cast)
    assert "Our questions today" in during
    assert "1 leading" not in during
    assert "appears at the process review" in during

    while live.live_state(cast.meeting).phase.kind != "review":  # type: ignore[union-attr]
        run = live.live_next(actor=facilitator, meeting=cast.meeting, version=run.version)
    url = reverse("live:live", kwargs={"meeting": cast.meeting.public_id})
    for page in (read(neighbour, url), review_panel(cast.client("a_participant"), cast)):
        profile = page[page.index("Our questions today") :]
        profile = profile[: profile.index("</section>")]
        assert "4 questions noted" in profile
        assert "25% open" in profile
        assert "1 closed" in profile
        assert "1 leading" in profile
        assert "1 that may have sounded like advice" in profile
        # Counts by label, no names, and no question that would point to who asked it.
        assert escape(me.person.name) not in profile
        assert escape(other.person.name) not in profile
        assert "Have you tried asking HR?" not in profile
    # The facilitator has the examples to talk about, if they choose to.
    facilitator_page = read(cast.client("facilitator"), url)
    assert "Have you tried asking HR?" in facilitator_page[facilitator_page.index("Our questions today") :]


def test_a_members_own_profile_is_seen_only_by_them_and_the_facilitator(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    members = [m.enrolment for m in cast.learning_set.memberships.all()]
    me = next(e for e in members if e.person == cast.people["a_participant"])
    presenter = next(e for e in members if e != me)
    note(cast.client("a_participant"), cast, "What matters most to you here?", presenter=presenter, asked_by=me)

    _, neighbour = second_member(cast)
    assert "Your own questions" not in review_panel(neighbour, cast)

    fairness = reverse("setwork:fairness", kwargs={"learning_set": cast.learning_set.public_id})
    assert neighbour.get(fairness).status_code == 403
    facilitator_page = cast.client("facilitator").get(fairness).content.decode()
    assert "How each member" in facilitator_page
    assert escape(me.person.name) in facilitator_page
    # Outside the set nobody sees any of it.
    assert cast.client("a_sponsor").get(fairness).status_code == 404
    assert cast.client("administrator").get(fairness).status_code == 404
