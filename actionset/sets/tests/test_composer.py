from __future__ import annotations

from django.utils import timezone

from actionset.composition import solve
from actionset.programmes.models import Programme
from actionset.sets.composer import (
    KEEP_APART,
    MANAGER,
    choose_slots,
    problem_for_board,
    problem_for_composing,
)
from actionset.sets.tests.conftest import enrol_pool
from tests.factories import EnrolmentFactory, LearningSetFactory, MembershipFactory, PersonFactory


def test_a_line_manager_and_their_report_are_kept_apart_only_when_both_are_enrolled(
    pool_programme: Programme,
) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    boss, report = enrolments[0].person, enrolments[1].person
    report.line_manager = boss
    report.save()
    outsider = PersonFactory.create(organisation=pool_programme.organisation)
    other = enrolments[2].person
    other.line_manager = outsider  # not enrolled: no rule to keep
    other.save()

    composition = problem_for_composing(pool_programme, number_of_sets=3)

    i, j = composition.index_of(enrolments[0].pk), composition.index_of(enrolments[1].pk)
    assert composition.pair_reasons == {(min(i, j), max(i, j)): MANAGER}
    assert list(composition.problem.cannot_link) == [(min(i, j), max(i, j))]


def test_keep_apart_pairs_bind_whichever_side_recorded_them(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    enrolments[3].keep_apart.add(enrolments[4].person)
    enrolments[6].keep_apart.add(enrolments[5].person)

    composition = problem_for_composing(pool_programme, number_of_sets=3)

    pairs = {
        tuple(sorted((composition.index_of(a.pk), composition.index_of(b.pk))))
        for a, b in ((enrolments[3], enrolments[4]), (enrolments[5], enrolments[6]))
    }
    assert pairs == set(composition.pair_reasons)
    assert set(composition.pair_reasons.values()) == {KEEP_APART}


def test_withdrawn_people_are_left_out_of_the_pool(pool_programme: Programme) -> None:
    gone = pool_programme.enrolments.first()
    assert gone is not None
    gone.withdrawn_at = timezone.now()
    gone.save()
    composition = problem_for_composing(pool_programme, number_of_sets=3)
    assert composition.problem.n == 17
    assert gone.pk not in {e.pk for e in composition.enrolments}


def test_people_may_join_only_sets_whose_slot_they_can_attend(pool_programme: Programme) -> None:
    pool_programme.meeting_minutes = 180
    pool_programme.save()
    enrolments = list(pool_programme.enrolments.all())
    for k, e in enumerate(enrolments):
        e.availability = ["tue-am"] if k % 2 else ["thu-pm"]
        e.save()
    anyone = enrolments[0]
    anyone.availability = []  # nothing ruled out
    anyone.save()

    composition = problem_for_composing(pool_programme, number_of_sets=3)

    slots = [s.slot for s in composition.sets]
    assert set(slots) == {"tue-am", "thu-pm"}
    for e in enrolments[1:]:
        allowed = composition.problem.allowed(composition.index_of(e.pk))
        assert allowed is not None
        assert {slots[g] for g in allowed} == set(e.availability)
    assert composition.problem.allowed(composition.index_of(anyone.pk)) is None
    # Availability goes to the engine as patterns, one per distinct set of sets, never as a list per person.
    assert composition.problem.allowed_sets == {}
    assert len(composition.problem.availability) == 2


def test_a_full_day_meeting_needs_both_halves_of_a_day(pool_programme: Programme) -> None:
    assert choose_slots([["mon-am", "mon-pm"], ["mon-am"]], meeting_minutes=360, count=1) == ["mon-am"]
    # The person free only on Monday morning cannot attend a full-day Monday meeting.
    pool_programme.meeting_minutes = 360
    pool_programme.save()
    for e in pool_programme.enrolments.all():
        e.availability = ["mon-am", "mon-pm"]
        e.save()
    morning_only = pool_programme.enrolments.last()
    assert morning_only is not None
    morning_only.availability = ["mon-am"]
    morning_only.save()
    composition = problem_for_composing(pool_programme, number_of_sets=3)
    assert composition.problem.allowed(composition.index_of(morning_only.pk)) == frozenset()


def test_slots_are_chosen_so_that_everyone_has_one_they_can_attend() -> None:
    availabilities = [["mon-am"]] * 10 + [["fri-pm"]] * 2 + [[]] * 5
    slots = choose_slots(availabilities, meeting_minutes=180, count=3)
    assert {"mon-am", "fri-pm"} <= set(slots)
    # The third set goes where the demand is.
    assert slots.count("mon-am") == 2


def test_locked_sets_and_locked_people_are_pinned(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.all())
    kept = LearningSetFactory.create(programme=pool_programme, name="Set 1", locked=True, slot="wed-am", position=0)
    loose = LearningSetFactory.create(programme=pool_programme, name="Set 2", position=1)
    for e in enrolments[:5]:
        MembershipFactory.create(learning_set=kept, enrolment=e)
    MembershipFactory.create(learning_set=loose, enrolment=enrolments[5], locked=True)
    MembershipFactory.create(learning_set=loose, enrolment=enrolments[6])

    composition = problem_for_composing(pool_programme, number_of_sets=3)

    g_kept = next(g for g, s in enumerate(composition.sets) if s.learning_set == kept)
    g_loose = next(g for g, s in enumerate(composition.sets) if s.learning_set == loose)
    expected = {composition.index_of(e.pk): g_kept for e in enrolments[:5]}
    expected[composition.index_of(enrolments[5].pk)] = g_loose
    assert composition.problem.pinned == expected
    assert composition.sets[g_kept].slot == "wed-am"
    assert len(composition.sets) == 3


def test_levels_in_the_known_order_are_ordinal_and_others_categorical(pool_programme: Programme) -> None:
    composition = problem_for_composing(pool_programme, number_of_sets=3)
    kinds = {a.name: a.kind for a in composition.problem.attributes}
    assert kinds == {"department": "categorical", "level": "ordinal", "site": "categorical"}

    other = Programme.objects.create(organisation=pool_programme.organisation, title="Grades")
    enrol_pool(other, 6, level="Grade 7")
    kinds = {a.name: a.kind for a in problem_for_composing(other, number_of_sets=1).problem.attributes}
    assert kinds["level"] == "categorical"


def test_people_who_shared_a_set_before_are_a_soft_penalty(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    earlier = Programme.objects.create(
        organisation=pool_programme.organisation, title="Earlier", published_at=timezone.now()
    )
    old_set = LearningSetFactory.create(programme=earlier)
    for e in enrolments[:3]:
        MembershipFactory.create(
            learning_set=old_set, enrolment=EnrolmentFactory.create(programme=earlier, person=e.person)
        )

    composition = problem_for_composing(pool_programme, number_of_sets=3)

    a, b, c = (composition.index_of(e.pk) for e in enrolments[:3])
    assert set(composition.problem.past_pairs) == {tuple(sorted(p)) for p in ((a, b), (a, c), (b, c))}
    assert composition.problem.past_pair_penalty > 0
    assert composition.problem.cannot_link == []


def test_the_engines_messages_name_people_but_keep_apart_pairs_only_for_designers(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.select_related("person"))
    enrolments[0].keep_apart.add(enrolments[1].person)
    composition = problem_for_composing(pool_programme, number_of_sets=3)
    i, j = sorted((composition.index_of(enrolments[0].pk), composition.index_of(enrolments[1].pk)))
    message = f"people {i} and {j} must be kept apart but are both in set 0"

    shown = composition.humanise(message, reveal_keep_apart=True)
    hidden = composition.humanise(message, reveal_keep_apart=False)

    assert enrolments[0].person.name in shown
    assert enrolments[1].person.name in shown
    assert enrolments[0].person.name not in hidden
    assert enrolments[1].person.name not in hidden
    assert "confidential keep-apart list" in hidden


def test_the_board_problem_follows_the_sets_as_they_stand(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.all())
    one = LearningSetFactory.create(programme=pool_programme, position=0)
    two = LearningSetFactory.create(programme=pool_programme, position=1)
    for k, e in enumerate(enrolments[:10]):
        MembershipFactory.create(learning_set=one if k < 6 else two, enrolment=e)
    composition, assignment = problem_for_board(pool_programme, [one, two])
    assert composition.problem.n == 10  # the 8 people not yet in a set are left out
    assert sorted(assignment) == [0] * 6 + [1] * 4


def test_a_slot_gets_enough_sets_for_everyone_who_can_attend_only_it() -> None:
    # Eight people can come only on Tuesday morning; sets hold at most seven.
    availabilities = [["tue-am"]] * 8 + [[]] * 28
    slots = choose_slots(availabilities, meeting_minutes=180, count=6, set_size_max=7)
    assert slots.count("tue-am") >= 2


def test_no_one_new_may_join_a_locked_set(pool_programme: Programme) -> None:
    enrolments = list(pool_programme.enrolments.all())
    kept = LearningSetFactory.create(programme=pool_programme, name="Set 1", locked=True, position=0)
    for e in enrolments[:4]:  # fewer than the programme's minimum: the designer's choice stands
        MembershipFactory.create(learning_set=kept, enrolment=e)
    composition = problem_for_composing(pool_programme, number_of_sets=3)
    g = next(g for g, s in enumerate(composition.sets) if s.learning_set == kept)
    assert composition.problem.set_sizes[g] == (4, 4)
    for e in enrolments[4:]:
        allowed = composition.problem.allowed(composition.index_of(e.pk))
        assert allowed is not None
        assert g not in allowed


def test_the_organisation_s_own_attributes_are_mixed_like_department_level_and_site(
    pool_programme: Programme,
) -> None:
    organisation = pool_programme.organisation
    organisation.attribute_names = ["Profession"]
    organisation.save()
    pool_programme.enrolments.all().delete()
    # Alike in everything else, so only the profession can make one split better than another.
    people = enrol_pool(pool_programme, 12, department="Housing", level="Manager", site="Depot")
    for k, enrolment in enumerate(people):
        enrolment.person.attributes = {"Profession": "Nurse" if k < 6 else "Doctor"}
        enrolment.person.save()
    pool_programme.set_size_min = pool_programme.set_size_max = 6
    pool_programme.save()
    composition = problem_for_composing(pool_programme, number_of_sets=2)
    names = [a.name for a in composition.problem.attributes]
    assert names[-1] == "own:Profession"
    result = solve(composition.problem, time_limit=2, seed=1)
    by_set: dict[int, list[str]] = {}
    for enrolment, group in zip(composition.enrolments, result.assignment, strict=True):
        by_set.setdefault(group, []).append(enrolment.person.attributes["Profession"])
    assert sorted(sorted(v) for v in by_set.values()) == [["Doctor"] * 3 + ["Nurse"] * 3] * 2
