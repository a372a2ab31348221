"""The people export: formats, file names, who may download, and that an export re-imports unchanged."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actionset.organisations.models import Organisation, Person
from actionset.organisations.services import people_import
from conftest import Cast
from tests.factories import OrganisationFactory, PersonFactory

HEADINGS = ["Name", "Email", "Department", "Level", "Site", "Line manager email"]


def export_url(organisation: Organisation, fmt: str) -> str:
    return reverse("organisations:people_export", kwargs={"organisation": organisation.public_id, "fmt": fmt})


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def directory(organisation: Organisation) -> list[tuple[Any, ...]]:
    return sorted(
        Person.objects.filter(organisation=organisation).values_list(
            "public_id", "name", "email", "department", "level", "site", "line_manager__email", "updated_at"
        )
    )


@pytest.fixture
def team(cast: Cast) -> dict[str, Person]:
    boss = PersonFactory.create(organisation=cast.org_a, name="Zoë Ångström", email="zoe@corp.test", department="Ops")
    return {
        "boss": boss,
        "report": PersonFactory.create(
            organisation=cast.org_a, name="alan Report", email="alan@corp.test", line_manager=boss, level="3"
        ),
        "formula": PersonFactory.create(
            organisation=cast.org_a, name="=HYPERLINK(1)", email="eq@corp.test", site="-Leeds"
        ),
    }


@pytest.mark.parametrize("role", ["a_admin", "administrator", "designer", "developer"])
def test_people_who_may_read_the_directory_may_export_it(cast: Cast, role: str) -> None:
    for fmt in ("csv", "xlsx"):
        assert cast.client(role).get(export_url(cast.org_a, fmt)).status_code == 200


@pytest.mark.parametrize("role", ["a_sponsor", "a_participant", "facilitator", "trainer"])
def test_others_who_know_the_organisation_may_not_export(cast: Cast, role: str) -> None:
    assert cast.client(role).get(export_url(cast.org_a, "csv")).status_code == 403


def test_another_organisation_gets_404_and_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    assert cast.client("b_participant").get(export_url(cast.org_a, "xlsx")).status_code == 404
    response = cast.client("anonymous").get(export_url(cast.org_a, "csv"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("fmt", ["pdf", "xls", "CSV", "json"])
def test_an_unknown_format_is_404(cast: Cast, fmt: str) -> None:
    assert cast.client("administrator").get(export_url(cast.org_a, fmt)).status_code == 404


def test_an_unknown_organisation_is_404(cast: Cast) -> None:
    url = reverse("organisations:people_export", kwargs={"organisation": uuid.uuid4(), "fmt": "csv"})
    assert cast.client("administrator").get(url).status_code == 404


def test_the_csv_export_is_an_attachment_ordered_by_name(cast: Cast, team: dict[str, Person]) -> None:
    response = cast.client("a_admin").get(export_url(cast.org_a, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="northwind-test-people-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response.content)
    assert rows[0] == HEADINGS
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names, key=str.lower)
    assert ["alan Report", "alan@corp.test", "Operations", "3", "Head office", "zoe@corp.test"] in rows
    assert {p.email for p in Person.objects.filter(organisation=cast.org_a)} == {r[1] for r in rows[1:]}


def test_the_csv_export_defuses_cells_a_spreadsheet_would_run_as_formulas(cast: Cast, team: dict[str, Person]) -> None:
    rows = csv_rows(cast.client("a_admin").get(export_url(cast.org_a, "csv")).content)
    formula = next(r for r in rows if r[1] == "eq@corp.test")
    assert formula[0] == "'=HYPERLINK(1)"
    assert formula[4] == "'-Leeds"


def test_the_xlsx_export_holds_the_same_rows_as_text(cast: Cast, team: dict[str, Person]) -> None:
    response = cast.client("a_admin").get(export_url(cast.org_a, "xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response.content)
    as_csv = csv_rows(cast.client("a_admin").get(export_url(cast.org_a, "csv")).content)
    assert rows == [[c[1:] if c.startswith("'") else c for c in row] for row in as_csv]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    formula_cell = next(row[0] for row in sheet.iter_rows() if row[1].value == "eq@corp.test")
    assert formula_cell.data_type == "s", "a name must never become a formula"


def test_an_empty_directory_exports_just_the_headings(cast: Cast) -> None:
    empty = OrganisationFactory.create(name="Empty & Co")
    response = cast.client("administrator").get(export_url(empty, "csv"))
    assert csv_rows(response.content) == [HEADINGS]
    assert 'filename="empty-co-people-' in response["Content-Disposition"]
    assert xlsx_rows(cast.client("administrator").get(export_url(empty, "xlsx")).content) == [HEADINGS]


def test_the_export_lists_only_its_own_organisation(cast: Cast) -> None:
    rows = csv_rows(cast.client("administrator").get(export_url(cast.org_a, "csv")).content)
    assert cast.people["b_participant"].email not in {r[1] for r in rows}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_re_imports_leaving_the_directory_unchanged(cast: Cast, team: dict[str, Person], fmt: str) -> None:
    before = directory(cast.org_a)
    response = cast.client("a_admin").get(export_url(cast.org_a, fmt))
    result = people_import(
        actor=cast.users["a_admin"],
        organisation=cast.org_a,
        upload=SimpleUploadedFile(f"people.{fmt}", response.content),
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    assert directory(cast.org_a) == before


def test_an_xlsx_export_imports_into_another_organisation(cast: Cast, team: dict[str, Person]) -> None:
    content = cast.client("a_admin").get(export_url(cast.org_a, "xlsx")).content
    fresh = OrganisationFactory.create()
    result = people_import(
        actor=cast.users["administrator"], organisation=fresh, upload=SimpleUploadedFile("people.xlsx", content)
    )
    assert result.ok, result.errors
    report = Person.objects.get(organisation=fresh, email="alan@corp.test")
    assert report.line_manager is not None
    assert report.line_manager.name == "Zoë Ångström"
    assert Person.objects.get(organisation=fresh, email="eq@corp.test").name == "=HYPERLINK(1)"


def test_an_export_is_audited(cast: Cast) -> None:
    from actionset.core.models import AuditEvent

    url = reverse("organisations:people_export", kwargs={"organisation": cast.org_a.public_id, "fmt": "xlsx"})
    assert cast.client("a_admin").get(url).status_code == 200
    event = AuditEvent.objects.get(action="people.exported")
    assert event.actor == cast.users["a_admin"]
    assert event.detail["format"] == "xlsx"
