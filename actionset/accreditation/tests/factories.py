"""Building portfolios with evidence, for accreditation's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actionset.accreditation import services
from actionset.accreditation.awards import awards_load
from actionset.accreditation.feedback import AREAS
from actionset.accreditation.models import Award, EntryKind, Portfolio
from tests.factories import UserFactory

FEEDBACK = {key: {"rating": "secure", "comment": f"Clear {label.lower()}."} for key, label, _ in AREAS}


def foundation() -> Award:
    # The awards come with a data migration, but a transactional test's flush empties every table: load them again.
    if not Award.objects.filter(slug="foundation").exists():
        awards_load()
    return Award.objects.get(slug="foundation")


def portfolio_for(user: Any = None, *, award: Award | None = None) -> Portfolio:
    user = user or UserFactory.create()
    return services.portfolio_start(actor=user, award=award or foundation())


def complete(portfolio: Portfolio, *, observer: Any = None) -> Portfolio:
    """Evidence that meets every foundation requirement: 21 hours over seven months, 1,600 words, an observation,
    two supervision sessions."""
    today = timezone.localdate()
    candidate = portfolio.candidate
    for months_ago, kind in ((7, EntryKind.FACILITATING), (4, EntryKind.CO_FACILITATING), (0, EntryKind.FACILITATING)):
        services.evidence_log(
            actor=candidate,
            portfolio=portfolio,
            kind=kind,
            happened_on=today - dt.timedelta(days=31 * months_ago),
            minutes=7 * 60,
            set_size=6,
        )
    for weeks_ago in (3, 10):
        services.evidence_log(
            actor=candidate,
            portfolio=portfolio,
            kind=EntryKind.SUPERVISION,
            happened_on=today - dt.timedelta(weeks=weeks_ago),
            minutes=60,
            supervisor="A. Supervisor",
        )
    services.reflection_add(
        actor=candidate, portfolio=portfolio, written_on=today, title="What I noticed", text="word " * 1600
    )
    observer = observer or UserFactory.create(staff_roles=["trainer"])
    services.observation_record(
        actor=observer,
        portfolio=portfolio,
        role="assessor",
        observed_on=today,
        minutes=180,
        set_size=6,
        feedback=FEEDBACK,
    )
    return portfolio
