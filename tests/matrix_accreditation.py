"""Access matrix cases for accreditation: portfolios, assessment, and credentials (public to verify).

Organisation A's participant is the candidate whose portfolio these cases use; the cast's trainer is the assessor.
Nobody else is told the portfolio exists — not provider administrators, not other candidates.
"""

from __future__ import annotations

from typing import Any

from actionset.accreditation import services
from actionset.accreditation.models import Credential, EntryKind, Portfolio, Submission
from actionset.accreditation.tests.factories import complete, foundation, portfolio_for
from conftest import STAFF_ROLES, Cast
from tests.factories import UserFactory
from tests.matrix import DENY, DONE, HIDE, LOGIN, OK, Case, expect, staff_only


def _portfolio(cast: Cast) -> Portfolio:
    """The candidate's portfolio, in progress (whatever an earlier case's decision left it as)."""
    p = portfolio_for(cast.users["a_participant"])
    Portfolio.objects.filter(pk=p.pk).update(status=Portfolio.Status.DRAFT)
    p.refresh_from_db()
    return p


def portfolio(cast: Cast) -> dict[str, Any]:
    return {"portfolio": _portfolio(cast).public_id}


def fresh_entry(cast: Cast) -> dict[str, Any]:
    p = _portfolio(cast)
    entry = services.evidence_log(
        actor=p.candidate, portfolio=p, kind=EntryKind.OBSERVING, happened_on=p.created_at.date(), minutes=60
    )
    return {"portfolio": p.public_id, "entry": entry.public_id}


def reflection(cast: Cast) -> dict[str, Any]:
    p = _portfolio(cast)
    written = p.reflections.first() or services.reflection_add(
        actor=p.candidate, portfolio=p, written_on=p.created_at.date(), title="On silence", text="I waited."
    )
    return {"portfolio": p.public_id, "reflection": written.public_id}


def submitted(cast: Cast) -> dict[str, Any]:
    """The candidate's portfolio, submitted afresh before each request: one role's decision must not decide the next."""
    p = _portfolio(cast)
    services.portfolio_submit(actor=p.candidate, portfolio=p, accept_unmet=True)
    return {"portfolio": p.public_id}


def _credential() -> Credential:
    """A passed candidate outside the cast, with their credential."""
    candidate = UserFactory.create()
    assessor = UserFactory.create(staff_roles=["trainer"])
    p = complete(portfolio_for(candidate, award=foundation()), observer=assessor)
    services.portfolio_submit(actor=candidate, portfolio=p)
    services.portfolio_decide(actor=assessor, portfolio=p, outcome=Submission.Outcome.PASS, feedback="")
    return Credential.objects.get(portfolio=p)


def credential_public(cast: Cast) -> dict[str, Any]:
    # A string, as in a URL someone was given: the verification page is public, so it is no object of organisation A.
    existing = Credential.objects.first() or _credential()
    return {"credential": str(existing.public_id)}


def fresh_credential(cast: Cast) -> dict[str, Any]:
    return {"credential": _credential().public_id}


def candidate_and_trainer(candidate: str, trainer: str) -> dict[str, str]:
    """The candidate's own portfolio: the candidate and the provider's trainers know it; nobody else is told."""
    return {**expect(HIDE, anonymous=LOGIN), "a_participant": candidate, "trainer": trainer}


CASES: dict[str, Case] = {
    "accreditation:mine": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
    "accreditation:start": Case("post", lambda c: {"award": foundation().slug}, expect(DONE, anonymous=LOGIN)),
    "accreditation:portfolio": Case("get", portfolio, candidate_and_trainer(OK, OK)),
    "accreditation:hours_new": Case("get", portfolio, candidate_and_trainer(OK, DENY)),
    "accreditation:entry_delete": Case("post", fresh_entry, candidate_and_trainer(DONE, DENY)),
    "accreditation:reflection_new": Case("get", portfolio, candidate_and_trainer(OK, DENY)),
    "accreditation:reflection_edit": Case("get", reflection, candidate_and_trainer(OK, DENY)),
    "accreditation:buddy_new": Case(
        "post",
        portfolio,
        candidate_and_trainer(DONE, DENY),
        data=lambda c: {"email": c.users["facilitator"].email},
    ),
    "accreditation:observation_new": Case("get", portfolio, candidate_and_trainer(DENY, OK)),
    "accreditation:submit": Case("get", portfolio, candidate_and_trainer(OK, DENY)),
    "accreditation:decide": Case(
        "post",
        submitted,
        candidate_and_trainer(DENY, DONE),
        data=lambda c: {"outcome": "refer", "feedback": "Two more observed meetings, please."},
    ),
    "accreditation:export_csv": Case("get", portfolio, candidate_and_trainer(OK, OK)),
    "accreditation:export_pdf": Case("get", portfolio, candidate_and_trainer(OK, OK)),
    "accreditation:assessments": Case("get", lambda c: {}, staff_only(OK, "trainer")),
    "accreditation:issuer": Case("get", lambda c: {}, expect(OK)),
    "accreditation:status_list": Case("get", lambda c: {}, expect(OK)),
    "accreditation:jwks": Case("get", lambda c: {}, expect(OK)),
    "accreditation:verify": Case("get", credential_public, expect(OK)),
    "accreditation:credential_jwt": Case("get", credential_public, expect(OK)),
    "accreditation:credential_json": Case("get", credential_public, expect(OK)),
    "accreditation:certificate": Case("get", credential_public, expect(OK)),
    # Revoking is for the provider's trainers and administrators; other staff know credentials exist.
    "accreditation:revoke": Case(
        "post",
        fresh_credential,
        {
            **expect(HIDE, anonymous=LOGIN),
            **{role: DENY for role in STAFF_ROLES},
            "administrator": DONE,
            "trainer": DONE,
        },
        data=lambda c: {"reason": "Issued in error."},
    ),
}
