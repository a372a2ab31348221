"""Outsiders to a set are told nothing about it: 404 on every URL that names a set or anything in it.

The insiders of a set's pages are its members and facilitators, once its programme is published. The set's own
page and its meetings' calendar files (`set.view`) also let in the provider's designers, who compose the sets;
designing a set (locking it, naming its facilitators, moving and cancelling its meetings) is known to the
administrators and designers who may do it. Everyone else — the programme's sponsors, the organisation's admins,
other provider staff, and the members and facilitators of the programme's other sets — gets 404, exactly as for a
set that does not exist, never a 403 that tells them the page is there.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actionset.learning.models import SharedItem
from actionset.meetings.models import Meeting
from actionset.sets.models import LearningSet
from conftest import Cast
from tests.matrix import all_cases
from tests.security.world import outsiders_of_the_set

#: Designing a set: its members and facilitator may be refused (403), since they know the set.
DESIGN_URLS = {"sets:lock", "sets:set_card", "sets:facilitators", "meetings:meeting_change", "meetings:meeting_cancel"}
#: The set's own page, its meetings' calendar files and its meeting link: the designers who composed the set are
#: insiders too.
SET_VIEW_URLS = {"sets:detail", "meetings:meeting_ics", "sets:meeting_link"}
SET_INSIDERS = {"a_participant", "facilitator"}


def insiders(name: str) -> set[str]:
    if name in DESIGN_URLS:
        return SET_INSIDERS | {"administrator", "designer"}
    if name in SET_VIEW_URLS:
        return SET_INSIDERS | {"designer"}
    return SET_INSIDERS


def names_set_content(kwargs: dict[str, Any]) -> bool:
    """A set, one of its meetings, or something its members are still deciding whether to share."""
    if "learning_set" in kwargs:
        return LearningSet.objects.filter(public_id=kwargs["learning_set"]).exists()
    if "meeting" in kwargs:
        return Meeting.objects.filter(public_id=kwargs["meeting"]).exists()
    item = SharedItem.objects.filter(public_id=kwargs["item"]).first() if "item" in kwargs else None
    return item is not None and item.is_proposed


@pytest.fixture
def outsiders(programme_world: Cast) -> dict[str, Client]:
    """Every role of the cast, signed in, plus a member and a facilitator of the programme's other set."""
    return outsiders_of_the_set(programme_world, anonymous=False)


def test_sponsors_and_organisation_admins_get_404_not_403_on_a_sets_pages(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    urls = [
        reverse("sets:detail", kwargs={"learning_set": cast.learning_set.public_id}),
        reverse("meetings:meeting_ics", kwargs={"meeting": cast.meeting.public_id}),
    ]
    for role in ("a_sponsor", "a_admin"):
        for url in urls:
            assert cast.client(role).get(url).status_code == 404, (role, url)


def test_a_member_of_another_set_of_the_programme_gets_404_on_the_sets_page(
    programme_world: Cast, outsiders: dict[str, Client]
) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    url = reverse("sets:detail", kwargs={"learning_set": cast.learning_set.public_id})
    assert outsiders["other_set_member"].get(url).status_code == 404
    assert outsiders["other_set_facilitator"].get(url).status_code == 404


def test_every_url_naming_a_set_or_its_content_is_404_to_everyone_outside_the_set(
    programme_world: Cast, outsiders: dict[str, Client]
) -> None:
    cast = programme_world
    wrong: list[str] = []
    checked = 0
    for name, case in sorted(all_cases().items()):
        if not names_set_content(case.kwargs(cast)):
            continue
        checked += 1
        for who, client in outsiders.items():
            if who in insiders(name):
                continue
            # Fresh arguments per request: some cases make a new object each time (a meeting to cancel).
            response = getattr(client, case.method)(reverse(name, kwargs=case.kwargs(cast)), case.data(cast))
            if response.status_code != 404:
                wrong.append(f"{name} as {who}: {response.status_code}")
    assert checked >= 30
    assert wrong == []


def test_insiders_still_reach_the_sets_page(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    url = reverse("sets:detail", kwargs={"learning_set": cast.learning_set.public_id})
    for role in ("a_participant", "facilitator", "designer"):
        assert cast.client(role).get(url).status_code == 200, role
