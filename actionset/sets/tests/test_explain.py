"""The board in a designer's words: set sizes and why, each set's share of its best, and what makes it diverse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from actionset.composition import Attribute, Problem, evaluate
from actionset.programmes.models import Programme
from actionset.sets.composer import SIZES_EVEN, problem_for_board, problem_for_composing
from actionset.sets.explain import Explainer, sizes_explanation
from actionset.sets.models import CompositionRun, LearningSet
from actionset.sets.tests.conftest import enrol_pool
from conftest import Cast
from tests.factories import LearningSetFactory, MembershipFactory


def board_url(programme: Programme) -> str:
    return reverse("sets:board", kwargs={"programme": programme.public_id})


def _sets(programme: Programme, sizes: list[int]) -> list[LearningSet]:
    sets = [
        LearningSetFactory.create(programme=programme, name=f"Set {g + 1}", position=g, slot="tue-am")
        for g in range(len(sizes))
    ]
    people = list(programme.enrolments.order_by("person__name"))
    start = 0
    for learning_set, size in zip(sets, sizes, strict=True):
        for e in people[start : start + size]:
            MembershipFactory.create(learning_set=learning_set, enrolment=e)
        start += size
    return sets


def test_even_sizes_keep_every_set_within_one_person_of_the_others(pool_programme: Programme) -> None:
    # 18 people in 3 sets of 5 to 7: "most diverse" lets the engine choose 5, 6 and 7; "even" only 6.
    diverse = problem_for_composing(pool_programme, number_of_sets=3)
    even = problem_for_composing(pool_programme, number_of_sets=3, sizes=SIZES_EVEN)
    assert set(diverse.problem.set_sizes) == {(5, 7)}
    assert set(even.problem.set_sizes) == {(6, 6)}


def test_even_sizes_round_when_the_people_do_not_divide(pool_programme: Programme) -> None:
    pool_programme.enrolments.all().delete()
    enrol_pool(pool_programme, 20)
    even = problem_for_composing(pool_programme, number_of_sets=3, sizes=SIZES_EVEN)
    assert set(even.problem.set_sizes) == {(6, 7)}


def test_uneven_sizes_are_explained_by_the_pairs_they_hold() -> None:
    explained = sizes_explanation([5, 7, 5, 7], choice="diverse", low=5, high=7)
    assert explained is not None
    assert explained.sizes == "2 sets of 5 and 2 sets of 7"
    # 2 x 10 + 2 x 21 pairs against 4 x 15 for four sets of 6.
    assert "62 pairs" in explained.why
    assert "against 60" in explained.why
    assert "as even as possible" in explained.why


def test_even_sizes_say_so() -> None:
    explained = sizes_explanation([6, 6, 6], choice=SIZES_EVEN, low=5, high=7)
    assert explained is not None
    assert explained.sizes == "3 sets of 6"
    assert "You asked for sets as even as possible" in explained.why


def _problem(departments: list[str], levels: list[str], past: list[tuple[int, int]] = ()) -> Problem:  # type: ignore[assignment]
    order = ["Specialist", "Team leader", "Manager", "Director"]
    return Problem(
        n=len(departments),
        set_sizes=[(2, 4)] * 2,
        attributes=[
            Attribute("department", "categorical", departments),
            Attribute("level", "ordinal", levels, levels=order),
        ],
        past_pairs=list(past),
        past_pair_penalty=1.0,
    )


def test_a_set_as_diverse_as_the_pool_allows_scores_its_best() -> None:
    problem = _problem(
        ["Finance", "Housing", "Legal", "Parks", "Finance", "Finance", "Finance", "Finance"],
        ["Specialist", "Director", "Specialist", "Director", "Manager", "Manager", "Manager", "Manager"],
    )
    explainer = Explainer(problem)
    assignment = [0, 0, 0, 0, 1, 1, 1, 1]
    scores = evaluate(problem, assignment).set_scores
    best = explainer.explain([0, 1, 2, 3], scores[0])
    worst = explainer.explain([4, 5, 6, 7], scores[1])
    assert best.share == 100
    assert worst.share == 0
    assert best.sentence == "4 departments, levels from Specialist to Director"
    assert worst.sentence == "1 department, all at Manager level"
    assert "a different department for every member" in best.raises
    assert worst.lowers[0].startswith("4 of 4 share one department (Finance)")


def test_the_best_is_never_below_what_a_set_scores() -> None:
    # Any set's score is at most the best for its size: checked over every set of three from a small pool.
    from itertools import combinations

    departments = ["A", "A", "A", "B", "B", "C"]
    levels = ["Specialist", "Manager", "Director", "Director", "Team leader", "Specialist"]
    problem = _problem(departments, levels)
    explainer = Explainer(problem)
    best = sum(explainer.best(3))
    scores = [sum(explainer.scores(list(members))) for members in combinations(range(6), 3)]
    assert max(scores) == pytest.approx(best)


def test_pairs_who_met_before_lower_a_set() -> None:
    problem = _problem(["A", "B", "C", "D"], ["Specialist"] * 4, past=[(0, 1)])
    explainer = Explainer(problem)
    score = evaluate(problem, [0, 0, 1, 1]).set_scores[0]
    explained = explainer.explain([0, 1], score)
    assert explained.share == 0
    assert "1 pair of members shared a set in an earlier programme" in explained.lowers


def test_the_board_explains_sizes_shares_and_diversity_in_words(cast: Cast, pool_programme: Programme) -> None:
    organisation = pool_programme.organisation
    organisation.attribute_names = ["Profession"]
    organisation.save()
    for k, e in enumerate(pool_programme.enrolments.order_by("person__name")):
        e.person.attributes = {"Profession": "Nurse" if k % 3 else "Porter"}
        e.person.save()
    _sets(pool_programme, [5, 6, 7])
    CompositionRun.objects.create(programme=pool_programme, number_of_sets=3, status="done", sizes="diverse")
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "of the engine" not in html
    assert "upper bound" not in html
    assert "Sizes: 1 set of 5, 1 set of 6 and 1 set of 7." in html
    assert "pairs of people who meet in a set" in html
    shares = re.findall(r'data-testid="set-score">(\d+)%<', html)
    assert len(shares) == 3
    assert all(0 < int(s) <= 100 for s in shares)
    sentences = re.findall(r'data-testid="set-sentence">([^<]+)<', html)
    assert len(sentences) == 3
    assert "Profession: Nurse (" in sentences[0]
    assert "departments" in sentences[0]
    assert "levels from" in sentences[0]
    # The organisation's own attribute is in each set's profile too.
    assert "<caption>Profession</caption>" in html
    assert 'name="sizes" value="even"' in html


def test_the_board_shares_agree_with_the_explainer(pool_programme: Programme) -> None:
    sets = _sets(pool_programme, [6, 6, 6])
    composition, assignment = problem_for_board(pool_programme, sets)
    explainer = Explainer(composition.problem)
    scores = evaluate(composition.problem, assignment).set_scores
    for g in range(3):
        members = [p for p, h in enumerate(assignment) if h == g]
        assert sum(explainer.scores(members)) == pytest.approx(scores[g])


def test_composing_as_evenly_as_possible_is_remembered(cast: Cast, pool_programme: Programme) -> None:
    cast.client("designer").post(
        reverse("sets:compose", kwargs={"programme": pool_programme.public_id}),
        {"number_of_sets": 3, "time_limit": 1, "sizes": SIZES_EVEN},
    )
    run = pool_programme.composition_runs.get()
    assert run.sizes == SIZES_EVEN


# --- internal facilitators without a login -------------------------------------------------------------


def test_internal_facilitators_without_a_login_appear_with_what_they_need_to_do(
    cast: Cast, pool_programme: Programme
) -> None:
    from actionset.accounts.models import Invitation
    from tests.factories import PersonFactory

    _sets(pool_programme, [6, 6, 6])
    waiting = PersonFactory.create(organisation=cast.org_a, name="Wanda Waiting", roles=["facilitator"])
    invited = PersonFactory.create(organisation=cast.org_a, name="Ivor Invited", roles=["facilitator"])
    Invitation.objects.create(
        email=invited.email,
        token_hash="x" * 64,
        organisation=cast.org_a,
        person=invited,
        expires_at=Invitation.default_expiry(),
    )
    # Someone else's internal facilitator, and a participant without a login, are not offered.
    PersonFactory.create(organisation=cast.org_b, name="Other Org", roles=["facilitator"])
    PersonFactory.create(organisation=cast.org_a, name="Pat Participant", roles=["participant"])

    html = cast.client("designer").get(board_url(pool_programme)).content.decode()

    assert "2 internal facilitators without a login" in html
    assert "Other Org" not in html
    assert "Pat Participant" not in html
    # In every set's facilitator choices, but not choosable until they sign in.
    assert html.count("<option disabled>Wanda Waiting (internal facilitator): invite to sign in first</option>") == 6
    invite = reverse(
        "organisations:person_invite", kwargs={"organisation": cast.org_a.public_id, "person": waiting.public_id}
    )
    assert f'action="{invite}"' in html
    assert "Invite to sign in<span" in html
    assert "Invited: waiting for them to sign in" in html
    assert "Invite again<span" in html


def test_inviting_from_the_board_sends_the_invitation(cast: Cast, pool_programme: Programme) -> None:
    from tests.factories import PersonFactory

    waiting = PersonFactory.create(organisation=cast.org_a, name="Wanda Waiting", roles=["facilitator"])
    url = reverse(
        "organisations:person_invite", kwargs={"organisation": cast.org_a.public_id, "person": waiting.public_id}
    )
    response = cast.client("designer").post(url)
    assert response.status_code == 302
    assert waiting.invitations.pending().exists()
    # Invited: the board now says they are waiting to sign in, and offers to invite again.
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "Invited: waiting for them to sign in" in html


# --- the board's read at scale -------------------------------------------------------------------------


def test_the_board_reads_its_members_without_what_it_does_not_show(pool_programme: Programme) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sets = _sets(pool_programme, [6, 6, 6])
    with CaptureQueriesContext(connection) as queries:
        composition, _assignment = problem_for_board(pool_programme, sets)
        # Everything the board and the facilitators' checks use is read already: no query per member.
        read = [
            (
                e.person.name,
                e.person.department,
                e.person.level,
                e.person.site,
                e.person.attributes,
                e.person.line_manager_id,
                e.person.user_id,
                e.public_id,
                e.membership.locked,
                e.availability,
            )
            for e in composition.enrolments
        ]
    assert len(read) == 18
    pool_sql = next(q["sql"] for q in queries.captured_queries if "programmes_enrolment" in q["sql"])
    # Timestamps and the set's row again were most of the board's time at 2,100 people.
    assert "created_at" not in pool_sql
    assert "sets_learningset" not in pool_sql
    assert len(queries.captured_queries) <= 4


@pytest.mark.usefixtures("immediate_tasks")
def test_composing_as_evenly_as_possible_gives_sets_within_one_person(
    cast: Cast, pool_programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    # 18 people in sets of 5 to 7: the most pairs are in sets of 5, 6 and 7 (46 against 45 for three sets of 6).
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("designer").post(
            reverse("sets:compose", kwargs={"programme": pool_programme.public_id}),
            {"number_of_sets": 3, "time_limit": 1, "sizes": SIZES_EVEN},
        )
    assert pool_programme.composition_runs.get().status == "done"
    sizes = sorted(s.memberships.count() for s in pool_programme.sets.all())
    assert sizes == [6, 6, 6]
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "You asked for sets as even as possible: 18 people in 3 sets." in html


def test_a_set_spanning_the_pool_s_levels_but_bunched_says_so() -> None:
    problem = _problem(
        ["A", "B", "C", "D", "E", "F", "G", "H"],
        ["Specialist", "Manager", "Manager", "Director", "Specialist", "Specialist", "Director", "Director"],
    )
    explainer = Explainer(problem)
    score = evaluate(problem, [0, 0, 0, 0, 1, 1, 1, 1]).set_scores[0]
    explained = explainer.explain([0, 1, 2, 3], score)
    assert "2 of 4 at one level (Manager)" in explained.lowers
    narrow = explainer.explain([1, 2], evaluate(problem, [1, 0, 0, 1, 1, 1, 1, 1]).set_scores[0])
    assert any(text.startswith("everyone at one level (Manager)") for text in narrow.lowers)
