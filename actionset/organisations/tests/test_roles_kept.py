"""A login's roles are read once a request, for that login alone, and again as soon as the request changes them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionset.core.access import DESIGNER, SPONSOR, Actor
from actionset.organisations.services import person_roles_set, staff_roles_set
from actionset.sets.tests.test_set_relations import in_one_request
from conftest import Cast


def test_each_login_in_one_request_gets_its_own_roles_read_once(cast: Cast) -> None:
    seen: dict[str, tuple[frozenset[str], set[int]]] = {}
    reads: list[int] = []

    def work() -> None:
        for role in ("designer", "a_sponsor", "b_participant", "designer", "a_sponsor"):
            with CaptureQueriesContext(connection) as queries:
                # A new Actor each time, as services and selectors make their own.
                actor = Actor(cast.users[role])
                seen[role] = (actor.staff_roles, set(actor.organisation_roles))
            reads.append(len(queries))

    in_one_request(work)
    assert reads == [1, 1, 1, 0, 0]
    assert seen["designer"] == (frozenset({DESIGNER}), set())
    assert seen["a_sponsor"] == (frozenset(), {cast.org_a.pk})
    assert seen["b_participant"] == (frozenset(), {cast.org_b.pk})


def test_a_change_of_roles_in_the_request_is_seen_by_the_rest_of_it(cast: Cast) -> None:
    admin, designer = cast.users["administrator"], cast.users["designer"]
    sponsor, person = cast.users["a_sponsor"], cast.people["a_sponsor"]
    answers: list[bool] = []

    def work() -> None:
        answers.append(Actor(designer).has_staff_role(DESIGNER))
        staff_roles_set(actor=admin, user=designer, roles=[])
        answers.append(Actor(designer).has_staff_role(DESIGNER))
        staff_roles_set(actor=admin, user=designer, roles=[DESIGNER])  # added in bulk: the service says so itself
        answers.append(Actor(designer).has_staff_role(DESIGNER))
        answers.append(Actor(sponsor).has_organisation_role(cast.org_a, SPONSOR))
        person_roles_set(actor=admin, person=person, roles=[])
        answers.append(Actor(sponsor).has_organisation_role(cast.org_a, SPONSOR))
        person_roles_set(actor=admin, person=person, roles=[SPONSOR])
        answers.append(Actor(sponsor).has_organisation_role(cast.org_a, SPONSOR))

    in_one_request(work)
    assert answers == [True, False, True, True, False, True]
