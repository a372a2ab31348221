"""A programme's set lists downloaded for the client: CSV, Excel and PDF, directory details only, audited."""

from __future__ import annotations

import csv
import io

import openpyxl
import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.core.models import AuditEvent
from conftest import Cast
from tests.factories import LearningSetFactory, MembershipFactory


def _url(cast: Cast, fmt: str) -> str:
    assert cast.programme is not None
    return reverse("sets:set_lists", kwargs={"programme": cast.programme.public_id, "fmt": fmt})


def test_the_csv_lists_each_member_with_their_set_and_facilitator(programme_world: Cast) -> None:
    response = programme_world.client("designer").get(_url(programme_world, "csv"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Set", "Facilitators", "Meets", "Name", "Email", "Department", "Level", "Site"]
    participant = programme_world.people["a_participant"]
    mine = [r for r in rows if r[4] == participant.email]
    assert len(mine) == 1
    assert mine[0][0] == "Set 1"
    assert mine[0][1] == str(programme_world.users["facilitator"])
    # Set 1: the participant and three others; Set 2: three.
    assert len(rows) == 1 + 4 + 3
    assert AuditEvent.objects.filter(action="sets.exported", detail__format="csv").exists()


def test_excel_and_pdf_hold_the_same_people(programme_world: Cast) -> None:
    client = programme_world.client("designer")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(_url(programme_world, "xlsx")).content)).active
    assert sheet is not None
    emails = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert programme_world.people["a_participant"].email in emails
    pdf = pypdfium2.PdfDocument(client.get(_url(programme_world, "pdf")).content)
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "Set 1" in text
    assert "Set 2" in text
    assert programme_world.people["a_participant"].name in text
    assert "No facilitator yet" in text


def test_an_unknown_format_is_not_found(programme_world: Cast) -> None:
    assert programme_world.client("designer").get(_url(programme_world, "docx")).status_code == 404


def test_the_lists_cost_the_same_queries_however_many_sets(programme_world: Cast) -> None:
    def queries() -> int:
        client = programme_world.client("designer")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(programme_world, "csv")).status_code == 200
        return len(captured)

    queries()  # the first request of a process reads what later ones find cached (the provider, say)
    before = queries()
    for _ in range(5):
        extra = LearningSetFactory.create(programme=programme_world.programme)
        for _ in range(4):
            MembershipFactory.create(learning_set=extra)
    assert queries() == before


@pytest.mark.parametrize("role", ["a_sponsor", "a_admin", "a_participant", "facilitator", "b_participant"])
def test_only_designers_download_the_lists(programme_world: Cast, role: str) -> None:
    assert programme_world.client(role).get(_url(programme_world, "csv")).status_code in (403, 404)
