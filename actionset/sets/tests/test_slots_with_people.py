"""Slots chosen with the people: a pool with a valid split always composes, and one without names who and why."""

from __future__ import annotations

from typing import Any

import pytest

from actionset.programmes.models import Enrolment, Programme
from actionset.sets.composer import problem_for_composing
from actionset.sets.models import CompositionRun, Membership
from actionset.sets.services import composition_start
from conftest import Cast
from tests.factories import EnrolmentFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def southfield(cast: Cast) -> Programme:
    """Two sets of 3 to 5. A line manager and their report can both meet only on Tuesday mornings; the six others
    can meet on Tuesday or Wednesday mornings. Slots chosen first take Tuesday for one set and Wednesday for the other
    (most people can make Wednesday), which puts the manager and the report in the one Tuesday set together."""
    return ProgrammeFactory.create(
        organisation=cast.org_b, designer=cast.users["designer"], set_size_min=3, set_size_max=5, meeting_minutes=180
    )


def _enrol(programme: Programme, name: str, availability: list[str], manager: Any = None) -> Enrolment:
    person = PersonFactory.create(organisation=programme.organisation, name=name, line_manager=manager)
    return EnrolmentFactory.create(programme=programme, person=person, availability=availability)


def _pool(programme: Programme, *, others: list[str]) -> tuple[Enrolment, Enrolment]:
    manager = _enrol(programme, "Morgan Manager", ["tue-am"])
    report = _enrol(programme, "Riley Report", ["tue-am"], manager=manager.person)
    for k in range(6):
        _enrol(programme, f"Other {k}", others)
    return manager, report


def _compose(cast: Cast, programme: Programme, capture: Any) -> CompositionRun:
    with capture(execute=True):
        run = composition_start(actor=cast.users["designer"], programme=programme, number_of_sets=2, time_limit=1)
    run.refresh_from_db()
    return run


def test_slots_chosen_first_would_refuse_this_pool(southfield: Programme) -> None:
    _pool(southfield, others=["tue-am", "wed-am"])
    composition = problem_for_composing(southfield, number_of_sets=2)
    assert sorted(planned.slot for planned in composition.sets) == ["tue-am", "wed-am"]


def test_a_pool_with_a_valid_split_composes_with_the_slots_it_needs(
    cast: Cast, southfield: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    manager, report = _pool(southfield, others=["tue-am", "wed-am"])
    run = _compose(cast, southfield, django_capture_on_commit_callbacks)
    assert run.status == CompositionRun.Status.DONE, run.explanation
    sets = {m.enrolment_id: m.learning_set for m in Membership.objects.filter(learning_set__programme=southfield)}
    assert sets[manager.pk] != sets[report.pk]
    assert sets[manager.pk].slot == sets[report.pk].slot == "tue-am"
    assert len(sets) == 8


def test_a_pool_with_no_valid_split_names_the_people_and_rules_that_block_it(
    cast: Cast, southfield: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    # Now everyone else can meet only on Wednesdays.
    _pool(southfield, others=["wed-am"])
    run = _compose(cast, southfield, django_capture_on_commit_callbacks)
    assert run.status == CompositionRun.Status.FAILED
    text = " ".join(item["text"] for item in run.explanation)
    assert "whatever slots the sets meet at" in text
    assert "Morgan Manager and Riley Report (line manager and report) must be kept apart" in text
    assert "Morgan Manager can only meet on Tuesday morning" in text
    # Both sets must then meet on Tuesdays, and someone who can meet only on Wednesdays has no set: one such person
    # is enough to show it, and the explanation stays short rather than listing all six.
    named = [k for k in range(6) if f"Other {k} can only meet on Wednesday morning" in text]
    assert 1 <= len(named) < 6
