"""Access matrix cases for the set's content: contract, progress round, airtime, actions, consensus, review.

Set tier: the set's own member and facilitator only. Sponsors, designers, administrators and members of other
sets are not told it exists (404), exactly as for the meeting's content rule. Parts that are a member's own
(bids, reports, statements, reviews, acknowledging) refuse the facilitator (403), and the facilitator's own
pages refuse members (403).
"""

from __future__ import annotations

from typing import Any

from actionset.room.models import Action, AirtimeNotes, ConsensusStatement, ContractProposal, TrioNotes
from conftest import Cast
from tests.factories import MeetingFactory
from tests.matrix import DENY, DONE, HIDE, LOGIN, OK, Case, expect


def learning_set(cast: Cast) -> dict[str, Any]:
    assert cast.learning_set is not None
    return {"learning_set": cast.learning_set.public_id}


def meeting(cast: Cast) -> dict[str, Any]:
    assert cast.meeting is not None
    return {"meeting": cast.meeting.public_id}


def member(cast: Cast) -> Any:
    return cast.people["a_participant"].enrolments.get()


def presenter(cast: Cast) -> dict[str, Any]:
    # The notes' current version, so that each role's save is a fresh edit rather than a stale one.
    notes = AirtimeNotes.objects.filter(meeting=cast.meeting, presenter=member(cast)).first()
    return {
        "presenter": member(cast).public_id,
        "text": "What would success look like?",
        "issue": "Two teams, one budget",
        "version": notes.version if notes else 1,
    }


def report_data(cast: Cast) -> dict[str, Any]:
    """An action from an earlier meeting, for the member to report on at `cast.meeting`'s successor."""
    assert cast.meeting is not None
    action = Action.objects.create(
        learning_set=cast.meeting.learning_set, owner=member(cast), meeting=cast.meeting, text="Talk to finance"
    )
    return {"action": action.public_id, "status": "done", "learning": "They said yes."}


def later_meeting(cast: Cast) -> dict[str, Any]:
    assert cast.learning_set is not None
    later = cast.learning_set.meetings.filter(number=2).first() or MeetingFactory.create(
        learning_set=cast.learning_set, number=2
    )
    return {"meeting": later.public_id}


def statement(cast: Cast) -> dict[str, Any]:
    assert cast.learning_set is not None
    author = cast.learning_set.memberships.exclude(enrolment=member(cast)).first()
    assert author is not None
    made, _ = ConsensusStatement.objects.get_or_create(
        meeting=cast.meeting, author=author.enrolment, defaults={"text": "Nobody owns the budget"}
    )
    return {"statement": made.pk, "verdict": "close"}


def case_of_another(cast: Cast) -> dict[str, Any]:
    """A take on another member's case (the case-giver listens, so the cast's member is not its case-giver)."""
    assert cast.learning_set is not None
    giver = cast.learning_set.memberships.exclude(enrolment=member(cast)).first()
    assert giver is not None
    return {"presenter": giver.enrolment.public_id, "text": "It sounds like two problems."}


def trio_notes(cast: Cast) -> dict[str, Any]:
    """The current version of trio 1's notes, so that each role's save is a fresh edit rather than a stale one."""
    notes = TrioNotes.objects.filter(meeting=cast.meeting, trio=1).first()
    return {"trio": 1, "version": notes.version if notes else 1, "text": "Try a pilot"}


def fresh_proposal(cast: Cast) -> dict[str, Any]:
    """Another member's open proposal to change the ground rules, one for each request, so that one role's answer
    does not decide it for the next."""
    assert cast.learning_set is not None
    author = cast.learning_set.memberships.exclude(enrolment=member(cast)).first()
    assert author is not None
    proposal = ContractProposal.objects.create(
        learning_set=cast.learning_set, based_on=0, ground_rules="Phones away.", proposed_by=author.enrolment
    )
    proposal.electorate.set([m.enrolment for m in cast.learning_set.memberships.all()])
    return {"learning_set": cast.learning_set.public_id, "proposal": proposal.public_id}


def set_content(outcome: str, *, facilitator: str | None = None, member_outcome: str | None = None) -> dict[str, str]:
    return expect(
        HIDE,
        anonymous=LOGIN,
        a_participant=member_outcome or outcome,
        facilitator=facilitator or outcome,
    )


CASES: dict[str, Case] = {
    "setwork:contract": Case("get", learning_set, set_content(OK)),
    "setwork:contract_acknowledge": Case(
        "post", learning_set, set_content(DONE, facilitator=DENY), data=lambda c: {"version": 1}
    ),
    # Agreeing to a change of the ground rules is each member's own answer: the facilitator is refused.
    "setwork:contract_proposal_answer": Case(
        "post", fresh_proposal, set_content(DONE, facilitator=DENY), data=lambda c: {"answer": "agree"}
    ),
    "setwork:fairness": Case("get", learning_set, set_content(OK, member_outcome=DENY)),
    "setwork:work": Case("get", meeting, set_content(OK)),
    "setwork:progress_report": Case("post", later_meeting, set_content(DONE, facilitator=DENY), data=report_data),
    "setwork:bid": Case(
        "post", meeting, set_content(DONE, facilitator=DENY), data=lambda c: {"needs_time": "yes", "minutes": 30}
    ),
    "setwork:order": Case("post", meeting, set_content(DONE, member_outcome=DENY)),
    "setwork:airtime_notes": Case("post", meeting, set_content(DONE), data=presenter),
    "setwork:question": Case("post", meeting, set_content(DONE), data=presenter),
    "setwork:action_add": Case("post", meeting, set_content(DONE), data=presenter),
    # A take is a member's own: the facilitator names the member they record it for (not here), so is refused.
    "setwork:take": Case("post", meeting, set_content(DONE, facilitator=DENY), data=case_of_another),
    # Answers to the coach and learning reflections are each member's own; the facilitator records them only for a
    # member named in the form.
    "setwork:coach_answer": Case(
        "post", meeting, set_content(DONE, facilitator=DENY), data=lambda c: {"rating": 7, "doing_well": "Pace"}
    ),
    "setwork:reflection": Case(
        "post", meeting, set_content(DONE, facilitator=DENY), data=lambda c: {"text": "I rush to solutions."}
    ),
    # Trios are the facilitator's to arrange; a trio's notes are its members' (the cast's member is in trio 1 of the
    # set's split) and the facilitator's.
    "setwork:trios": Case("post", meeting, set_content(DONE, member_outcome=DENY)),
    "setwork:trio_notes": Case("post", meeting, set_content(DONE), data=trio_notes),
    "setwork:consensus": Case(
        "post", meeting, set_content(DONE, facilitator=DENY), data=lambda c: {"text": "Who decides?"}
    ),
    "setwork:consensus_verdict": Case("post", meeting, set_content(DONE, member_outcome=DENY), data=statement),
    "setwork:review": Case(
        "post", meeting, set_content(DONE, facilitator=DENY), data=lambda c: {"rating": 8, "helped": "Good questions"}
    ),
}
