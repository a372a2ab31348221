"""A person's learning journal as a PDF: theirs to keep, print or take to supervision."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from actionset.accounts.models import User
from actionset.core.pdf import BRAND, FONT_BOLD, INK, SOFT, document_pdf, markup, page_footer
from actionset.organisations.models import Provider

from .models import JournalEntry
from .services import long_date


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], textColor=BRAND, alignment=0, fontSize=20, leading=24),
        "entry": ParagraphStyle("entry", parent=base["Heading2"], textColor=INK, fontSize=13.5, spaceBefore=14),
        "meta": ParagraphStyle("meta", parent=base["BodyText"], fontSize=9, textColor=SOFT, spaceAfter=4),
        "prompt": ParagraphStyle(
            "prompt", parent=base["BodyText"], fontName=FONT_BOLD, fontSize=9.5, textColor=BRAND, spaceBefore=6
        ),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=10.5, leading=14.5, textColor=INK),
    }


def journal_pdf(*, author: User) -> bytes:
    """The author's own entries, newest first. Nobody else's journal can reach this function's output."""
    styles = _styles()
    entries = (
        JournalEntry.objects.of(author)
        .select_related("meeting__learning_set")
        .prefetch_related("actions")
        .order_by("-created_at")
    )
    name = author.name or author.email
    story: list[Any] = [
        Paragraph(f"Learning journal of {escape(name)}", styles["title"]),
        Paragraph(
            f"Exported {long_date(timezone.now())}, {timezone.localtime():%H:%M}. "
            f"Private: written by {escape(name)}, for {escape(name)}.",
            styles["meta"],
        ),
        Spacer(1, 4 * mm),
    ]
    count = 0
    for entry in entries:
        count += 1
        meta = f"Written {long_date(entry.created_at)}"
        if entry.meeting is not None:
            meta += (
                f" · meeting {entry.meeting.number} of {escape(str(entry.meeting.learning_set))}, "
                f"{long_date(entry.meeting.starts_at)}"
            )
        block: list[Any] = [Paragraph(escape(entry.heading), styles["entry"]), Paragraph(meta, styles["meta"])]
        for label, text in entry.answered():
            block += [Paragraph(escape(label), styles["prompt"]), Paragraph(markup(text.strip()), styles["body"])]
        linked = list(entry.actions.all())
        if linked:
            block.append(Paragraph("Linked actions", styles["prompt"]))
            block += [
                Paragraph(f"• {escape(a.text)} ({escape(a.get_status_display().lower())})", styles["body"])
                for a in linked
            ]
        # A short entry stays on one page; a long one may break, rather than leave a page nearly empty.
        if sum(len(t) for _, t in entry.answered()) < 1500:
            story.append(KeepTogether(block))
        else:
            story.extend(block)
    if count == 0:
        story.append(Paragraph("No entries yet.", styles["body"]))

    provider = Provider.current().name
    return document_pdf(
        story,
        title=f"Learning journal of {name}",
        author=name,
        footer=page_footer(f"Learning journal of {name} · private", page_label=f"{provider} · page ", size=8),
    )
