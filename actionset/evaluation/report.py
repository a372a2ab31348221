"""The programme report as PDF (reportlab, charts drawn in the PDF) and CSV, from `programme_results` — the same
data, already stripped of every group under five, that the dashboard shows."""

from __future__ import annotations

import csv
import io
import textwrap
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from actionset.core.pdf import (
    BRAND,
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    INK,
    LINE,
    SOFT,
    document_pdf,
    markup,
    page_footer,
)
from actionset.evaluation.charts import COLOURS, BarRow, change_axis
from actionset.evaluation.presentation import ChartBlock, asked_text, dashboard_context, signed
from actionset.evaluation.results import ProgrammeResults
from actionset.organisations.models import Provider

BRAND_DARK = colors.HexColor("#0a4351")
WASH = colors.HexColor("#eef1f5")
# The same series colours as the page's SVG charts, so the PDF and the dashboard read alike.
SERIES = [colors.HexColor(c) for c in COLOURS]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def headline(results: ProgrammeResults) -> list[tuple[str, str, str]]:
    """The four numbers a sponsor reads first: (figure, label, detail)."""
    h = results.health
    return [
        (
            f"{h.meetings_held} of {h.meetings_planned}",
            "meetings held",
            f"{h.sets} sets, {h.participants} participants",
        ),
        (_percent(h.attendance_rate), "attendance", f"{h.attendance_present} of {h.attendance_recorded} places"),
        (
            str(h.actions_committed),
            "actions committed",
            f"{h.actions_done} done ({_percent(h.done_rate)}), {h.actions_open} still open",
        ),
        (_percent(results.response_rate), "answered surveys", f"{results.answered} of {results.asked} asked"),
    ]


