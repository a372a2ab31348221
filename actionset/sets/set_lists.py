"""A programme's set lists for the client, as CSV, XLSX and PDF: who is in which set, and who facilitates it.

Directory details only (name, email, department, level, site) and the set's slot: never anything a set said or did.
Built in a fixed number of queries whatever the number of sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from actionset.core import spreadsheets
from actionset.core.pdf import BRAND, CONTENT_WIDTH, FONT, FONT_BOLD, INK, LINE, SOFT, document_pdf, page_footer
from actionset.organisations.models import Provider
from actionset.programmes.models import Programme
from actionset.programmes.slots import SLOT_LABELS
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership

FORMATS = ("csv", "xlsx", "pdf")


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    department: str
    level: str
    site: str


@dataclass(frozen=True)
class SetList:
    name: str
    facilitators: str
    slot: str
    members: list[Member]


def set_lists(programme: Programme) -> list[SetList]:
    members = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(enrolment__withdrawn_at__isnull=True)
        .select_related("enrolment__person")
        .order_by("enrolment__person__name"),
    )
    facilitators = Prefetch(
        "facilitators", queryset=FacilitatorAssignment.objects.select_related("user").order_by("role")
    )
    lists = []
    for learning_set in LearningSet.objects.filter(programme=programme).prefetch_related(members, facilitators):
        people = [m.enrolment.person for m in learning_set.memberships.all()]
        lists.append(
            SetList(
                name=learning_set.name,
                facilitators=", ".join(str(f.user) for f in learning_set.facilitators.all()),
                slot=SLOT_LABELS.get(learning_set.slot, ""),
                members=[Member(p.name, p.email, p.department, p.level, p.site) for p in people],
            )
        )
    return lists


def _headings() -> list[str]:
    return [_("Set"), _("Facilitators"), _("Meets"), _("Name"), _("Email"), _("Department"), _("Level"), _("Site")]


def _rows(lists: list[SetList]) -> list[list[str]]:
    return [
        [s.name, s.facilitators, s.slot, m.name, m.email, m.department, m.level, m.site]
        for s in lists
        for m in s.members
    ]


def set_lists_file(programme: Programme, fmt: str) -> bytes:
    lists = set_lists(programme)
    if fmt == "csv":
        return spreadsheets.write_csv(_headings(), _rows(lists))
    if fmt == "xlsx":
        return spreadsheets.write_xlsx(
            _headings(), _rows(lists), title=_("Sets"), widths=(14, 24, 18, 24, 30, 18, 14, 16)
        )
    return _pdf(programme, lists)


def _pdf(programme: Programme, lists: list[SetList]) -> bytes:
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=18, leading=22, textColor=BRAND, spaceAfter=4)
    meta = ParagraphStyle("meta", fontName=FONT, fontSize=9, leading=12, textColor=SOFT)
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=INK, spaceBefore=8)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11, textColor=INK)
    people = sum(len(s.members) for s in lists)
    story: list[object] = [
        Paragraph(escape(_("Sets of %(title)s") % {"title": programme.title}), title),
        Paragraph(
            escape(
                _("%(organisation)s · %(sets)d sets, %(people)d people · as of %(day)s")
                % {
                    "organisation": programme.organisation.name,
                    "sets": len(lists),
                    "people": people,
                    "day": date_format(timezone.localdate(), "j F Y"),
                }
            ),
            meta,
        ),
        Spacer(1, 4 * mm),
    ]
    widths = [CONTENT_WIDTH * share for share in (0.26, 0.42, 0.17, 0.15)]
    for set_list in lists:
        about = " · ".join(part for part in (set_list.facilitators, set_list.slot) if part)
        rows = [
            [
                Paragraph(escape(m.name), cell),
                Paragraph(escape(m.email), cell),
                Paragraph(escape(m.department), cell),
                Paragraph(escape(m.site), cell),
            ]
            for m in set_list.members
        ]
        table = Table(rows or [[Paragraph(escape(_("No members")), cell), "", "", ""]], colWidths=widths)
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(set_list.name), heading),
                    Paragraph(escape(about or _("No facilitator yet")), meta),
                    table,
                ]
            )
        )
    provider = Provider.current().name
    return document_pdf(
        story,
        title=_("Sets of %(title)s") % {"title": programme.title},
        author=provider,
        footer=page_footer(programme.title, page_label=f"{provider} · " + _("page") + " ", size=8),
    )
