"""Ground rules are agreed, not overwritten: a member's change is a proposal the set agrees by its own rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.programmes.models import Enrolment
from actionset.room import contract
from actionset.room.models import ContractProposal, ContractVersion
from actionset.sets.models import SharingRule
from conftest import Cast

RULES = "Confidentiality: what is said stays here.\nAttendance: we come on time."
CHANGED = "Confidentiality: what is said stays here.\nAttendance: we come on time, phones away."


def url(cast: Cast, name: str = "setwork:contract") -> str:
    assert cast.learning_set is not None
    return reverse(name, kwargs={"learning_set": cast.learning_set.public_id})


def answer_url(cast: Cast, proposal: ContractProposal) -> str:
    assert cast.learning_set is not None
    return reverse(
        "setwork:contract_proposal_answer",
        kwargs={"learning_set": cast.learning_set.public_id, "proposal": proposal.public_id},
    )


def members(cast: Cast) -> list[Enrolment]:
    assert cast.learning_set is not None
    return cast.learning_set.active_members()


def agreed_rules(cast: Cast, rule: str = SharingRule.ALL_PRESENT) -> ContractVersion:
    assert cast.learning_set is not None
    return contract.contract_save(
        actor=cast.users["facilitator"],
        learning_set=cast.learning_set,
        based_on=0,
        ground_rules=RULES,
        sharing_rule=rule,
    )


def current(cast: Cast) -> ContractVersion:
    assert cast.learning_set is not None
    version = ContractVersion.objects.current_for(cast.learning_set)
    assert version is not None
    return version


def test_a_members_change_is_a_proposal_not_a_new_version(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = programme_world
    agreed_rules(cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("a_participant").post(
            url(cast), {"version": 1, "ground_rules": CHANGED, "sharing_rule": SharingRule.ALL_PRESENT}
        )
    assert response.status_code == 302
    assert current(cast).number == 1
    assert current(cast).ground_rules == RULES
    proposal = ContractProposal.objects.get()
    assert proposal.status == ContractProposal.Status.OPEN
    # The proposer agrees to their own change; everyone else in the set is asked, and told by email.
    assert proposal.answers.get().agrees is True
    assert "proposes a change" in mail.outbox[0].subject or "proposed" in mail.outbox[0].subject
    told = {address for message in mail.outbox for address in message.to}
    assert "facilitator@provider.test" in told
    assert AuditEvent.objects.filter(action="contract.proposed").exists()
    # The audit log says a change was proposed, never what it says.
    assert "phones" not in str(AuditEvent.objects.get(action="contract.proposed").detail)


def test_the_change_is_shown_as_a_difference_marked_in_words(programme_world: Cast) -> None:
    cast = programme_world
    agreed_rules(cast)
    cast.client("a_participant").post(url(cast), {"version": 1, "ground_rules": CHANGED, "sharing_rule": "all_present"})
    page = cast.client("facilitator").get(url(cast)).content.decode()
    assert 'data-testid="proposal"' in page
    # Added words are inside <ins> with the word "added" read out and shown, not colour alone.
    assert '<ins class="diff-added"><span class="diff-label">added</span> time, phones away.</ins>' in page
    assert '<del class="diff-removed"><span class="diff-label">removed</span> time.</del>' in page
    assert "Changed:" in page


def test_the_diff_names_added_removed_and_changed_lines() -> None:
    lines = contract.contract_diff("One.\nTwo words here.\nThree.", "One.\nTwo new words here.\nFour.\nFive.")
    assert [line.kind for line in lines] == ["same", "changed", "removed", "added", "added"]
    assert lines[1].words == [("same", "Two "), ("added", "new "), ("same", "words here.")]
    assert lines[2].words == [("removed", "Three.")]


def test_the_rules_change_only_when_every_member_agrees(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = programme_world
    agreed_rules(cast)
    proposer, *others = members(cast)
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=proposer, learning_set=cast.learning_set, based_on=1, ground_rules=CHANGED, sharing_rule="all_present"
    )
    for enrolment in others[:-1]:
        proposal = contract.contract_answer(enrolment=enrolment, proposal=proposal, agrees=True)
        assert proposal.status == ContractProposal.Status.OPEN
        assert current(cast).number == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = contract.contract_answer(enrolment=others[-1], proposal=proposal, agrees=True)
    assert proposal.status == ContractProposal.Status.AGREED
    assert current(cast).number == 2
    assert current(cast).ground_rules == CHANGED
    assert proposal.version == current(cast)
    # Everyone is told the rules changed, and asked to acknowledge again.
    assert mail.outbox
    assert all("new ground rules" in m.subject for m in mail.outbox)


def test_under_a_majority_rule_more_than_half_is_enough(programme_world: Cast) -> None:
    cast = programme_world
    agreed_rules(cast, SharingRule.MAJORITY)
    everyone = members(cast)
    assert len(everyone) == 4
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=everyone[0], learning_set=cast.learning_set, based_on=1, ground_rules=CHANGED, sharing_rule="majority"
    )
    proposal = contract.contract_answer(enrolment=everyone[1], proposal=proposal, agrees=True)
    assert proposal.status == ContractProposal.Status.OPEN  # two of four is not more than half
    proposal = contract.contract_answer(enrolment=everyone[2], proposal=proposal, agrees=True)
    assert proposal.status == ContractProposal.Status.AGREED


def test_one_member_not_agreeing_declines_it_and_the_rules_stand(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = programme_world
    agreed_rules(cast, SharingRule.MAJORITY)
    first, second, *_ = members(cast)
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=first, learning_set=cast.learning_set, based_on=1, ground_rules=CHANGED, sharing_rule="majority"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = contract.contract_answer(enrolment=second, proposal=proposal, agrees=False)
    assert proposal.status == ContractProposal.Status.DECLINED
    assert current(cast).ground_rules == RULES
    assert all("not agreed" in m.subject for m in mail.outbox)
    with pytest.raises(contract.ProposalClosed):
        contract.contract_answer(enrolment=first, proposal=proposal, agrees=True)


def test_members_answer_on_the_page_and_the_facilitator_cannot_answer_for_them(programme_world: Cast) -> None:
    cast = programme_world
    agreed_rules(cast)
    mine = next(m for m in members(cast) if m.person.user == cast.users["a_participant"])
    other = next(m for m in members(cast) if m != mine)
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=other, learning_set=cast.learning_set, based_on=1, ground_rules=CHANGED, sharing_rule="all_present"
    )
    member = cast.client("a_participant")
    page = member.get(url(cast)).content.decode()
    assert "I agree to this change" in page
    assert member.post(answer_url(cast, proposal), {"answer": "agree"}).status_code == 302
    assert proposal.answers.get(enrolment=mine).agrees is True
    assert "You agree" in member.get(url(cast)).content.decode()
    assert cast.client("facilitator").post(answer_url(cast, proposal), {"answer": "agree"}).status_code == 403


def test_a_proposal_from_a_stale_version_is_refused_showing_both_texts(programme_world: Cast) -> None:
    cast = programme_world
    agreed_rules(cast)
    cast.client("facilitator").post(url(cast), {"version": 1, "ground_rules": "Newer.", "sharing_rule": "all_present"})
    response = cast.client("a_participant").post(
        url(cast), {"version": 1, "ground_rules": CHANGED, "sharing_rule": "all_present"}
    )
    assert response.status_code == 409
    assert "phones away" in response.content.decode()
    assert not ContractProposal.objects.exists()


def test_a_new_version_overtakes_open_proposals(programme_world: Cast) -> None:
    cast = programme_world
    agreed_rules(cast)
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=members(cast)[0],
        learning_set=cast.learning_set,
        based_on=1,
        ground_rules=CHANGED,
        sharing_rule="all_present",
    )
    contract.contract_save(
        actor=cast.users["facilitator"],
        learning_set=cast.learning_set,
        based_on=1,
        ground_rules="Newer.",
        sharing_rule="all_present",
    )
    proposal.refresh_from_db()
    assert proposal.status == ContractProposal.Status.SUPERSEDED
    assert 'data-testid="proposal"' not in cast.client("a_participant").get(url(cast)).content.decode()


@pytest.mark.parametrize("role", ["a_sponsor", "designer", "administrator", "b_participant"])
def test_outsiders_cannot_answer(programme_world: Cast, role: str) -> None:
    cast = programme_world
    agreed_rules(cast)
    assert cast.learning_set is not None
    proposal = contract.contract_propose(
        enrolment=members(cast)[0],
        learning_set=cast.learning_set,
        based_on=1,
        ground_rules=CHANGED,
        sharing_rule="all_present",
    )
    assert cast.client(role).post(answer_url(cast, proposal), {"answer": "object"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ContractProposal.Status.OPEN
