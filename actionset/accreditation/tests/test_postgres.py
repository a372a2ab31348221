"""Two people acting at the same instant, on a real database: row locks and the unique status index decide.

SQLite serialises every write, so it cannot show a race; these run whenever DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from actionset.accreditation import services
from actionset.accreditation.models import Credential, Portfolio
from actionset.accreditation.tests.factories import complete, portfolio_for
from tests.factories import UserFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL to run the concurrency tests")


def at_once(actions: list[Callable[[], Any]]) -> list[str]:
    """Run each action on its own thread (its own connection), released together."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            action()
            results.append("done")
        except services.AccreditationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_submitting_twice_at_once_makes_one_submission(postgres: None) -> None:
    portfolio = complete(portfolio_for())
    candidate = portfolio.candidate

    def submit() -> None:
        services.portfolio_submit(actor=candidate, portfolio=Portfolio.objects.get(pk=portfolio.pk))

    assert at_once([submit, submit]) == ["done", "refused"]
    assert portfolio.submissions.count() == 1


def test_passing_several_candidates_at_once_gives_each_credential_its_own_status_index(postgres: None) -> None:
    assessor = UserFactory.create(staff_roles=["trainer"])
    portfolios = []
    for _ in range(4):
        portfolio = complete(portfolio_for(), observer=assessor)
        services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio)
        portfolios.append(portfolio)

    def decide(pk: int) -> Callable[[], Any]:
        return lambda: services.portfolio_decide(
            actor=assessor, portfolio=Portfolio.objects.get(pk=pk), outcome="pass", feedback=""
        )

    assert at_once([decide(p.pk) for p in portfolios]) == ["done"] * 4
    indexes = list(Credential.objects.values_list("status_index", flat=True))
    assert len(indexes) == len(set(indexes)) == 4
