"""The people import: reading spreadsheets, checking every row, and writing all or nothing."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionset.core import spreadsheets
from actionset.core.models import AuditEvent
from actionset.organisations import people_io
from actionset.organisations.models import Organisation, Person
from actionset.organisations.people_io import RowError
from actionset.organisations.services import ImportResult, people_import
from conftest import Cast
from tests.factories import OrganisationFactory, PersonFactory

HEADER = "Name,Email,Department,Level,Site,Line manager email\n"


def csv_upload(text: str, name: str = "people.csv", bom: bool = False) -> SimpleUploadedFile:
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_upload(rows: list[list[object]], name: str = "people.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def run(cast: Cast, upload: SimpleUploadedFile, organisation: Organisation | None = None) -> ImportResult:
    return people_import(actor=cast.users["a_admin"], organisation=organisation or cast.org_a, upload=upload)


def errors_by_row(result: ImportResult) -> dict[int | None, list[RowError]]:
    found: dict[int | None, list[RowError]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(error)
    return found


def emails(organisation: Organisation) -> set[str]:
    return set(Person.objects.filter(organisation=organisation).values_list("email", flat=True))


# --- all or nothing ------------------------------------------------------------------------


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(cast: Cast) -> None:
    before = emails(cast.org_a)
    result = run(
        cast,
        csv_upload(
            HEADER
            + "Ada Boss,ada@corp.test,Ops,Director,Leeds,\n"
            + "Ben Report,,Ops,Officer,Leeds,ada@corp.test\n"
            + "Cat Report,cat@corp.test,Ops,Officer,Leeds,ada@corp.test\n"
        ),
    )
    assert not result.ok
    assert result.errors == [RowError(3, "Email", "Email is missing.")]
    assert emails(cast.org_a) == before
    assert not AuditEvent.objects.filter(action="people.imported").exists()


def test_every_bad_row_is_reported_not_just_the_first(cast: Cast) -> None:
    result = run(
        cast,
        csv_upload(
            HEADER
            + ",nameless@corp.test,,,,\n"  # row 2: no name
            + "Bad Email,not-an-email,,,,\n"  # row 3
            + "Dup One,dup@corp.test,,,,\n"  # row 4
            + "Dup Two,DUP@corp.test,,,,\n"  # row 5
            + "Lost,lost@corp.test,,,,nobody@corp.test\n"  # row 6
            + "Selfish,self@corp.test,,,,self@corp.test\n"  # row 7
            + "Fine,fine@corp.test,,,,\n"  # row 8
        ),
    )
    found = errors_by_row(result)
    assert sorted(r for r in found if r is not None) == [2, 3, 4, 5, 6, 7]
    assert found[2] == [RowError(2, "Name", "Name is missing.")]
    assert found[3] == [RowError(3, "Email", "“not-an-email” is not a valid email address.")]
    assert found[4] == [RowError(4, "Email", "dup@corp.test appears more than once: also on row 5.")]
    assert found[5] == [RowError(5, "Email", "dup@corp.test appears more than once: also on row 4.")]
    assert found[6][0].column == "Line manager email"
    assert found[6][0].message.startswith("Unknown manager: nobody@corp.test")
    assert found[7] == [RowError(7, "Line manager email", "A person cannot be their own line manager.")]
    assert Person.objects.filter(organisation=cast.org_a).count() == 3  # the cast only


def test_a_manager_loop_through_the_existing_directory_reports_each_row_on_the_loop(cast: Cast) -> None:
    # In the directory, Zed reports to Yan. The file makes Yan report to Xi and Xi to Zed: a loop of three.
    yan = PersonFactory.create(organisation=cast.org_a, email="yan@corp.test", name="Yan")
    PersonFactory.create(organisation=cast.org_a, email="zed@corp.test", name="Zed", line_manager=yan)
    result = run(
        cast,
        csv_upload(
            HEADER
            + "Yan,yan@corp.test,,,,xi@corp.test\n"
            + "Xi,xi@corp.test,,,,zed@corp.test\n"
            + "Wu,wu@corp.test,,,,yan@corp.test\n"  # reports into the loop, but is not on it
        ),
    )
    found = errors_by_row(result)
    assert sorted(r for r in found if r is not None) == [2, 3]
    assert found[2][0].column == "Line manager email"
    assert found[2][0].message == "Line manager loop: yan@corp.test → xi@corp.test → zed@corp.test → yan@corp.test."
    assert "loop" in found[3][0].message
    assert not Person.objects.filter(email="xi@corp.test").exists()


def test_a_loop_the_file_breaks_is_not_an_error(cast: Cast) -> None:
    # In the directory Bo reports to Al; the file swaps them round, which is only a loop if Al's old manager stays.
    al = PersonFactory.create(organisation=cast.org_a, email="al@corp.test", name="Al")
    PersonFactory.create(organisation=cast.org_a, email="bo@corp.test", name="Bo", line_manager=al)
    result = run(cast, csv_upload(HEADER + "Al,al@corp.test,,,,bo@corp.test\nBo,bo@corp.test,,,,\n"))
    assert result.ok, result.errors
    al.refresh_from_db()
    assert al.line_manager is not None
    assert al.line_manager.email == "bo@corp.test"


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("Name,Department\nAda,Ops\n", "Email", "The file has no “Email” column."),
        ("Email\nada@corp.test\n", "Name", "The file has no “Name” column."),
        ("Name,Email\n", "", "The file has column headings but no people below them."),
        ("\n,,,\n", "", "The file is empty."),
        ("", "", "The file is empty."),
    ],
    ids=["no-email-column", "no-name-column", "headings-only", "blank-rows", "zero-bytes"],
)
def test_a_file_of_the_wrong_shape_gets_a_file_level_error(cast: Cast, text: str, column: str, message: str) -> None:
    result = run(cast, csv_upload(text))
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert result.errors[0].column == column
    assert result.errors[0].message.startswith(message)


def test_a_file_that_is_not_a_spreadsheet_is_refused(cast: Cast) -> None:
    result = run(cast, SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50))
    assert [e.message for e in result.errors] == [
        "This is not a CSV or Excel (.xlsx) file. Upload a .csv or .xlsx file."
    ]


def test_binary_data_named_csv_is_refused(cast: Cast) -> None:
    result = run(cast, SimpleUploadedFile("people.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50))
    assert "binary data" in result.errors[0].message


def test_a_damaged_workbook_is_refused(cast: Cast) -> None:
    good = xlsx_upload([["Name", "Email"], ["Ada", "ada@corp.test"]]).read()
    result = run(cast, SimpleUploadedFile("people.xlsx", good[: len(good) // 2]))
    assert [e.message for e in result.errors] == [
        "This file could not be read as an Excel workbook. It may be damaged."
    ]


def test_an_old_excel_file_is_refused_with_advice(cast: Cast) -> None:
    result = run(cast, SimpleUploadedFile("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    assert "Save it as an Excel Workbook (.xlsx)" in result.errors[0].message


def test_a_csv_not_in_utf8_is_refused_with_advice(cast: Cast) -> None:
    upload = SimpleUploadedFile("people.csv", "Name,Email\nZoë,zoe@corp.test\n".encode("cp1252"))
    result = run(cast, upload)
    assert "CSV UTF-8" in result.errors[0].message


def test_a_file_too_large_is_refused(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_BYTES", 100)
    result = run(cast, csv_upload(HEADER + "Ada,ada@corp.test,,,,\n" * 10))
    assert result.errors[0].message.startswith("The file is larger than")


def test_a_file_with_too_many_people_is_refused(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people_io, "MAX_ROWS", 3)
    rows = "".join(f"P{i},p{i}@corp.test,,,,\n" for i in range(4))
    result = run(cast, csv_upload(HEADER + rows))
    assert result.errors[0].message == "The file has more than 3 people. Split it into smaller files."
    assert not Person.objects.filter(email="p0@corp.test").exists()


def test_a_value_too_long_for_the_directory_is_a_row_error(cast: Cast) -> None:
    result = run(cast, csv_upload(HEADER + f"Ada,ada@corp.test,{'x' * 101},,,\n"))
    assert result.errors == [RowError(2, "Department", "Too long: at most 100 characters, this has 101.")]


def test_a_heading_given_twice_is_refused(cast: Cast) -> None:
    result = run(cast, csv_upload("Name,Email,E-mail\nAda,ada@corp.test,ada@corp.test\n"))
    assert result.errors[0].message == "“Email” and “E-mail” are the same column. Keep only one."


# --- good imports --------------------------------------------------------------------------


def test_a_good_import_creates_people_with_their_managers(cast: Cast) -> None:
    result = run(
        cast,
        csv_upload(
            HEADER
            # A report listed before their manager: managers are linked once everyone exists.
            + "Cat Report,Cat@Corp.test,Ops,Officer,Leeds,ADA@corp.test\n"
            + "Ada Boss,ada@corp.test,Ops,Director,Leeds,\n"
            + "Dan Report,dan@corp.test,Finance,Officer,York,a_sponsor@org.test\n"
        ),
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    cat = Person.objects.get(organisation=cast.org_a, email="cat@corp.test")
    assert (cat.name, cat.department, cat.level, cat.site) == ("Cat Report", "Ops", "Officer", "Leeds")
    assert cat.line_manager is not None
    assert cat.line_manager.email == "ada@corp.test"
    dan = Person.objects.get(email="dan@corp.test")
    assert dan.line_manager == cast.people["a_sponsor"]


def test_a_manager_in_another_organisation_is_unknown(cast: Cast) -> None:
    result = run(cast, csv_upload(HEADER + "Ada,ada@corp.test,,,,b_participant@org.test\n"))
    assert result.errors[0].message.startswith("Unknown manager")


def test_a_reimport_updates_people_in_place(cast: Cast) -> None:
    run(
        cast,
        csv_upload(
            HEADER
            + "Ada Boss,ada@corp.test,Ops,Director,Leeds,\n"
            + "Bea Boss,bea@corp.test,Ops,Director,Leeds,\n"
            + "Cat Report,cat@corp.test,Ops,Officer,Leeds,ada@corp.test\n"
            + "Dan Report,dan@corp.test,Ops,Officer,Leeds,ada@corp.test\n"
        ),
    )
    ids_before = dict(Person.objects.filter(organisation=cast.org_a).values_list("email", "public_id"))

    result = run(
        cast,
        csv_upload(
            HEADER
            + "Ada Boss,ada@corp.test,Ops,Director,Leeds,\n"
            + "Bea Boss,bea@corp.test,Ops,Director,Leeds,\n"
            + "Cat Report,CAT@corp.test,Finance,Officer,Leeds,bea@corp.test\n"  # new department and manager
            + "Dan Report,dan@corp.test,Ops,Officer,Leeds,\n"  # blank manager cell: no manager
            + "Eve New,eve@corp.test,Ops,Officer,Leeds,cat@corp.test\n"
        ),
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 2, 2)
    after = dict(Person.objects.filter(organisation=cast.org_a).values_list("email", "public_id"))
    assert {e: after[e] for e in ids_before} == ids_before
    assert Person.objects.filter(organisation=cast.org_a).count() == len(ids_before) + 1
    cat = Person.objects.get(email="cat@corp.test")
    assert cat.department == "Finance"
    assert cat.line_manager is not None
    assert cat.line_manager.email == "bea@corp.test"
    assert Person.objects.get(email="dan@corp.test").line_manager is None


def test_people_missing_from_the_file_are_kept(cast: Cast) -> None:
    result = run(cast, csv_upload(HEADER + "Ada,ada@corp.test,,,,\n"))
    assert result.ok
    assert {p.email for p in cast.people.values() if p.organisation == cast.org_a} <= emails(cast.org_a)


def test_a_column_the_file_leaves_out_is_not_changed(cast: Cast) -> None:
    sponsor = cast.people["a_sponsor"]
    admin = cast.people["a_admin"]
    sponsor.line_manager = admin
    sponsor.save()
    result = run(cast, csv_upload(f"Name,Email\nRenamed Sponsor,{sponsor.email}\n"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    sponsor.refresh_from_db()
    assert (sponsor.name, sponsor.department, sponsor.line_manager) == ("Renamed Sponsor", "Operations", admin)


def test_headings_are_matched_loosely_and_unknown_columns_are_ignored(cast: Cast) -> None:
    text = "  FULL NAME ,E-mail address,line_manager_email,Notes\nAda,ada@corp.test,,likes tea\n"
    result = run(cast, csv_upload(text))
    assert result.ok, result.errors
    assert result.ignored_headings == ["Notes"]
    assert Person.objects.filter(email="ada@corp.test", name="Ada").exists()


def test_a_csv_with_a_byte_order_mark_imports(cast: Cast) -> None:
    result = run(cast, csv_upload(HEADER + "Zoë Ångström,zoe@corp.test,Ops,,,\n", bom=True))
    assert result.ok, result.errors
    assert Person.objects.get(email="zoe@corp.test").name == "Zoë Ångström"


def test_a_semicolon_separated_csv_imports(cast: Cast) -> None:
    result = run(cast, csv_upload("Name;Email;Site\nAda;ada@corp.test;Leeds\n"))
    assert result.ok, result.errors
    assert Person.objects.get(email="ada@corp.test").site == "Leeds"


def test_an_xlsx_import_uses_the_row_numbers_excel_shows(cast: Cast) -> None:
    result = run(
        cast,
        xlsx_upload(
            [
                ["Name", "Email", "Level", "Line manager email"],
                ["Ada", "ada@corp.test", 3, None],
                [None, None, None, None],  # a blank row still counts in Excel's numbering
                ["Ben", "ben@corp.test", 2.0, "nobody@corp.test"],
            ]
        ),
    )
    assert [(e.row, e.column) for e in result.errors] == [(4, "Line manager email")]


def test_an_xlsx_import_creates_people(cast: Cast) -> None:
    result = run(
        cast,
        xlsx_upload(
            [
                ["Name", "Email", "Department", "Level", "Site", "Line manager email"],
                ["Ada", "ada@corp.test", "Ops", 3, "Leeds", None],
                ["Ben", "ben@corp.test", "Ops", 2, "Leeds", "ada@corp.test"],
            ]
        ),
    )
    assert result.ok, result.errors
    ben = Person.objects.get(email="ben@corp.test")
    assert ben.level == "2"
    assert ben.line_manager is not None
    assert ben.line_manager.email == "ada@corp.test"


def test_an_import_only_touches_its_own_organisation(cast: Cast) -> None:
    other = OrganisationFactory.create()
    PersonFactory.create(organisation=other, email="ada@corp.test", name="Other Ada", department="Elsewhere")
    result = run(cast, csv_upload(HEADER + "Ada,ada@corp.test,Ops,,,\n"))
    assert (result.created, result.updated) == (1, 0)
    assert Person.objects.get(organisation=other).department == "Elsewhere"


# --- the audit log -------------------------------------------------------------------------


def test_a_successful_import_is_audited_with_its_counts(cast: Cast) -> None:
    PersonFactory.create(
        organisation=cast.org_a, email="ada@corp.test", name="Ada", department="Ops", level="", site=""
    )
    run(cast, csv_upload(HEADER + "Ada,ada@corp.test,Finance,,,\nBen,ben@corp.test,,,,\n", name="june.csv"))
    event = AuditEvent.objects.get(action="people.imported")
    assert event.actor == cast.users["a_admin"]
    assert event.organisation == cast.org_a
    assert event.detail == {"created": 1, "updated": 1, "unchanged": 0, "filename": "june.csv"}


def test_a_failed_import_is_not_audited(cast: Cast) -> None:
    run(cast, csv_upload(HEADER + "Ada,,,,,\n"))
    assert not AuditEvent.objects.filter(action="people.imported").exists()


def test_an_import_takes_a_fixed_number_of_queries_however_many_rows(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    rows = "".join(f"P{i},p{i}@corp.test,Dept,,,{'p0@corp.test' if i else ''}\n" for i in range(300))
    # 12, and the three of telling the shared (database) cache that the directories' counts are to be made afresh.
    with django_assert_max_num_queries(15):
        result = run(cast, csv_upload(HEADER + rows))
    assert result.created == 300
    with django_assert_max_num_queries(15):
        result = run(cast, csv_upload(HEADER + rows.replace(",Dept,", ",Other,")))
    assert result.updated == 300
