"""Attributes an organisation records about its people in its own words: defined, edited, imported and exported."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.organisations.models import Organisation, Person
from actionset.organisations.services import AttributesRefused, organisation_attributes_set, people_import
from conftest import Cast
from tests.factories import PersonFactory

from .test_people_import import csv_upload


def _define(cast: Cast, *names: str) -> Organisation:
    organisation_attributes_set(actor=cast.users["administrator"], organisation=cast.org_a, names=list(names))
    cast.org_a.refresh_from_db()
    return cast.org_a


def test_an_admin_defines_attributes_in_their_own_words(cast: Cast) -> None:
    url = reverse("organisations:people_attributes", kwargs={"organisation": cast.org_a.public_id})
    response = cast.client("a_admin").post(url, {"names": "Profession\n  Years   in post \n\n"})
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.attribute_names == ["Profession", "Years in post"]
    assert AuditEvent.objects.filter(action="organisation.attributes_changed").exists()


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["Department"], "already a column of the directory"),
        (["Profession", "profession"], "is there twice"),
        (["x" * 41], "too long"),
        ([f"A{i}" for i in range(7)], "At most 6"),
    ],
)
def test_names_that_would_confuse_are_refused(cast: Cast, names: list[str], message: str) -> None:
    with pytest.raises(AttributesRefused, match=message):
        _define(cast, *names)
    cast.org_a.refresh_from_db()
    assert cast.org_a.attribute_names == []


def test_a_refusal_re_renders_the_form_with_what_was_typed(cast: Cast) -> None:
    url = reverse("organisations:people_attributes", kwargs={"organisation": cast.org_a.public_id})
    response = cast.client("a_admin").post(url, {"names": "Site"})
    assert response.status_code == 200
    assert "already a column of the directory" in response.content.decode()


def test_a_person_s_page_has_a_box_for_each_and_saves_them(cast: Cast) -> None:
    _define(cast, "Profession", "Region")
    person = PersonFactory.create(organisation=cast.org_a)
    url = reverse("organisations:person", kwargs={"organisation": cast.org_a.public_id, "person": person.public_id})
    page = cast.client("a_admin").get(url).content.decode()
    assert 'name="attribute_0"' in page
    assert "Region" in page
    data = {"name": person.name, "email": person.email, "line_manager": "", "attribute_0": " Nurse ", "attribute_1": ""}
    assert cast.client("a_admin").post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.attributes == {"Profession": "Nurse"}


def test_an_import_fills_the_columns_headed_with_the_attributes_and_a_blank_cell_clears(cast: Cast) -> None:
    _define(cast, "Profession", "Years in post")
    kept = PersonFactory.create(organisation=cast.org_a, email="kept@org.test", attributes={"Profession": "Porter"})
    text = f"Name,Email,PROFESSION,years  in post\nAnn Lee,ann@org.test,Nurse,3\n{kept.name},kept@org.test,,12\n"
    result = people_import(actor=cast.users["administrator"], organisation=cast.org_a, upload=csv_upload(text))
    assert result.ok
    assert Person.objects.get(email="ann@org.test").attributes == {"Profession": "Nurse", "Years in post": "3"}
    kept.refresh_from_db()
    assert kept.attributes == {"Years in post": "12"}


def test_a_file_without_an_attribute_s_column_leaves_it_alone(cast: Cast) -> None:
    _define(cast, "Profession")
    kept = PersonFactory.create(organisation=cast.org_a, email="kept@org.test", attributes={"Profession": "Porter"})
    result = people_import(
        actor=cast.users["administrator"],
        organisation=cast.org_a,
        upload=csv_upload(f"Name,Email\n{kept.name},kept@org.test\n"),
    )
    assert result.ok
    kept.refresh_from_db()
    assert kept.attributes == {"Profession": "Porter"}


def test_a_too_long_value_names_its_row_and_imports_nothing(cast: Cast) -> None:
    _define(cast, "Profession")
    text = "Name,Email,Profession\nAnn Lee,ann@org.test,Nurse\nBen Ode,ben@org.test," + "x" * 101 + "\n"
    result = people_import(actor=cast.users["administrator"], organisation=cast.org_a, upload=csv_upload(text))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "Profession")]
    assert not Person.objects.filter(email="ann@org.test").exists()


def test_the_export_has_a_column_for_each(cast: Cast) -> None:
    _define(cast, "Profession")
    PersonFactory.create(organisation=cast.org_a, email="ann@org.test", attributes={"Profession": "Nurse"})
    url = reverse("organisations:people_export", kwargs={"organisation": cast.org_a.public_id, "fmt": "csv"})
    rows = list(csv.reader(io.StringIO(cast.client("a_admin").get(url).content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Profession"
    assert [r[-1] for r in rows if r[1] == "ann@org.test"] == ["Nurse"]


def test_taking_an_attribute_away_takes_everyone_s_values_with_it(cast: Cast) -> None:
    _define(cast, "Profession", "Region")
    person = PersonFactory.create(organisation=cast.org_a, attributes={"Profession": "Nurse", "Region": "North"})
    _define(cast, "Region")
    person.refresh_from_db()
    assert person.attributes == {"Region": "North"}
