"""The sponsor's view of a programme's results, and a participant answering a review sheet.

Northwind's demo programme has answers at the start and after the first two meetings, and four after the third
(below the threshold of five). The sponsor's dashboard and the PDF report are screenshotted; a participant
answers the waiting review sheet from their home page and, with that fifth answer, the sponsor sees its results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from playwright.sync_api import expect

from actionset.programmes.models import Programme
from tests.browser.conftest import PHONE, SCREENSHOTS, screenshot, serious_accessibility_violations, sign_in


def pdf_to_png(pdf: Path, name: str) -> list[Path]:
    SCREENSHOTS.mkdir(exist_ok=True)
    paths = []
    document = pdfium.PdfDocument(str(pdf))
    for index in range(len(document)):
        image = document[index].render(scale=1.6).to_pil()
        path = SCREENSHOTS / f"{name}-page{index + 1}.png"
        image.save(path)
        paths.append(path)
    return paths


def test_a_sponsor_reads_the_results_and_a_participants_answer_completes_a_point(
    demo_world: None, new_page: Any, tmp_path: Path
) -> None:
    programme = Programme.objects.get(title="Leading through change")
    sponsor = new_page()
    sign_in(sponsor, "sponsor@northwind.example")
    sponsor.goto(f"/programmes/{programme.public_id}/")
    sponsor.get_by_role("link", name="Results").click()
    sponsor.get_by_role("heading", name="How the programme is going").wait_for()
    expect(sponsor.get_by_text("meetings held")).to_be_visible()
    assert sponsor.locator("svg.chart").count() >= 3
    # After meeting 3 has four answers: it is named, its figures are not.
    row = sponsor.get_by_role("row").filter(has_text="After meeting 3")
    assert "results need 1 more" in row.inner_text()
    assert serious_accessibility_violations(sponsor) == []
    screenshot(sponsor, "evaluation-dashboard")

    with sponsor.expect_download() as download:
        sponsor.get_by_role("link", name="Download report (PDF)").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    pages = pdf_to_png(pdf, "evaluation-report")
    assert len(pages) >= 2

    phone = new_page(viewport=PHONE)
    sign_in(phone, "sponsor@northwind.example")
    phone.goto(f"/evaluation/programmes/{programme.public_id}/")
    screenshot(phone, "evaluation-dashboard-phone")

    # The demo records a few people as away from each meeting, and who shares Sam's set depends on composition;
    # make sure Sam was at meeting 3, so the review sheet for it is theirs to answer.
    from actionset.meetings.models import Attendance

    Attendance.objects.filter(enrolment__person__email="participant@northwind.example", meeting__number=3).update(
        status="present"
    )
    member = new_page(viewport=PHONE)
    sign_in(member, "participant@northwind.example")
    member.goto("/")
    member.get_by_role("heading", name="A few questions for you").wait_for()
    screenshot(member, "evaluation-member-home")
    member.get_by_role("link", name="After-meeting review sheet — after meeting 3").click()
    member.get_by_role("heading", name="After-meeting review sheet").wait_for()
    member.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_text("Choose one point on the scale.").first).to_be_visible()
    for group in member.locator("fieldset.survey-item").all():
        group.get_by_text("4 — Agree").click()
    assert serious_accessibility_violations(member) == []
    screenshot(member, "evaluation-survey-phone")
    member.get_by_role("button", name="Send my answers").click()
    member.get_by_text("only you can see them").wait_for()

    sponsor.reload()
    row = sponsor.get_by_role("row").filter(has_text="After meeting 3")
    assert "results need" not in row.inner_text()
    expect(
        sponsor.get_by_role("heading", name="After-meeting review sheet: each question, after meeting 3")
    ).to_be_visible()


def test_a_designer_imports_a_scale_and_is_told_exactly_what_is_wrong(
    transactional_db: None, new_page: Any, tmp_path: Path
) -> None:
    import json

    from tests.factories import TEST_PASSWORD, UserFactory

    UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    scale = {
        "code": "team-safety",
        "name": "Team psychological safety",
        "kirkpatrick_level": 1,
        "scales": [
            {"code": "accuracy", "low": 1, "high": 7, "anchors": {"1": "Very inaccurate", "7": "Very accurate"}}
        ],
        "items": [
            {"code": "q1", "text": "Mistakes are held against you here.", "scale": "accuracy", "reverse": True},
            {"code": "q2", "text": "It is safe to take a risk here.", "scale": "agreement"},
        ],
    }
    bad = tmp_path / "team-safety.json"
    bad.write_text(json.dumps(scale))
    page = new_page()
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.get_by_role("link", name="Instruments").click()
    page.get_by_role("link", name="Import an instrument").click()
    page.get_by_label("Instrument definition (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Nothing was imported").wait_for()
    expect(page.get_by_text("items[2].scale: 'agreement' is not one of the scales above")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "evaluation-import-errors")

    scale["items"][1]["scale"] = "accuracy"  # type: ignore[index]
    bad.write_text(json.dumps(scale))
    page.get_by_label("Instrument definition (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Team psychological safety").wait_for()
    expect(page.get_by_text("Mistakes are held against you here.")).to_be_visible()
    screenshot(page, "evaluation-instrument")
