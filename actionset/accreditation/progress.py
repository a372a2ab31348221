"""A candidate's progress against every requirement of an award.

`portfolio_progress(user, course)` is what the training app calls for each candidate on a trainer's cohort view;
`progress_for(portfolio)` is what the portfolio page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from actionset.accounts.models import User
from actionset.accreditation.evidence import EvidenceLine, evidence_lines
from actionset.accreditation.models import (
    PRACTICE_KINDS,
    Award,
    Counted,
    EntryKind,
    Measure,
    Portfolio,
    Requirement,
)


@dataclass(frozen=True)
class RequirementProgress:
    label: str
    measure: str
    target: int
    achieved: float
    unit: str

    @property
    def met(self) -> bool:
        return self.achieved >= self.target

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, int(100 * self.achieved / self.target))

    @property
    def achieved_display(self) -> str:
        return f"{self.achieved:g}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "measure": self.measure,
            "target": self.target,
            "achieved": self.achieved,
            "unit": self.unit,
            "met": self.met,
        }


@dataclass
class Progress:
    award: Award
    portfolio: Portfolio | None
    requirements: list[RequirementProgress] = field(default_factory=list)
    lines: list[EvidenceLine] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.requirements if r.met)

    @property
    def status_label(self) -> str:
        return self.portfolio.get_status_display() if self.portfolio else "Not started"

    @property
    def percent(self) -> int:
        """The mean of each requirement's share achieved: a rough single figure for a list of candidates."""
        if not self.requirements:
            return 0
        return round(sum(r.percent for r in self.requirements) / len(self.requirements))

    def as_dict(self) -> dict[str, Any]:
        """For the submission's record: totals, and every line of evidence as it stood (a facilitator later moved
        off a set would otherwise lose that set's meetings from the record the assessor judged)."""
        return {
            "award": self.award.slug,
            "all_met": self.all_met,
            "requirements": [r.as_dict() for r in self.requirements],
            "lines": [
                {
                    "on": line.happened_on.isoformat(),
                    "kind": line.kind,
                    "minutes": line.minutes,
                    "set_size": line.set_size,
                    "organisation": line.organisation_name,
                    "source": line.source,
                }
                for line in self.lines
            ],
        }


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(0, months)


UNITS = {
    Measure.HOURS: "hours",
    Measure.PERIOD_MONTHS: "months",
    Measure.REFLECTION_WORDS: "words",
    Measure.OBSERVATIONS: "observations",
    Measure.SUPERVISION_SESSIONS: "sessions",
}


def _achieved(
    requirement: Requirement, lines: list[EvidenceLine], portfolio: Portfolio | None, counted: Counted | None
) -> float:
    measure = requirement.measure
    if measure == Measure.HOURS:
        kinds = set(requirement.kinds or [k.value for k in PRACTICE_KINDS])
        return round(sum(line.minutes for line in lines if line.kind in kinds) / 60, 2)
    if measure == Measure.PERIOD_MONTHS:
        dates = [line.happened_on for line in lines if line.kind != EntryKind.SUPERVISION]
        return float(_months_between(min(dates), max(dates))) if dates else 0.0
    if measure == Measure.SUPERVISION_SESSIONS:
        return float(sum(1 for line in lines if line.kind == EntryKind.SUPERVISION))
    if portfolio is None or portfolio.pk is None:
        return 0.0
    if measure == Measure.REFLECTION_WORDS and counted is not None:
        return float(counted.words)
    if measure == Measure.OBSERVATIONS and counted is not None:
        return float(counted.observations)
    if measure == Measure.REFLECTION_WORDS:
        # Summed by the database: a reflection's text can run to thousands of words, and only its count is wanted.
        return float(portfolio.reflections.aggregate(total=Sum("words"))["total"] or 0)
    if measure == Measure.OBSERVATIONS:
        return float(portfolio.observations.count())
    raise ValueError(f"unknown measure {measure!r}")


def progress_of(
    award: Award,
    user: User,
    portfolio: Portfolio | None,
    *,
    meetings: list[EvidenceLine] | None = None,
    counted: Counted | None = None,
) -> Progress:
    lines = evidence_lines(user, portfolio, meetings=meetings)
    if counted is None and portfolio is not None:
        counted = portfolio.counted  # read with the portfolio, where its query asked (`with_counted`)
    requirements = [
        RequirementProgress(
            label=r.label,
            measure=r.measure,
            target=r.target,
            achieved=_achieved(r, lines, portfolio, counted),
            unit=UNITS.get(Measure(r.measure), ""),
        )
        for r in award.requirements.all()
    ]
    return Progress(award=award, portfolio=portfolio, requirements=requirements, lines=lines)


def progress_for(portfolio: Portfolio, *, counted: Counted | None = None) -> Progress:
    return progress_of(portfolio.award, portfolio.candidate, portfolio, counted=counted)


def award_for_course(course: Any) -> Award | None:
    """The award a training course leads to, if any (taster workshops and in-house courses lead to none)."""
    kind = getattr(course, "kind", "")
    if not kind:
        return None
    return Award.objects.filter(course_kind=kind).prefetch_related("requirements").first()


def portfolio_progress(user: User, course: Any) -> Progress | None:
    """A candidate's progress towards the award `course` leads to, or None when it leads to no award.

    For a trainer's cohort view: the caller has already decided that the viewer may see the cohort's candidates;
    a candidate who has not started a portfolio still shows hours from meetings they facilitated in actionset.
    """
    award = award_for_course(course)
    if award is None or user is None:
        return None
    portfolio = Portfolio.objects.filter(candidate=user, award=award).first()
    return progress_of(award, user, portfolio)


def candidate_progress(*, user: User, course: Any) -> Progress | None:
    """The same as `portfolio_progress`, keyword-only: the name the training app's adapter calls."""
    return portfolio_progress(user, course)
