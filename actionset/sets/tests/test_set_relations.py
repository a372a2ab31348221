"""A person's sets are read once a request, for that person alone, and again as soon as the request changes them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from actionset.core.access import Actor, can, visible
from actionset.core.request_memo import RequestMemoMiddleware
from actionset.sets.models import LearningSet, Membership
from conftest import Cast


def in_one_request(work: Callable[[], None]) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        work()
        return HttpResponse()

    RequestMemoMiddleware(view)(RequestFactory().get("/"))


def test_each_person_in_one_request_is_shown_their_own_sets(programme_world: Cast) -> None:
    assert programme_world.learning_set is not None
    seen: dict[str, set[int]] = {}

    def work() -> None:
        for role in ("a_participant", "facilitator", "a_sponsor", "b_participant"):
            # A new Actor each time, as services and selectors make their own: the sets are kept per login.
            found = visible(Actor(programme_world.users[role]), "set.view", LearningSet.objects.all())
            seen[role] = set(found.values_list("pk", flat=True))

    in_one_request(work)
    assert seen["a_participant"] == {programme_world.learning_set.pk}
    assert seen["facilitator"] == {programme_world.learning_set.pk}
    assert seen["a_sponsor"] == set()
    assert seen["b_participant"] == set()


def test_a_change_in_the_request_is_seen_by_the_rest_of_it(programme_world: Cast) -> None:
    other_set = programme_world.other_set
    assert other_set is not None
    user = programme_world.users["a_participant"]
    answers: list[bool] = []

    def work() -> None:
        answers.append(can(Actor(user), "set.view", other_set))
        Membership.objects.filter(enrolment__person__user=user).update(learning_set=other_set)  # no signal: ...
        answers.append(can(Actor(user), "set.view", other_set))  # ... kept for the request, as for one Actor
        membership = Membership.objects.get(enrolment__person__user=user)
        membership.save()  # a saved membership is read again
        answers.append(can(Actor(user), "set.view", other_set))
        membership.enrolment.withdrawn_at = membership.enrolment.created_at
        membership.enrolment.save()
        answers.append(can(Actor(user), "set.view", other_set))

    in_one_request(work)
    assert answers == [False, False, True, False]


def test_outside_a_request_each_actor_reads_afresh(programme_world: Cast) -> None:
    other_set = programme_world.other_set
    assert other_set is not None
    user = programme_world.users["a_participant"]
    assert not can(Actor(user), "set.view", other_set)
    Membership.objects.filter(enrolment__person__user=user).update(learning_set=other_set)
    assert can(Actor(user), "set.view", other_set)
