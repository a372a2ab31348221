"""The import page: who may use it, what it shows, and what an upload does."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.organisations.models import Person
from conftest import Cast

HEADER = "Name,Email,Department,Level,Site,Line manager email\n"


def import_url(cast: Cast) -> str:
    return reverse("organisations:people_import", kwargs={"organisation": cast.org_a.public_id})


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.parametrize("role", ["a_admin", "administrator", "designer"])
def test_org_admins_and_provider_maintainers_may_import(cast: Cast, role: str) -> None:
    response = cast.client(role).post(import_url(cast), {"file": upload(HEADER + "Ada,ada@corp.test,,,,\n")})
    assert response.status_code == 302
    assert Person.objects.filter(organisation=cast.org_a, email="ada@corp.test").exists()


@pytest.mark.parametrize("role", ["a_sponsor", "a_participant", "facilitator", "developer", "trainer"])
def test_others_who_know_the_organisation_are_refused(cast: Cast, role: str) -> None:
    client = cast.client(role)
    assert client.get(import_url(cast)).status_code == 403
    response = client.post(import_url(cast), {"file": upload(HEADER + "Ada,ada@corp.test,,,,\n")})
    assert response.status_code == 403
    assert not Person.objects.filter(email="ada@corp.test").exists()


def test_another_organisations_people_are_not_told_it_exists(cast: Cast) -> None:
    response = cast.client("b_participant").post(import_url(cast), {"file": upload(HEADER + "Ada,ada@corp.test,,,,\n")})
    assert response.status_code == 404
    assert not Person.objects.filter(email="ada@corp.test").exists()


def test_an_unknown_organisation_is_404(cast: Cast) -> None:
    url = reverse("organisations:people_import", kwargs={"organisation": uuid.uuid4()})
    assert cast.client("administrator").get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    response = cast.client("anonymous").get(import_url(cast))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_import_page_explains_the_columns_and_offers_a_template(cast: Cast) -> None:
    response = cast.client("a_admin").get(import_url(cast))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Name", "Email", "Department", "Level", "Site", "Line manager email"):
        assert f"<td>{heading}</td>" in page
    assert 'enctype="multipart/form-data"' in page
    for fmt in ("csv", "xlsx"):
        assert reverse("organisations:people_export", kwargs={"organisation": cast.org_a.public_id, "fmt": fmt}) in page


def test_the_directory_links_to_import_and_export(cast: Cast) -> None:
    page = cast.client("a_admin").get(reverse("organisations:people", kwargs={"organisation": cast.org_a.public_id}))
    assert import_url(cast) in page.content.decode()
    assert "export.xlsx" in page.content.decode()


def test_a_file_with_one_bad_row_imports_nothing_and_the_page_names_the_row(cast: Cast) -> None:
    text = HEADER + "Ada,ada@corp.test,,,,\nBen,,,,,\nCat,cat@corp.test,,,,\n"
    response = cast.client("a_admin").post(import_url(cast), {"file": upload(text)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert "<tr><td>3</td><td>Email</td><td>Email is missing.</td></tr>" in page
    assert not Person.objects.filter(email__in=["ada@corp.test", "cat@corp.test"]).exists()
    assert not AuditEvent.objects.filter(action="people.imported").exists()


def test_every_bad_row_is_listed_on_the_page(cast: Cast) -> None:
    text = HEADER + ",noname@corp.test,,,,\nBad,bad-email,,,,\nLost,lost@corp.test,,,,ghost@corp.test\n"
    page = cast.client("a_admin").post(import_url(cast), {"file": upload(text)}).content.decode()
    assert "3 problems on 3 rows" in page
    assert "<tr><td>2</td><td>Name</td>" in page
    assert "<tr><td>3</td><td>Email</td>" in page
    assert "<tr><td>4</td><td>Line manager email</td><td>Unknown manager" in page


def test_a_file_level_problem_is_shown_and_nothing_is_imported(cast: Cast) -> None:
    page = cast.client("a_admin").post(import_url(cast), {"file": upload("Name,Dept\nAda,Ops\n")}).content.decode()
    assert "Nothing was imported." in page
    assert "The file has no “Email” column." in page


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(cast: Cast) -> None:
    response = cast.client("a_admin").post(
        import_url(cast), {"file": SimpleUploadedFile("notes.pdf", b"%PDF-1.7 not a spreadsheet")}
    )
    assert "This is not a CSV or Excel (.xlsx) file." in response.content.decode()


def test_submitting_without_a_file_re_renders_the_form_with_its_error(cast: Cast) -> None:
    response = cast.client("a_admin").post(import_url(cast), {})
    assert response.status_code == 200
    assert "Choose a file to import." in response.content.decode()


def test_an_empty_upload_re_renders_the_form_with_its_error(cast: Cast) -> None:
    response = cast.client("a_admin").post(import_url(cast), {"file": upload("")})
    assert "The file is empty." in response.content.decode()


def test_a_good_import_returns_to_the_directory_with_the_counts(cast: Cast) -> None:
    admin = cast.people["a_admin"]
    text = (
        HEADER + f"{admin.name},{admin.email},Finance,,,\nAda,ada@corp.test,,,,{admin.email}\nBen,ben@corp.test,,,,\n"
    )
    response = cast.client("a_admin").post(import_url(cast), {"file": upload(text)})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:people", kwargs={"organisation": cast.org_a.public_id})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Import complete: 2 people added, 1 updated, 0 unchanged."
    ]
    assert Person.objects.get(email="ada@corp.test").line_manager == admin
    assert AuditEvent.objects.filter(action="people.imported", organisation=cast.org_a).count() == 1


def test_ignored_columns_are_mentioned_after_a_good_import(cast: Cast) -> None:
    response = cast.client("a_admin").post(
        import_url(cast), {"file": upload("Name,Email,Notes\nAda,ada@corp.test,x\n")}
    )
    message = next(iter(get_messages(response.wsgi_request)))
    assert str(message) == (
        "Import complete: 1 person added, 0 updated, 0 unchanged. "
        "These columns were not recognised and were ignored: Notes."
    )
