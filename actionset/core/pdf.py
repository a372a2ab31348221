"""What the PDFs the app makes have in common (the learning journal, the programme report, the accreditation
certificate and evidence): A4 pages with 18 mm side margins, the web pages' palette, the Helvetica family, a footer
line that numbers the pages, and turning a story of flowables into bytes.

What differs stays with each PDF: its paragraph styles (a journal is read at leisure, a report is dense), its
tables, its drawings and its top and bottom margins; the accreditation PDFs draw in a palette of their own. Paragraph
styles take their fonts from reportlab's sample style sheet, which uses the same Helvetica family as `FONT` and
`FONT_BOLD`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

PAGE = A4
MARGIN = 18 * mm
#: The width between the side margins, for drawings and tables that fill it.
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN

# The palette of the web pages (static/css/actionset.css).
BRAND = colors.HexColor("#0f5c6e")
INK = colors.HexColor("#1c2430")
SOFT = colors.HexColor("#4a5566")
LINE = colors.HexColor("#d9dee6")

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"

#: Draws on each page's canvas after its flowables: (canvas, document).
PageDecoration = Callable[[Any, Any], None]


def markup(text: str) -> str:
    """Plain text as a Paragraph's markup: escaped, its line breaks kept."""
    return escape(text.replace("\r\n", "\n")).replace("\n", "<br/>")


def page_footer(left: str, *, page_label: str, size: float) -> PageDecoration:
    """A footer line below the text: `left` at the left margin and `page_label` with the page number at the right."""

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, size)
        canvas.setFillColor(SOFT)
        canvas.drawString(MARGIN, 10 * mm, left)
        canvas.drawRightString(PAGE[0] - MARGIN, 10 * mm, f"{page_label}{document.page}")
        canvas.restoreState()

    return draw


def document_pdf(
    story: list[Any],
    *,
    title: str,
    author: str,
    top_margin: float = MARGIN,
    bottom_margin: float = MARGIN,
    footer: PageDecoration | None = None,
) -> bytes:
    """Lay out `story` on A4 pages with the side margins every PDF shares; `footer` goes on every page."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top_margin,
        bottomMargin=bottom_margin,
        title=title,
        author=author,
    )
    if footer is None:
        document.build(story)
    else:
        document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