def trend_drawing(block: ChartBlock) -> Drawing:
    width, height = CONTENT_WIDTH, 60 * mm
    left, bottom, top = 12 * mm, 10 * mm, height - 4 * mm
    span = top - bottom
    drawing = Drawing(width, height)
    for point in range(block.low, block.high + 1):
        y = bottom + span * (point - block.low) / (block.high - block.low)
        drawing.add(Line(left, y, width, y, strokeColor=LINE, strokeWidth=0.5))
        drawing.add(String(left - 4, y - 3, str(point), fontSize=8, fillColor=SOFT, textAnchor="end"))
    slot = (width - left) / max(len(block.points), 1)
    column = min(slot * 0.55, 22 * mm)
    for index, (label, value) in enumerate(block.points):
        centre = left + slot * (index + 0.5)
        if value is None:
            drawing.add(
                Rect(
                    centre - column / 2,
                    bottom,
                    column,
                    9 * mm,
                    fillColor=None,
                    strokeColor=SOFT,
                    strokeDashArray=[3, 2],
                    strokeWidth=0.6,
                )
            )
            drawing.add(String(centre, bottom + 3.5 * mm, "< 5", fontSize=8, fillColor=SOFT, textAnchor="middle"))
        else:
            bar = max(span * (value - block.low) / (block.high - block.low), 1)
            drawing.add(Rect(centre - column / 2, bottom, column, bar, fillColor=BRAND, strokeColor=None))
            drawing.add(
                String(
                    centre,
                    bottom + bar + 2,
                    f"{value:.1f}",
                    fontSize=9,
                    fontName=FONT_BOLD,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
        drawing.add(String(centre, bottom - 5 * mm, label, fontSize=8, fillColor=SOFT, textAnchor="middle"))
    return drawing


def bars_drawing(block: ChartBlock) -> Drawing:
    rows: list[BarRow] = block.bar_rows
    left, right = 0, CONTENT_WIDTH - 12 * mm
    span = right - left
    bar, gap = 3.6 * mm, 1.2 * mm
    lines = [textwrap.wrap(r.label, 95) or [""] for r in rows]
    legend = 7 * mm if len(block.groups) > 1 or block.legend else 0
    rows_height = sum(
        len(ls) * 4 * mm + len(r.values) * (bar + gap) + 3 * mm for ls, r in zip(lines, rows, strict=True)
    )
    height = legend + rows_height + 9 * mm
    drawing = Drawing(CONTENT_WIDTH, height)
    y = height
    if legend:
        x = 0.0
        for index, name in enumerate(block.groups):
            drawing.add(Rect(x, y - 4 * mm, 3 * mm, 3 * mm, fillColor=SERIES[index % len(SERIES)], strokeColor=None))
            drawing.add(String(x + 4.5 * mm, y - 3.6 * mm, name, fontSize=8, fillColor=SOFT))
            x += 10 * mm + 1.7 * mm * len(name)
        y -= legend
    for row, text in zip(rows, lines, strict=True):
        for line in text:
            y -= 4 * mm
            drawing.add(String(left, y + 1, line, fontSize=8.5, fillColor=INK))
        y -= 1 * mm
        for index, value in enumerate(row.values):
            y -= bar
            drawing.add(Rect(left, y, span, bar, fillColor=WASH, strokeColor=None))
            if value is None:
                drawing.add(String(left + 2 * mm, y + 1, "fewer than 5 answers", fontSize=7, fillColor=SOFT))
            else:
                width = max(span * (value - block.low) / (block.high - block.low), 1)
                drawing.add(Rect(left, y, width, bar, fillColor=SERIES[index % len(SERIES)], strokeColor=None))
                drawing.add(
                    String(right + 2 * mm, y + 1, f"{value:.1f}", fontSize=8.5, fontName=FONT_BOLD, fillColor=INK)
                )
            y -= gap
        y -= 2 * mm
    y -= 1 * mm
    drawing.add(Line(left, y, right, y, strokeColor=LINE, strokeWidth=0.6))
    for point in range(block.low, block.high + 1):
        x = left + span * (point - block.low) / (block.high - block.low)
        drawing.add(Line(x, y, x, y - 1.5 * mm, strokeColor=SOFT, strokeWidth=0.5))
        drawing.add(String(x, y - 5 * mm, str(point), fontSize=7.5, fillColor=SOFT, textAnchor="middle"))
    return drawing


def change_drawing(block: ChartBlock) -> Drawing:
    """Bars either side of a line at no change, like the dashboard's chart; who moved up or down beneath each."""
    rows = block.change_rows
    reach = change_axis(rows)
    per_row = 4 * mm + 3.6 * mm + 4 * mm + 2.5 * mm
    height = len(rows) * per_row + 12 * mm
    drawing = Drawing(CONTENT_WIDTH, height)
    centre, half = CONTENT_WIDTH / 2, CONTENT_WIDTH / 2 - 16 * mm
    y = height
    for row in rows:
        y -= 4 * mm
        drawing.add(String(0, y + 1, row.label, fontSize=8.5, fontName=FONT_BOLD, fillColor=INK))
        y -= 3.6 * mm + 1 * mm
        drawing.add(Rect(centre - half, y, 2 * half, 3.6 * mm, fillColor=WASH, strokeColor=None))
        length = max(half * abs(row.mean) / reach, 1)
        colour = SERIES[0] if row.mean >= 0 else SERIES[1]
        x = centre if row.mean >= 0 else centre - length
        drawing.add(Rect(x, y, length, 3.6 * mm, fillColor=colour, strokeColor=None))
        drawing.add(Line(centre, y - 1 * mm, centre, y + 4.6 * mm, strokeColor=SOFT, strokeWidth=0.6))
        label_x = centre + length + 2 * mm if row.mean >= 0 else centre - length - 2 * mm
        drawing.add(
            String(
                label_x,
                y + 1,
                signed(row.mean),
                fontSize=8.5,
                fontName=FONT_BOLD,
                fillColor=INK,
                textAnchor="start" if row.mean >= 0 else "end",
            )
        )
        y -= 3.5 * mm
        drawing.add(String(0, y + 0.5, row.detail, fontSize=7.5, fillColor=SOFT))
        y -= 1.5 * mm
    y -= 1 * mm
    drawing.add(Line(centre - half, y, centre + half, y, strokeColor=LINE, strokeWidth=0.6))
    step = 0.5 if reach <= 1 else 1.0
    for index in range(int(2 * reach / step) + 1):
        value = -reach + index * step
        x = centre + half * value / reach
        drawing.add(Line(x, y, x, y - 1.5 * mm, strokeColor=SOFT, strokeWidth=0.5))
        text = f"{value:+g}" if value else "0"
        drawing.add(String(x, y - 4.5 * mm, text, fontSize=7.5, fillColor=SOFT, textAnchor="middle"))
    drawing.add(
        String(centre - 2 * mm, y - 8.5 * mm, "lower than at the start", fontSize=7.5, fillColor=SOFT, textAnchor="end")
    )
    drawing.add(String(centre + 2 * mm, y - 8.5 * mm, "higher than at the start", fontSize=7.5, fillColor=SOFT))
    return drawing


def _table(
    head: list[str], rows: list[list[str]], styles: dict[str, ParagraphStyle], widths: list[float] | None = None
) -> Table:
    data = [[Paragraph(f"<b>{h}</b>", styles["cell"]) for h in head]]
    data += [[Paragraph(markup(c), styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


class Headline(Flowable):
    """Four boxes of headline numbers across the page."""

    def __init__(self, figures: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.figures = figures
        self.width, self.height = CONTENT_WIDTH, 24 * mm

    def draw(self) -> None:
        canvas = self.canv
        box = (self.width - 3 * 3 * mm) / 4
        for index, (figure, label, detail) in enumerate(self.figures):
            x = index * (box + 3 * mm)
            canvas.setFillColor(WASH)
            canvas.roundRect(x, 0, box, self.height, 2 * mm, stroke=0, fill=1)
            canvas.setFillColor(BRAND_DARK)
            canvas.setFont(FONT_BOLD, 17)
            canvas.drawString(x + 3 * mm, self.height - 9 * mm, figure)
            canvas.setFillColor(INK)
            canvas.setFont(FONT, 9)
            canvas.drawString(x + 3 * mm, self.height - 14 * mm, label)
            canvas.setFillColor(SOFT)
            canvas.setFont(FONT, 7)
            for n, line in enumerate(textwrap.wrap(detail, 34)[:2]):
                canvas.drawString(x + 3 * mm, self.height - 18.5 * mm - n * 3 * mm, line)


def report_pdf(results: ProgrammeResults) -> bytes:
    programme = results.programme
    context = dashboard_context(results)
    sheet = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle(
            "title",
            parent=sheet["Title"],
            alignment=TA_LEFT,
            textColor=BRAND_DARK,
            fontSize=20,
            leading=24,
            spaceAfter=2,
        ),
        "sub": ParagraphStyle("sub", parent=sheet["Normal"], textColor=SOFT, fontSize=10, leading=13),
        "h2": ParagraphStyle(
            "h2", parent=sheet["Heading2"], textColor=BRAND_DARK, fontSize=13.5, spaceBefore=10, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=sheet["Heading3"],
            fontName=FONT_BOLD,
            textColor=INK,
            fontSize=11,
            spaceBefore=6,
            spaceAfter=2,
        ),
        "body": ParagraphStyle("body", parent=sheet["Normal"], fontSize=9.5, leading=13, textColor=INK),
        "small": ParagraphStyle("small", parent=sheet["Normal"], fontSize=8, leading=10.5, textColor=SOFT),
        "cell": ParagraphStyle("cell", parent=sheet["Normal"], fontSize=8.5, leading=10.5, textColor=INK),
    }
    provider = Provider.current()
    story: list[object] = [
        Paragraph(escape(programme.title), styles["title"]),
        Paragraph(
            escape(
                f"Programme report for {programme.organisation.name} · prepared by {provider.name} · "
                f"{results.generated_at:%-d %B %Y}"
            ),
            styles["sub"],
        ),
        Spacer(1, 5 * mm),
        Headline(headline(results)),
        Spacer(1, 3 * mm),
        Paragraph(
            f"Everything here is a count or an average. Survey results appear only where at least "
            f"{results.min_responses} people answered, and no one's individual answers are ever shown. What sets "
            "discuss stays in the set; themes and questions appear only when a set chose to share them.",
            styles["small"],
        ),
        Paragraph("How the programme is running", styles["h2"]),
    ]
    h = results.health
    story.append(
        _table(
            ["", "Figure"],
            [
                ["Sets", str(h.sets)],
                ["Participants", str(h.participants)],
                ["Meetings planned (all sets)", str(h.meetings_planned)],
                ["Meetings due so far", str(h.meetings_due)],
                ["Meetings held", str(h.meetings_held)],
                ["Attendance", f"{_percent(h.attendance_rate)} ({h.attendance_present} of {h.attendance_recorded})"],
                ["Actions committed", str(h.actions_committed)],
                ["Actions done", f"{h.actions_done} ({_percent(h.done_rate)})"],
                ["Actions still open", str(h.actions_open)],
            ],
            styles,
            [70 * mm, 60 * mm],
        )
    )
    story.append(Paragraph("Who answered the surveys", styles["h2"]))
    story.append(_table(*response_table(results), styles, [52 * mm, 48 * mm, 16 * mm, 26 * mm, 32 * mm]))
    story.append(Spacer(1, 1.5 * mm))
    story.append(Paragraph(escape(asked_text(results)), styles["small"]))
    story.append(PageBreak())
    story.append(Paragraph("What participants tell us", styles["h2"]))
    for message in context["key_messages"]:
        story.append(Paragraph(f"• {escape(message)}", styles["body"]))
    if context["key_messages"]:
        story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            "Figures move in steps of five answers, so nobody's answers can be worked out by comparing one "
            "version of this report with the next; the newest few answers join at the next step of five.",
            styles["small"],
        )
    )
    if not context["blocks"]:
        story.append(Paragraph(f"Results appear when {results.min_responses} people have answered.", styles["body"]))
    for block in context["blocks"]:
        parts: list[object] = [
            Paragraph(escape(block.title), styles["h3"]),
            Paragraph(escape(block.intro), styles["small"]),
            Spacer(1, 2 * mm),
        ]
        if block.kind == "trend":
            parts.append(trend_drawing(block))
        elif block.kind == "bars":
            parts.append(bars_drawing(block))
        elif block.kind == "change":
            parts.append(change_drawing(block))
        else:
            parts.append(Paragraph(escape(block.empty), styles["body"]))
        parts.append(Spacer(1, 2 * mm))
        if block.rows:
            rest = (CONTENT_WIDTH - CONTENT_WIDTH * 0.5) / max(len(block.head) - 1, 1)
            parts.append(_table(block.head, block.rows, styles, [CONTENT_WIDTH * 0.5] + [rest] * (len(block.head) - 1)))
        story.append(KeepTogether(parts))
    # Only for readers of what the sets released (see programme_results).
    if results.learning_available:
        story.append(Paragraph("Shared themes", styles["h2"]))
        if results.themes:
            story.append(
                _table(
                    ["Theme", "Items", "Sets", "What sets shared"],
                    [[t["name"], str(t["items"]), str(t["sets"]), "\n".join(t["examples"])] for t in results.themes],
                    styles,
                    [38 * mm, 14 * mm, 12 * mm, CONTENT_WIDTH - 64 * mm],
                )
            )
        else:
            story.append(Paragraph(escape(no_themes_text(results)), styles["body"]))
        story.append(Paragraph("Questions to leaders", styles["h2"]))
        if results.questions:
            for q in results.questions:
                # A question and its answer stay on one page.
                entry: list[object] = [
                    Paragraph(f"<b>{escape(q['text'])}</b>", styles["body"]),
                    Paragraph(escape(f"From {q['set']}"), styles["small"]),
                ]
                if q.get("answer"):
                    by = f" ({q['answered_by']})" if q.get("answered_by") else ""
                    entry.append(Paragraph(f"<b>Answer{escape(by)}:</b> {escape(q['answer'])}", styles["small"]))
                else:
                    entry.append(Paragraph("Not answered yet.", styles["small"]))
                entry.append(Spacer(1, 2 * mm))
                story.append(KeepTogether(entry))
        else:
            story.append(Paragraph(escape(no_questions_text(results)), styles["body"]))
    return document_pdf(
        story,
        title=f"{programme.title}: programme report",
        author=provider.name,
        top_margin=16 * mm,
        footer=page_footer(
            f"{programme.title} · {programme.organisation.name} · programme report", page_label="Page ", size=7.5
        ),
    )


def no_themes_text(results: ProgrammeResults) -> str:
    return "No set has shared a theme yet. Themes appear here when a set agrees to share them."


def no_questions_text(results: ProgrammeResults) -> str:
    return "No questions to leaders yet. Questions appear here when a set agrees to send one."


def response_table(results: ProgrammeResults) -> tuple[list[str], list[list[str]]]:
    head = ["When", "Instrument", "Level", "Answered", "Status"]
    rows = []
    for o in results.occasions:
        if o.state == "upcoming":
            answered, status = "—", f"Opens {o.opens_on:%-d %b %Y}"
        elif not o.asked:
            answered, status = "—", "Opens once held"
        else:
            answered = f"{o.answered} of {o.asked} ({_percent(o.rate)})"
            status = f"Open until {o.closes_on:%-d %b}" if o.state == "open" else "Closed"
            if o.suppressed:
                status += f"; results need {o.needed} more"
        rows.append([o.label, o.instrument.name, str(o.kirkpatrick_level), answered, status])
    return head, rows


class _SafeWriter:
    """A csv writer that keeps a spreadsheet from running text as a formula (shared questions are free text)."""

    def __init__(self, out: io.StringIO) -> None:
        self.writer = csv.writer(out)

    def writerow(self, row: list[object]) -> None:
        self.writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row])


def report_csv(results: ProgrammeResults) -> str:
    """One row per figure: section, what, point, value, count. The same figures as the PDF and dashboard."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["section", "measure", "point", "value", "people"])
    h = results.health
    for measure, value in (
        ("sets", h.sets),
        ("participants", h.participants),
        ("meetings planned", h.meetings_planned),
        ("meetings due", h.meetings_due),
        ("meetings held", h.meetings_held),
        ("attendance places recorded", h.attendance_recorded),
        ("attendance places present", h.attendance_present),
        ("actions committed", h.actions_committed),
        ("actions done", h.actions_done),
        ("actions open", h.actions_open),
    ):
        writer.writerow(["health", measure, "", value, ""])
    for o in results.occasions:
        writer.writerow(
            ["responses", f"{o.instrument.name} (Kirkpatrick level {o.kirkpatrick_level})", o.label, o.state, ""]
        )
        if o.state != "upcoming":
            writer.writerow(["responses", "asked", o.label, o.asked, ""])
            writer.writerow(["responses", "answered", o.label, o.answered, ""])
            writer.writerow(["responses", "not invited (login switched off)", o.label, o.not_invited, ""])
        if o.suppressed:
            continue
        if o.score is not None:
            writer.writerow(["results", f"{o.instrument.name}: overall", o.label, f"{o.score:.2f}", o.answered])
        for f in o.subscales:
            writer.writerow(["results", f"{o.instrument.name}: {f.label}", o.label, f"{f.mean:.2f}", f.n])
        for f in o.items:
            writer.writerow(["results", f"{o.instrument.name}: {f.label}", o.label, f"{f.mean:.2f}", f.n])
    for change in results.changes:
        point = f"{change.before} to {change.after.lower()}"
        writer.writerow(["change", f"{change.instrument.name}: answered both", point, change.paired, ""])
        for figure in [change.overall, *change.subscales]:
            if figure is None:
                continue
            measure = f"{change.instrument.name}: {figure.label}"
            # A number, not text: a spreadsheet reads it as one (and a leading sign is not mistaken for a formula).
            writer.writerow(["change", f"{measure}: average change", point, round(figure.mean, 2), figure.n])
            writer.writerow(["change", f"{measure}: moved up", point, figure.up, figure.n])
            writer.writerow(["change", f"{measure}: stayed", point, figure.same, figure.n])
            writer.writerow(["change", f"{measure}: moved down", point, figure.down, figure.n])
    for t in results.themes:
        writer.writerow(["themes", t["name"], "", t["items"], ""])
        for text in t["examples"]:
            writer.writerow(["themes", t["name"], "shared item", text, ""])
    for q in results.questions:
        writer.writerow(["questions", q["text"], "", q.get("answer") or "", ""])
    return out.getvalue()
