"""The sets one facilitates: the home page lists the soonest few and links to a page of them all."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionset.meetings.home import FACILITATING_ON_HOME
from actionset.meetings.views import FACILITATING_PER_PAGE
from conftest import Cast
from tests.factories import FacilitatorAssignmentFactory, LearningSetFactory, MeetingFactory


def _facilitate(cast: Cast, count: int) -> list[str]:
    """`count` more sets of the cast's programme for its facilitator, the later-made ones meeting sooner."""
    assert cast.programme is not None
    names = []
    for n in range(count):
        learning_set = LearningSetFactory.create(programme=cast.programme, name=f"Extra set {n:03d}")
        FacilitatorAssignmentFactory.create(learning_set=learning_set, user=cast.users["facilitator"])
        MeetingFactory.create(learning_set=learning_set, starts_at=timezone.now() + dt.timedelta(days=200 - n))
        names.append(learning_set.name)
    return names


def _listed(html: str) -> list[str]:
    return [name for name in html.split("<strong>")[1:] for name in [name.split("</strong>")[0]]]


def test_the_home_page_lists_the_soonest_sets_and_links_to_them_all(programme_world: Cast) -> None:
    names = _facilitate(programme_world, FACILITATING_ON_HOME + 5)
    client = programme_world.client("facilitator")
    home = client.get(reverse("core:home")).content.decode()
    panel = home.split('id="facilitating"')[1].split("</section>")[0]
    # Soonest meeting first: the cast's set meets in a week, then the last sets made.
    assert _listed(panel) == ["Set 1", *list(reversed(names))[: FACILITATING_ON_HOME - 1]]
    total = FACILITATING_ON_HOME + 5 + 1  # and the cast's own set
    assert f"All {total} sets you facilitate" in panel
    page = client.get(reverse("meetings:facilitating")).content.decode()
    assert set(_listed(page)) >= {*names, "Set 1"}
    assert "Set 2" not in _listed(page)  # a set of the programme they do not facilitate


def test_a_few_sets_are_listed_without_a_link(programme_world: Cast) -> None:
    home = programme_world.client("facilitator").get(reverse("core:home")).content.decode()
    panel = home.split('id="facilitating"')[1].split("</section>")[0]
    assert _listed(panel) == ["Set 1"]
    assert "sets you facilitate</a>" not in panel


def test_the_page_of_them_all_comes_a_page_at_a_time_for_the_same_queries(programme_world: Cast) -> None:
    client = programme_world.client("facilitator")
    _facilitate(programme_world, 3)
    client.get(reverse("meetings:facilitating"))  # the navigation is built and kept at the first page
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("meetings:facilitating")).status_code == 200
    _facilitate(programme_world, FACILITATING_PER_PAGE + 3)
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("meetings:facilitating")).content.decode()
    assert len(many) == len(few)
    assert len(_listed(first)) == FACILITATING_PER_PAGE
    second = client.get(reverse("meetings:facilitating"), {"page": 2}).content.decode()
    assert len(_listed(second)) == 3 + 3 + 1


def test_someone_who_facilitates_nothing_is_told_so(programme_world: Cast) -> None:
    page = programme_world.client("a_participant").get(reverse("meetings:facilitating")).content.decode()
    assert "No sets to facilitate yet" in page
