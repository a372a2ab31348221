"""List pages make the same number of queries however long the list: no N+1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from tests.factories import EnrolmentFactory, MembershipFactory, PersonFactory


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(make: Callable[[], Any], count: int) -> None:
    for _ in range(count):
        make()


@pytest.mark.parametrize("page", ["people", "pool", "programmes", "home", "board", "set", "schedule"])
def test_list_pages_do_not_grow_queries_with_their_lists(programme_world: Cast, page: str) -> None:
    cast = programme_world
    assert cast.programme is not None
    assert cast.learning_set is not None
    assert cast.other_set is not None
    programme = cast.programme
    urls = {
        "people": ("a_admin", reverse("organisations:people", kwargs={"organisation": cast.org_a.public_id})),
        "pool": ("designer", reverse("programmes:pool", kwargs={"programme": programme.public_id})),
        "programmes": ("designer", reverse("programmes:list")),
        "home": ("designer", reverse("core:home")),
        "board": ("designer", reverse("sets:board", kwargs={"programme": programme.public_id})),
        "set": ("a_participant", reverse("sets:detail", kwargs={"learning_set": cast.learning_set.public_id})),
        "schedule": ("a_sponsor", reverse("meetings:schedule", kwargs={"programme": programme.public_id})),
    }
    role, url = urls[page]
    client = cast.client(role)
    queries_for(client, url)  # warm caches (sessions, content types)
    small = queries_for(client, url)
    grow(lambda: PersonFactory.create(organisation=cast.org_a, line_manager=cast.people["a_admin"]), 10)
    grow(lambda: EnrolmentFactory.create(programme=programme), 10)
    grow(lambda: MembershipFactory.create(learning_set=cast.learning_set), 3)
    grow(lambda: MembershipFactory.create(learning_set=cast.other_set), 3)
    # What is kept between requests until its rows change (core/kept.py) is made afresh once after the growth: the
    # page is compared warm with warm.
    queries_for(client, url)
    assert queries_for(client, url) == small
