"""A room form sent again from the browser's queue, after its answer was lost, is done once (core/submissions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from actionset.room.models import Action
from conftest import Cast

from .test_actions import member

pytestmark = pytest.mark.django_db

SUBMISSION = "0f3c2a9e6b1d4c8e9a7b5d3f1e2c4a6b"


@pytest.fixture(autouse=True)
def shared_cache(settings: Any) -> None:
    # The ids are kept in the shared cache; each test starts with none.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def add_action(cast: Cast, role: str, submission: str | None, text: str = "Call the depot") -> Any:
    assert cast.meeting is not None
    url = reverse("setwork:action_add", kwargs={"meeting": cast.meeting.public_id})
    data = {"presenter": member(cast).public_id, "text": text, "due_on": "2030-01-31", "panel": "airtime"}
    headers = {"HX-Request": "true"}
    if submission is not None:
        headers["X-Submission-Id"] = submission
    return cast.client(role).post(url, data, headers=headers)


def test_the_same_submission_sent_twice_adds_one_action(programme_world: Cast) -> None:
    assert add_action(programme_world, "facilitator", SUBMISSION).status_code == 200
    again = add_action(programme_world, "facilitator", SUBMISSION)
    assert again.status_code == 204
    assert again["X-Submission-Repeated"] == "1"
    assert Action.objects.count() == 1


def test_each_new_submission_is_done(programme_world: Cast) -> None:
    assert add_action(programme_world, "facilitator", SUBMISSION).status_code == 200
    assert add_action(programme_world, "facilitator", SUBMISSION[::-1]).status_code == 200
    assert add_action(programme_world, "facilitator", None).status_code == 200
    assert add_action(programme_world, "facilitator", None).status_code == 200
    assert Action.objects.count() == 4


def test_an_id_is_one_persons_own(programme_world: Cast) -> None:
    """Someone else sending the same id (guessed, or seen) neither blocks the owner nor is blocked by them."""
    assert add_action(programme_world, "a_participant", SUBMISSION).status_code == 200
    assert add_action(programme_world, "facilitator", SUBMISSION).status_code == 200
    assert Action.objects.count() == 2


def test_a_refused_submission_may_be_corrected_and_sent_again_with_its_id(programme_world: Cast) -> None:
    refused = add_action(programme_world, "facilitator", SUBMISSION, text="")
    assert refused.status_code == 422
    assert add_action(programme_world, "facilitator", SUBMISSION).status_code == 200
    assert Action.objects.count() == 1


def test_an_id_that_is_not_one_the_page_makes_is_ignored(programme_world: Cast) -> None:
    for odd in ("short", "x" * 65, "has spaces in it, sixteen+"):
        assert add_action(programme_world, "facilitator", odd).status_code == 200
        assert add_action(programme_world, "facilitator", odd).status_code == 200
    assert Action.objects.count() == 6
