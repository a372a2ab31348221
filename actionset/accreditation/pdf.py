"""PDFs: the certificate a candidate receives on a pass, and their evidence for an external awarding body."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from actionset.accreditation import openbadges
from actionset.accreditation.signing import DEMO_KID_PREFIX
from actionset.core.pdf import FONT, FONT_BOLD, PAGE, document_pdf
from actionset.organisations.models import Provider

BRAND = colors.HexColor("#0b5563")
INK = colors.HexColor("#1f2933")
SOFT = colors.HexColor("#52606d")


def certificate_pdf(credential: Any) -> bytes:
    """One landscape A4 page: who, what, when, by whom, and where to verify it."""
    buffer = io.BytesIO()
    width, height = landscape(PAGE)
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setTitle(f"{credential.award_name} — {credential.recipient_name}")
    page.setAuthor(Provider.current().name)
    page.setStrokeColor(BRAND)
    page.setLineWidth(3)
    page.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    page.setLineWidth(0.8)
    page.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    centre = width / 2
    page.setFillColor(BRAND)
    page.setFont(FONT_BOLD, 16)
    page.drawCentredString(centre, height - 40 * mm, Provider.current().name.upper())
    page.setFillColor(SOFT)
    page.setFont(FONT, 14)
    page.drawCentredString(centre, height - 62 * mm, "This certifies that")
    page.setFillColor(INK)
    page.setFont(FONT_BOLD, 30)
    page.drawCentredString(centre, height - 80 * mm, credential.recipient_name)
    page.setFillColor(SOFT)
    page.setFont(FONT, 14)
    page.drawCentredString(centre, height - 96 * mm, "has been awarded the")
    page.setFillColor(BRAND)
    page.setFont(FONT_BOLD, 22)
    page.drawCentredString(centre, height - 112 * mm, credential.award_name)
    page.setFillColor(INK)
    page.setFont(FONT, 12)
    page.drawCentredString(centre, height - 128 * mm, f"Issued {credential.issued_at:%-d %B %Y}")
    if credential.is_revoked:
        page.setFillColor(colors.HexColor("#b42318"))
        page.setFont(FONT_BOLD, 16)
        page.drawCentredString(centre, height - 142 * mm, f"REVOKED on {credential.revoked_at:%-d %B %Y}")
    elif credential.key_id.startswith(DEMO_KID_PREFIX):
        page.setFillColor(colors.HexColor("#b42318"))
        page.setFont(FONT_BOLD, 16)
        page.drawCentredString(centre, height - 142 * mm, _("DEMONSTRATION: NOT A REAL AWARD"))
    page.setFillColor(SOFT)
    page.setFont(FONT, 9.5)
    page.drawCentredString(centre, 34 * mm, f"Credential id {credential.public_id}")
    page.drawCentredString(centre, 28 * mm, f"Verify at {openbadges.credential_url(credential)}")
    if credential.is_signed:
        page.drawCentredString(
            centre, 22 * mm, "An Open Badges 3.0 credential, signed by the issuer, can be downloaded from that page."
        )
    page.showPage()
    page.save()
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], textColor=BRAND, alignment=0, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=BRAND, spaceBefore=10),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8.5, textColor=SOFT, leading=11),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=8.5, leading=10.5),
    }


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), FONT, 8.5),
                ("TEXTCOLOR", (0, 0), (-1, 0), SOFT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#d9e2ec")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def evidence_pdf(portfolio: Any, progress: Any) -> bytes:
    """The evidence an external awarding body asks for: progress against each requirement, every line of evidence,
    the reflective log's entries (titles and lengths, not their text) and the observations' ratings and comments."""
    styles = _styles()
    story: list[Any] = [
        Paragraph(escape(f"Evidence portfolio: {portfolio.candidate.get_full_name()}"), styles["title"]),
        Paragraph(
            escape(f"{portfolio.award.name} · {Provider.current().name} · status: {portfolio.get_status_display()}"),
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Requirements", styles["h2"]),
    ]
    rows: list[list[Any]] = [["Requirement", "Target", "Achieved", "Met"]]
    for r in progress.requirements:
        rows.append(
            [
                Paragraph(escape(r.label), styles["cell"]),
                f"{r.target} {r.unit}",
                r.achieved_display,
                "yes" if r.met else "no",
            ]
        )
    story.append(_table(rows, [90 * mm, 30 * mm, 25 * mm, 20 * mm]))

    story.append(Paragraph("Hours and supervision", styles["h2"]))
    story.append(
        Paragraph(
            "Lines whose source is actionset come from meetings the candidate facilitated, as recorded by the system; "
            "the others the candidate logged. No set member is named and nothing said in a set is recorded.",
            styles["small"],
        )
    )
    rows = [["Date", "Kind", "Hours", "Set size", "Organisation", "Source"]]
    for line in progress.lines:
        rows.append(
            [
                line.happened_on.strftime("%d %b %Y"),
                line.kind_label + (f" ({line.supervisor})" if line.supervisor else ""),
                f"{line.minutes / 60:.2f}",
                line.set_size or "",
                Paragraph(escape(line.organisation_name), styles["cell"]),
                "actionset" if line.source == "actionset" else "logged",
            ]
        )
    if len(rows) == 1:
        rows.append(["—", "No hours yet", "", "", "", ""])
    story.append(_table(rows, [24 * mm, 44 * mm, 16 * mm, 16 * mm, 50 * mm, 22 * mm]))

    story.append(Paragraph("Reflective log", styles["h2"]))
    rows = [["Date", "Title", "Words"]]
    for reflection in portfolio.reflections.all():
        rows.append(
            [
                reflection.written_on.strftime("%d %b %Y"),
                Paragraph(escape(reflection.title), styles["cell"]),
                reflection.words,
            ]
        )
    if len(rows) == 1:
        rows.append(["—", "No reflections yet", ""])
    story.append(_table(rows, [24 * mm, 120 * mm, 20 * mm]))

    story.append(Paragraph("Observations", styles["h2"]))
    observations = list(portfolio.observations.all())
    if not observations:
        story.append(Paragraph("No observations yet.", styles["body"]))
    for observation in observations:
        story.append(
            Paragraph(
                escape(
                    f"{observation.observed_on:%d %b %Y} · {observation.get_role_display()}: "
                    f"{observation.observer_name} · {observation.minutes / 60:.2f} hours"
                ),
                styles["body"],
            )
        )
        rows = [["Area", "Rating", "Comment"]]
        for row in observation.feedback_rows:
            rows.append([row["area"], row["rating"], Paragraph(escape(row["comment"]), styles["cell"])])
        story.append(_table(rows, [34 * mm, 26 * mm, 104 * mm]))
        story.append(Spacer(1, 3 * mm))

    submissions = list(portfolio.submissions.all().order_by("number"))
    if submissions:
        story.append(Paragraph("Assessment", styles["h2"]))
        rows = [["Submission", "Submitted", "Decision", "Decided"]]
        for s in submissions:
            rows.append(
                [
                    s.number,
                    s.submitted_at.strftime("%d %b %Y"),
                    s.get_outcome_display() or "Awaiting decision",
                    s.decided_at.strftime("%d %b %Y") if s.decided_at else "",
                ]
            )
        story.append(_table(rows, [26 * mm, 36 * mm, 50 * mm, 36 * mm]))
    return document_pdf(
        story,
        title=f"Evidence: {portfolio.candidate.get_full_name()} — {portfolio.award.name}",
        author=Provider.current().name,
        top_margin=16 * mm,
        bottom_margin=16 * mm,
    )
