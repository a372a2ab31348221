"""Submitting, deciding and resubmitting: the state transitions, their rules and their audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from actionset.accreditation import services
from actionset.accreditation.models import Credential, EntryKind, Portfolio
from actionset.accreditation.services import AccreditationError
from actionset.accreditation.tests.factories import complete, portfolio_for
from actionset.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actions_for(portfolio: Portfolio) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(portfolio.public_id))
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def test_a_portfolio_goes_draft_submitted_referred_resubmitted_passed_with_every_step_audited(
    django_capture_on_commit_callbacks: object,
) -> None:
    assessor = UserFactory.create(staff_roles=["trainer"])
    portfolio = portfolio_for()
    candidate = portfolio.candidate
    assert portfolio.status == Portfolio.Status.DRAFT

    with pytest.raises(AccreditationError, match="not met"):
        services.portfolio_submit(actor=candidate, portfolio=portfolio)
    first = services.portfolio_submit(actor=candidate, portfolio=portfolio, accept_unmet=True, note="Early, I know.")
    assert (first.number, first.requirements_met) == (1, False)
    assert portfolio.status == Portfolio.Status.SUBMITTED
    with pytest.raises(AccreditationError):
        services.evidence_log(
            actor=candidate,
            portfolio=portfolio,
            kind=EntryKind.FACILITATING,
            happened_on=timezone.localdate(),
            minutes=60,
        )

    with pytest.raises(AccreditationError, match="resubmit"):
        services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="refer", feedback="  ")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="refer", feedback="More hours, please.")
    assert portfolio.status == Portfolio.Status.REFERRED
    assert "More hours, please." in mail.outbox[-1].body
    assert mail.outbox[-1].to == [candidate.email]

    complete(portfolio, observer=assessor)
    second = services.portfolio_submit(actor=candidate, portfolio=portfolio)
    assert (second.number, second.requirements_met) == (2, True)
    assert second.snapshot["all_met"] is True
    assert len(second.snapshot["lines"]) == 5
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="pass", feedback="Well evidenced.")
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.PASSED
    credential = Credential.objects.get(portfolio=portfolio)
    assert credential.recipient_name == candidate.name
    assert "verify" not in mail.outbox[-1].subject.lower()
    assert f"/credentials/{credential.public_id}/" in mail.outbox[-1].body

    assert actions_for(portfolio) == [
        "accreditation.portfolio_start",
        "accreditation.portfolio_submit",
        "accreditation.portfolio_refer",
        "accreditation.evidence_log",
        "accreditation.evidence_log",
        "accreditation.evidence_log",
        "accreditation.evidence_log",
        "accreditation.evidence_log",
        "accreditation.reflection_add",
        "accreditation.observation_record",
        "accreditation.portfolio_resubmit",
        "accreditation.portfolio_pass",
    ]
    issued = AuditEvent.objects.get(action="accreditation.credential_issue")
    assert issued.target_id == str(credential.public_id)
    # The audit log says a reflection was written and how long it was, never what it says.
    reflection_event = AuditEvent.objects.get(action="accreditation.reflection_add")
    assert reflection_event.detail == {"words": 1600}


def test_a_passed_portfolio_cannot_be_decided_again_or_changed() -> None:
    assessor = UserFactory.create(staff_roles=["trainer"])
    portfolio = complete(portfolio_for(), observer=assessor)
    services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio)
    services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="pass", feedback="")
    with pytest.raises(AccreditationError):
        services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="refer", feedback="Oops")
    with pytest.raises(AccreditationError):
        services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio)
    with pytest.raises(AccreditationError):
        services.reflection_add(
            actor=portfolio.candidate, portfolio=portfolio, written_on=timezone.localdate(), title="x", text="y"
        )
    assert Credential.objects.filter(portfolio=portfolio).count() == 1


def test_an_assessor_cannot_decide_on_their_own_portfolio() -> None:
    trainer = UserFactory.create(staff_roles=["trainer"])
    portfolio = portfolio_for(trainer)
    services.portfolio_submit(actor=trainer, portfolio=portfolio, accept_unmet=True)
    with pytest.raises(AccreditationError, match="own portfolio"):
        services.portfolio_decide(actor=trainer, portfolio=portfolio, outcome="pass", feedback="")


def test_credentials_take_distinct_places_in_the_status_list() -> None:
    assessor = UserFactory.create(staff_roles=["trainer"])
    indexes = []
    for _ in range(3):
        portfolio = complete(portfolio_for(), observer=assessor)
        services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio)
        services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="pass", feedback="")
        indexes.append(portfolio.credential.status_index)
    assert len(set(indexes)) == 3


def test_word_counts_count_words() -> None:
    assert services.word_count("I noticed I rushed in with advice — again. Don't.") == 9
    assert services.word_count("") == 0


def test_a_buddy_is_told_by_email_and_cannot_be_the_candidate(django_capture_on_commit_callbacks: object) -> None:
    portfolio = portfolio_for()
    buddy = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.buddy_add(actor=portfolio.candidate, portfolio=portfolio, user=buddy)
    assert mail.outbox[-1].to == [buddy.email]
    assert f"/portfolio/{portfolio.public_id}/observations/new/" in mail.outbox[-1].body
    with pytest.raises(AccreditationError):
        services.buddy_add(actor=portfolio.candidate, portfolio=portfolio, user=portfolio.candidate)


def test_supervision_keeps_its_supervisor_and_other_kinds_do_not(db: object) -> None:
    portfolio = portfolio_for()
    day = timezone.localdate() - dt.timedelta(days=1)
    supervision = services.evidence_log(
        actor=portfolio.candidate, portfolio=portfolio, kind="supervision", happened_on=day, minutes=60, supervisor="Jo"
    )
    practice = services.evidence_log(
        actor=portfolio.candidate, portfolio=portfolio, kind="observing", happened_on=day, minutes=60, supervisor="Jo"
    )
    assert (supervision.supervisor, practice.supervisor) == ("Jo", "")
