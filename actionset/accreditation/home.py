"""Home-page panels: a candidate's progress towards their awards; what awaits an assessor."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from actionset.accreditation.evidence import meeting_lines
from actionset.accreditation.models import Portfolio
from actionset.accreditation.progress import progress_of
from actionset.core.access import Actor, can, visible
from actionset.core.extensions import HomePanel


def home_panels(actor: Actor) -> list[HomePanel]:
    if not actor.is_authenticated:
        return []
    panels = []
    portfolios = list(
        visible(actor, "portfolio.view", Portfolio.objects.filter(candidate=actor.user))
        .select_related("award", "credential")
        .prefetch_related("award__requirements")
        .with_counted()
    )
    for portfolio in portfolios:
        portfolio.candidate = actor.user  # the filter above: read again, it would cost a query per portfolio
    if portfolios:
        # Progress is shown for the portfolios still open: their logged entries in one read, and the meetings they
        # facilitated (which count towards every award) once, not once a portfolio.
        editable = [p for p in portfolios if p.is_editable]
        prefetch_related_objects(editable, "entries")
        meetings = meeting_lines(actor.user) if editable else []
        rows = [
            (p, progress_of(p.award, actor.user, p, meetings=meetings) if p.is_editable else None) for p in portfolios
        ]
        panels.append(HomePanel("accreditation/home_candidate.html", {"portfolio_rows": rows}))
    if can(actor, "assessments.list"):
        submitted = Portfolio.objects.filter(status=Portfolio.Status.SUBMITTED)
        waiting = visible(actor, "portfolio.assess", submitted).count()
        panels.append(HomePanel("accreditation/home_assessor.html", {"awaiting_assessment": waiting}))
    return panels
