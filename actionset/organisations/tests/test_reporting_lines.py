"""The directory as an organisation: line managers named by address, with suggestions; reporting lines; reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.organisations.models import Person
from conftest import Cast
from tests.factories import PersonFactory


def _person_url(cast: Cast, person: Person) -> str:
    return reverse("organisations:person", kwargs={"organisation": cast.org_a.public_id, "person": person.public_id})


def _form(person: Person, manager: str) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "department": "",
        "level": "",
        "site": "",
        "line_manager": manager,
    }


def test_a_line_manager_is_named_by_email_address(cast: Cast) -> None:
    person = PersonFactory.create(organisation=cast.org_a)
    boss = PersonFactory.create(organisation=cast.org_a, email="boss@org.test")
    response = cast.client("a_admin").post(_person_url(cast, person), _form(person, "  Boss@Org.test "))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.line_manager == boss


def test_a_line_manager_may_be_named_by_a_name_only_one_person_has(cast: Cast) -> None:
    person = PersonFactory.create(organisation=cast.org_a)
    boss = PersonFactory.create(organisation=cast.org_a, name="Priya Natarajan")
    # The same name in another organisation does not make it ambiguous here.
    PersonFactory.create(organisation=cast.org_b, name="Priya Natarajan")
    assert cast.client("a_admin").post(_person_url(cast, person), _form(person, "priya natarajan")).status_code == 302
    person.refresh_from_db()
    assert person.line_manager == boss


def test_a_name_two_people_share_asks_for_the_address_and_changes_nothing(cast: Cast) -> None:
    person = PersonFactory.create(organisation=cast.org_a)
    for _ in range(2):
        PersonFactory.create(organisation=cast.org_a, name="Sam Lee")
    response = cast.client("a_admin").post(_person_url(cast, person), _form(person, "Sam Lee"))
    assert response.status_code == 200
    assert "More than one person is called Sam Lee" in response.content.decode()
    person.refresh_from_db()
    assert person.line_manager is None


def test_no_one_is_their_own_line_manager(cast: Cast) -> None:
    person = PersonFactory.create(organisation=cast.org_a)
    response = cast.client("a_admin").post(_person_url(cast, person), _form(person, person.email))
    assert "cannot be their own line manager" in response.content.decode()


def test_an_empty_box_clears_the_line_manager(cast: Cast) -> None:
    boss = PersonFactory.create(organisation=cast.org_a)
    person = PersonFactory.create(organisation=cast.org_a, line_manager=boss)
    form = cast.client("a_admin").get(_person_url(cast, person)).content.decode()
    assert f'value="{boss.email}"' in form
    assert cast.client("a_admin").post(_person_url(cast, person), _form(person, "")).status_code == 302
    person.refresh_from_db()
    assert person.line_manager is None


def test_the_edit_page_does_not_list_the_directory(cast: Cast) -> None:
    person = PersonFactory.create(organisation=cast.org_a)
    others = PersonFactory.create_batch(30, organisation=cast.org_a)
    html = cast.client("a_admin").get(_person_url(cast, person)).content.decode()
    assert not any(other.email in html for other in others)
    assert "<select" not in html.split('name="line_manager"')[0].rsplit("<label", 1)[-1]


def _search(cast: Cast, role: str, typed: str) -> Any:
    url = reverse("organisations:people_search", kwargs={"organisation": cast.org_a.public_id})
    return cast.client(role).get(url, {"line_manager": typed})


def test_suggestions_match_name_or_address_within_the_organisation_only(cast: Cast) -> None:
    PersonFactory.create(organisation=cast.org_a, name="Morgan Hale", email="m.hale@org.test", department="Finance")
    PersonFactory.create(organisation=cast.org_a, name="Ada Morgan")
    PersonFactory.create(organisation=cast.org_b, name="Morgan Outsider")
    html = _search(cast, "a_admin", "morg").content.decode()
    assert '<option value="m.hale@org.test">Morgan Hale · Finance</option>' in html
    assert "Ada Morgan" in html
    assert "Outsider" not in html
    assert "option" not in _search(cast, "a_admin", "m").content.decode()


def test_suggestions_are_at_most_twenty_and_never_cached(cast: Cast) -> None:
    PersonFactory.create_batch(25, organisation=cast.org_a, name="Jordan Example")
    response = _search(cast, "a_admin", "jordan")
    assert response.content.decode().count("<option") == 20
    assert "no-store" in response["Cache-Control"]


def _chart(cast: Cast, role: str = "a_admin", **params: Any) -> Any:
    url = reverse("organisations:people_chart", kwargs={"organisation": cast.org_a.public_id})
    return cast.client(role).get(url, params)


@pytest.fixture
def tree(cast: Cast) -> dict[str, Person]:
    top = PersonFactory.create(organisation=cast.org_a, name="Tess Top")
    middle = PersonFactory.create(organisation=cast.org_a, name="Mo Middle", line_manager=top)
    leaves = [
        PersonFactory.create(organisation=cast.org_a, name=f"Lee Leaf {i}", line_manager=middle) for i in range(3)
    ]
    return {"top": top, "middle": middle, "leaf": leaves[0]}


def test_the_chart_starts_from_those_who_report_to_no_one(cast: Cast, tree: dict[str, Person]) -> None:
    html = _chart(cast).content.decode()
    assert "Tess Top" in html
    assert "1 direct report" in html
    assert "Mo Middle" not in html


def test_the_chart_walks_down_a_reporting_line(cast: Cast, tree: dict[str, Person]) -> None:
    html = _chart(cast, under=tree["middle"].public_id).content.decode()
    assert "3 people report to Mo Middle" in html
    assert "Lee Leaf 2" in html
    # The line above, to walk back up.
    assert f'?under={tree["top"].public_id}">Tess Top</a>' in html
    leaf = _chart(cast, under=tree["leaf"].public_id).content.decode()
    assert "No one in the directory has Lee Leaf 0 as their line manager" in leaf


def test_the_chart_never_shows_another_organisation_s_person(cast: Cast) -> None:
    outsider = PersonFactory.create(organisation=cast.org_b)
    assert _chart(cast, under=outsider.public_id).status_code == 404
    assert _chart(cast, under="not-a-uuid").status_code == 404


def test_the_chart_s_queries_do_not_grow_with_the_level(cast: Cast, tree: dict[str, Person]) -> None:
    def queries() -> int:
        client = cast.client("a_admin")
        client.get(reverse("organisations:people_chart", kwargs={"organisation": cast.org_a.public_id}))
        with CaptureQueriesContext(connection) as captured:
            client.get(
                reverse("organisations:people_chart", kwargs={"organisation": cast.org_a.public_id}),
                {"under": str(tree["middle"].public_id)},
            )
        return len(captured)

    before = queries()
    for _ in range(20):
        leaf = PersonFactory.create(organisation=cast.org_a, line_manager=tree["middle"])
        PersonFactory.create(organisation=cast.org_a, line_manager=leaf)
    assert queries() == before


def test_a_person_s_page_shows_their_line_and_direct_reports(cast: Cast, tree: dict[str, Person]) -> None:
    html = cast.client("a_admin").get(_person_url(cast, tree["leaf"])).content.decode()
    assert "Reports to" in html
    assert html.index("Mo Middle") < html.index("Tess Top", html.index("Reports to"))
    middle = cast.client("a_admin").get(_person_url(cast, tree["middle"])).content.decode()
    assert "3 direct reports" in middle
    assert "Lee Leaf 1" in middle
