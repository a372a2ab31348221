"""Composing sets through the background task (run immediately in tests)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actionset.programmes.models import Programme
from actionset.sets.models import CompositionRun, LearningSet, Membership
from actionset.sets.services import SetsError, composition_cancel, composition_start
from actionset.sets.tasks import composition_budget, composition_execute
from actionset.sets.tests.factories import broken_rules, large_programme
from conftest import Cast
from tests.factories import LearningSetFactory, MembershipFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def compose(cast: Cast, programme: Programme, capture: Any, number_of_sets: int = 3) -> CompositionRun:
    with capture(execute=True):
        run = composition_start(
            actor=cast.users["designer"], programme=programme, number_of_sets=number_of_sets, time_limit=1
        )
    run.refresh_from_db()
    return run


def members_by_set(programme: Programme) -> dict[str, set[int]]:
    result: dict[str, set[int]] = {}
    for m in Membership.objects.filter(learning_set__programme=programme).select_related("learning_set"):
        result.setdefault(m.learning_set.name, set()).add(m.enrolment_id)
    return result


def test_a_composed_result_never_breaks_a_hard_rule(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    boss = enrolments[0].person
    for e in enrolments[1:4]:
        e.person.line_manager = boss
        e.person.save()
    enrolments[5].keep_apart.add(enrolments[6].person)
    for k, e in enumerate(enrolments):
        e.availability = ["tue-am", "wed-pm"] if k % 3 else ["wed-pm"]
        e.save()

    run = compose(cast, pool_programme, django_capture_on_commit_callbacks)

    assert run.status == CompositionRun.Status.DONE, run.explanation
    assert run.progress == 1.0
    assert run.objective is not None
    assert run.upper_bound is not None
    assert run.objective <= run.upper_bound + 1e-6
    sets = list(LearningSet.objects.filter(programme=pool_programme).order_by("position"))
    assert [s.name for s in sets] == ["Set 1", "Set 2", "Set 3"]
    where = {m.enrolment_id: m.learning_set for m in Membership.objects.filter(learning_set__in=sets)}
    assert len(where) == 18
    for s in sets:
        assert 5 <= sum(1 for x in where.values() if x == s) <= 7
    for e in enrolments[1:4]:
        assert where[e.pk] != where[enrolments[0].pk]
    assert where[enrolments[5].pk] != where[enrolments[6].pk]
    for e in enrolments:
        assert where[e.pk].slot in e.availability


def test_infeasible_input_explains_itself_and_changes_nothing(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    existing = LearningSetFactory.create(programme=pool_programme, name="Set 1")
    first = pool_programme.enrolments.first()
    assert first is not None
    MembershipFactory.create(learning_set=existing, enrolment=first)
    before = members_by_set(pool_programme)

    # 18 people cannot fill 5 sets of at least 5.
    run = compose(cast, pool_programme, django_capture_on_commit_callbacks, number_of_sets=5)

    assert run.status == CompositionRun.Status.FAILED
    assert run.explanation
    assert any("people" in item["text"] for item in run.explanation)
    assert members_by_set(pool_programme) == before
    assert list(pool_programme.sets.values_list("name", flat=True)) == ["Set 1"]


def test_an_impossible_keep_apart_is_explained_with_names_only_for_designers(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    kept = LearningSetFactory.create(programme=pool_programme, name="Set 1", locked=True)
    for e in enrolments[:6]:
        MembershipFactory.create(learning_set=kept, enrolment=e)
    enrolments[0].keep_apart.add(enrolments[1].person)

    run = compose(cast, pool_programme, django_capture_on_commit_callbacks)

    assert run.status == CompositionRun.Status.FAILED
    text = " ".join(item["text"] for item in run.explanation)
    redacted = " ".join(item["redacted"] for item in run.explanation)
    assert enrolments[0].person.name in text
    assert enrolments[0].person.name not in redacted
    assert enrolments[1].person.name not in redacted
    assert "Set 1" in redacted


def test_locking_a_set_keeps_it_through_re_optimisation(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    compose(cast, pool_programme, django_capture_on_commit_callbacks)
    first = LearningSet.objects.get(programme=pool_programme, name="Set 1")
    first.locked = True
    first.save()
    loner = Membership.objects.filter(learning_set__name="Set 2", learning_set__programme=pool_programme).first()
    assert loner is not None
    loner.locked = True
    loner.save()
    kept = set(first.memberships.values_list("enrolment_id", flat=True))

    run = compose(cast, pool_programme, django_capture_on_commit_callbacks)
    assert run.status == CompositionRun.Status.DONE
    # A different seed would move people: make sure the run could have.
    assert set(first.memberships.values_list("enrolment_id", flat=True)) == kept
    loner.refresh_from_db()
    assert loner.learning_set.name == "Set 2"
    assert pool_programme.sets.count() == 3


def test_a_cancelled_run_changes_nothing(cast: Cast, pool_programme: Programme) -> None:
    # Without capturing on-commit callbacks the task is never enqueued: cancel it while it is queued.
    run = composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3, time_limit=1)
    assert composition_cancel(actor=cast.users["designer"], run=run)
    composition_execute.call(run.pk)
    run.refresh_from_db()
    assert run.status == CompositionRun.Status.CANCELLED
    assert not pool_programme.sets.exists()


def test_starting_a_run_cancels_an_unfinished_one(cast: Cast, pool_programme: Programme) -> None:
    first = composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3)
    second = composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3)
    first.refresh_from_db()
    assert first.status == CompositionRun.Status.CANCELLED
    assert second.status == CompositionRun.Status.QUEUED


def test_published_sets_cannot_be_recomposed(cast: Cast, pool_programme: Programme) -> None:
    pool_programme.published_at = timezone.now()
    pool_programme.save()
    with pytest.raises(SetsError):
        composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3)


def test_a_run_records_how_far_its_search_got(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    run = compose(cast, pool_programme, django_capture_on_commit_callbacks)
    assert run.status == CompositionRun.Status.DONE
    # The run ends on its budget of steps, not on the clock: that is what makes it repeatable.
    assert run.search == "searched"
    assert run.iterations == composition_budget(1)
    assert run.setup_seconds is not None
    assert run.search_seconds is not None
    assert run.compile_seconds is not None
    assert not run.is_first_draft


def test_the_same_input_recomposed_gives_the_same_sets(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    enrolments[0].keep_apart.add(enrolments[1].person)
    for k, e in enumerate(enrolments):
        e.availability = ["tue-am", "wed-pm"] if k % 4 else ["wed-pm"]
        e.save()
    compose(cast, pool_programme, django_capture_on_commit_callbacks)
    first = members_by_set(pool_programme)
    for _ in range(2):
        run = compose(cast, pool_programme, django_capture_on_commit_callbacks)
        assert run.status == CompositionRun.Status.DONE
        assert members_by_set(pool_programme) == first


def test_a_first_draft_is_recorded_and_the_designer_is_told(cast: Cast, pool_programme: Programme) -> None:
    # A limit far too short for any search: what a cold, overloaded worker used to return silently.
    run = CompositionRun.objects.create(
        programme=pool_programme, requested_by=cast.users["designer"], number_of_sets=3, time_limit=1e-6
    )
    composition_execute.call(run.pk)
    run.refresh_from_db()
    assert run.status == CompositionRun.Status.DONE
    assert run.search == "unsearched"
    assert run.iterations == 0
    assert run.is_first_draft
    board = cast.client("designer").get(reverse("sets:board", kwargs={"programme": pool_programme.public_id}))
    assert "This is only a first draft." in board.content.decode()


def test_a_searched_run_is_not_called_a_first_draft_on_the_board(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    compose(cast, pool_programme, django_capture_on_commit_callbacks)
    board = cast.client("designer").get(reverse("sets:board", kwargs={"programme": pool_programme.public_id}))
    assert board.status_code == 200
    assert "first draft" not in board.content.decode()


def test_a_whole_organisation_composes_with_the_boards_own_settings(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """2,100 people who can each make two of ten slots, a third of them reporting to someone enrolled: the start of
    the search once failed on such a pool, and the designer got no sets."""
    big = large_programme(cast.org_a, sets=300, designer=cast.users["designer"])
    client = cast.client("designer")
    board = client.get(reverse("sets:board", kwargs={"programme": big.programme.public_id})).content.decode()
    # What the designer is offered: the compose form as the board fills it in.
    form = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]+)"', board).group(1)  # type: ignore[union-attr]
        for name in ("number_of_sets", "time_limit")
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sets:compose", kwargs={"programme": big.programme.public_id}), form)
    run = CompositionRun.objects.get(programme=big.programme)
    assert run.status == CompositionRun.Status.DONE, run.explanation
    assert run.number_of_sets == int(form["number_of_sets"])
    assert big.programme.sets.count() == run.number_of_sets
    assert broken_rules(big.programme) == []
