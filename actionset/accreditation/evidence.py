"""A candidate's evidence, gathered: hours from meetings they facilitated in actionset, and what they logged.

Nothing of a set's content is read here: only when a meeting was held, for how long, how many members the set has and
which organisation it belongs to. Never members' names, never what was said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from actionset.accounts.models import User
from actionset.accreditation.models import EntryKind, Portfolio
from actionset.meetings.models import FacilitatorPresence, Meeting


@dataclass(frozen=True)
class EvidenceLine:
    """One line of evidence as the portfolio, the assessor and the export show it."""

    kind: str
    kind_label: str
    happened_on: dt.date
    minutes: int
    set_size: int | None
    organisation_name: str
    source: str  # "actionset" (from a held meeting) or "logged" (entered by the candidate)
    supervisor: str = ""
    entry: Any = None  # the EvidenceEntry, for lines the candidate logged

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def meeting_lines(user: User) -> list[EvidenceLine]:
    """Every held meeting `user` facilitated, as facilitating or co-facilitating time.

    Facilitated means present and assigned to the set before the meeting began (meetings.FacilitatorPresence,
    recorded as it happens): not every meeting of a set they hold now, which would credit a facilitator who joined
    late with meetings held before them, and take a former facilitator's hours away.

    The duration is the meeting's actual run (started to ended) where it was run live in actionset, else its
    scheduled length. The organisation is shown because a set's facilitator may see which organisation it serves.
    """
    # Only the columns a line is made of: selecting the meeting, its run, set, programme and organisation whole (the
    # programme's brief included) and grouping by all of them cost more than the rest of a portfolio page.
    presences = (
        FacilitatorPresence.objects.filter(
            user=user, meeting__status=Meeting.Status.HELD, meeting__starts_at__lte=timezone.now()
        )
        .values(
            "pk",
            "role",
            "meeting__starts_at",
            "meeting__ends_at",
            "meeting__run__started_at",
            "meeting__run__ended_at",
            "meeting__learning_set__programme__organisation__name",
        )
        .annotate(
            set_size=Count(
                "meeting__learning_set__memberships",
                filter=Q(meeting__learning_set__memberships__enrolment__withdrawn_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("meeting__starts_at")
    )
    lines = []
    for presence in presences:
        starts_at, ends_at = presence["meeting__starts_at"], presence["meeting__ends_at"]
        run_started, run_ended = presence["meeting__run__started_at"], presence["meeting__run__ended_at"]
        if run_started is not None and run_ended is not None:
            seconds = (run_ended - run_started).total_seconds()
        else:
            seconds = (ends_at - starts_at).total_seconds()
        minutes = max(0, round(seconds / 60))
        if not minutes:
            continue
        kind = EntryKind.FACILITATING if presence["role"] == "lead" else EntryKind.CO_FACILITATING
        lines.append(
            EvidenceLine(
                kind=kind.value,
                kind_label=kind.label,
                happened_on=timezone.localdate(starts_at),
                minutes=minutes,
                set_size=presence["set_size"],
                organisation_name=presence["meeting__learning_set__programme__organisation__name"],
                source="actionset",
            )
        )
    return lines


def logged_lines(portfolio: Portfolio | None) -> list[EvidenceLine]:
    if portfolio is None or portfolio.pk is None:
        return []
    return [
        EvidenceLine(
            kind=entry.kind,
            kind_label=entry.get_kind_display(),
            happened_on=entry.happened_on,
            minutes=entry.minutes,
            set_size=entry.set_size,
            organisation_name=entry.organisation_name,
            source="logged",
            supervisor=entry.supervisor,
            entry=entry,
        )
        for entry in portfolio.entries.all()
    ]


def evidence_lines(
    user: User, portfolio: Portfolio | None, *, meetings: list[EvidenceLine] | None = None
) -> list[EvidenceLine]:
    """All of a candidate's evidence lines, newest first. `meetings`: `meeting_lines(user)`, where the caller has
    read them already (they are the same for every award)."""
    lines = (meeting_lines(user) if meetings is None else meetings) + logged_lines(portfolio)
    return sorted(lines, key=lambda line: line.happened_on, reverse=True)
