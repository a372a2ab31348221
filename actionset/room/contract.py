"""The set's contract: its ground rules, versioned, and each member's acknowledgement of confidentiality.

A set agrees its ground rules at its first meeting, starting from a template for its method written in our
own words. Every change is a new version, and an edit made from an older version is refused with both texts
shown, never silently applied over someone else's change.

The rules are the set's agreement, so one member cannot rewrite them for everyone: a member's change is a
proposal (`ContractProposal`), shown to the set as a difference, which becomes the rules only when the set
agrees it (`proposal_agreed`). The facilitator's change applies at once: the facilitator holds the contracting
(DOMAIN.md: "holds the process in the meeting — contracting"), writing down what the set agrees in the room, and
every member is then told and asked to acknowledge the new version, and may propose a change back.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.meetings import live
from actionset.meetings.services import set_recipients
from actionset.programmes.models import Enrolment, Method
from actionset.room.models import ContractAcknowledgement, ContractProposal, ContractProposalAnswer, ContractVersion
from actionset.sets.models import LearningSet, SharingRule

UK_TEMPLATE = """\
Confidentiality: what is said in the set stays in the set. The one limit: if someone may come to harm, \
we will say so and agree together who needs to know.
Attendance: we come to every meeting, on time, and let the set know ahead if we cannot.
Listening: we give the presenter our full attention — phones away, one conversation at a time.
Questions, not advice: we help by asking open questions. If the presenter asks for ideas or experience, \
we offer them as offers, not instructions.
Ownership: the presenter owns their problem and their actions, and decides what to do.
Sharing outside: nothing leaves the set unless the set agrees it may, in the way our sharing rule says, \
and then without naming anyone."""

WIAL_TEMPLATE = """\
Ground rule 1: statements are made only in response to questions. Anyone may ask anyone a question.
Ground rule 2: the coach may step in whenever there is an opportunity to learn, and the set pauses to \
answer the coach's questions.
Confidentiality: what is said in the set stays in the set, unless someone may come to harm.
Sharing outside: nothing leaves the set unless the set agrees it may, in the way our sharing rule says."""

INCIDENT_TEMPLATE = """\
Confidentiality: the case and what is said about it stay in the group, unless someone may come to harm.
The case-giver owns the case: we ask to understand before we offer our takes, and the case-giver decides \
what to do with them.
Each of us gives our own take in turn; we listen without interrupting.
Sharing outside: nothing leaves the group unless it agrees it may, in the way our sharing rule says."""

TROIKA_TEMPLATE = """\
Confidentiality: what is said in the trio stays in the trio, unless someone may come to harm.
While the others consult, the client turns away and listens without replying.
We keep to time, so each of us has a full turn.
Sharing outside: nothing leaves the trio unless all three agree."""

TEMPLATES: dict[str, str] = {
    Method.UK: UK_TEMPLATE,
    Method.WIAL: WIAL_TEMPLATE,
    Method.INCIDENT: INCIDENT_TEMPLATE,
    Method.TROIKA: TROIKA_TEMPLATE,
}


def template_for(method: str) -> str:
    return TEMPLATES.get(method, UK_TEMPLATE)


class ContractConflict(Exception):
    """Someone saved the contract since the editor opened it; the caller shows both texts."""

    def __init__(self, current: ContractVersion, proposed: str) -> None:
        super().__init__("The contract has changed since you opened it.")
        self.current = current
        self.proposed = proposed


@dataclass
class ContractState:
    """What the contract page shows: the current version (None until the set first agrees it)."""

    current: ContractVersion | None
    ground_rules: str
    sharing_rule: str
    history: list[ContractVersion]
    acknowledged: dict[int, ContractAcknowledgement]

    @property
    def version_number(self) -> int:
        return self.current.number if self.current else 0


def contract_state(learning_set: LearningSet) -> ContractState:
    history = list(learning_set.contract_versions.select_related("changed_by").order_by("-number"))
    current = history[0] if history else None
    acknowledged: dict[int, ContractAcknowledgement] = {}
    for ack in (
        ContractAcknowledgement.objects.filter(version__learning_set=learning_set)
        .select_related("version")
        .order_by("version__number")
    ):
        # The latest version each member acknowledged is what counts.
        acknowledged[ack.enrolment_id] = ack
    return ContractState(
        current=current,
        ground_rules=current.ground_rules if current else template_for(learning_set.programme.method),
        sharing_rule=current.sharing_rule if current else SharingRule.ALL_PRESENT,
        history=history,
        acknowledged=acknowledged,
    )


def _lock_current(learning_set: LearningSet, based_on: int, ground_rules: str) -> ContractVersion | None:
    """The set's current contract, with the set's row locked for the caller's transaction: two changes made from the
    same version cannot both succeed. A change made from an older version is refused, with both texts."""
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).get()
    current = ContractVersion.objects.current_for(learning_set)
    if current is not None and based_on != current.number:
        raise ContractConflict(current, ground_rules)
    return current


def contract_save(
    *,
    actor: User | None,
    learning_set: LearningSet,
    based_on: int,
    ground_rules: str,
    sharing_rule: str,
    tell: bool = True,
) -> ContractVersion:
    """Save a new version of the contract, made from version `based_on` (0 for the template).

    `actor` is None only where nobody in particular wrote it (the demo world's sets without a facilitator). The set is
    emailed that its rules changed unless `tell` is false (the demo world's seeding)."""
    with transaction.atomic():
        current = _lock_current(learning_set, based_on, ground_rules)
        if current is not None and current.ground_rules == ground_rules and current.sharing_rule == sharing_rule:
            return current
        version = ContractVersion.objects.create(
            learning_set=learning_set,
            number=(current.number if current else 0) + 1,
            ground_rules=ground_rules,
            sharing_rule=sharing_rule,
            changed_by=actor,
        )
        live.room_changed(learning_set.pk)
        _version_audit(actor, learning_set, version)
        # Proposals made from an older version would now undo this change: the set is asked again from here.
        ContractProposal.objects.filter(learning_set=learning_set, status=ContractProposal.Status.OPEN).update(
            status=ContractProposal.Status.SUPERSEDED, decided_at=timezone.now()
        )
        if tell:  # the demo world's history is written, not announced
            _tell_set(learning_set, template="contract_changed", context={"version": version})
        return version


def _version_audit(actor: User | None, learning_set: LearningSet, version: ContractVersion) -> None:
    # The audit log says that the contract changed, never what it says: that stays with the set.
    audit_record(
        actor=actor,
        action=AuditAction.CONTRACT_CHANGED,
        target=learning_set,
        organisation=learning_set.programme.organisation,
        detail={"version": version.number},
    )


def _tell_set(learning_set: LearningSet, *, template: str, context: dict[str, Any]) -> None:
    """Email the set's members and facilitators once the change is committed (the mail itself is queued)."""
    link = settings.SITE_URL.rstrip("/") + reverse("setwork:contract", kwargs={"learning_set": learning_set.public_id})

    def send() -> None:
        for recipient in set_recipients(learning_set):
            email_send(
                to=[recipient.email],
                template=template,
                context={"recipient": recipient, "learning_set": learning_set, "link": link, **context},
            )

    transaction.on_commit(send, robust=True)


def contract_acknowledge(*, enrolment: Enrolment, version: ContractVersion) -> ContractAcknowledgement:
    ack, _ = ContractAcknowledgement.objects.get_or_create(version=version, enrolment=enrolment)
    live.room_changed(version.learning_set_id)
    return ack


# --- a member's change: proposed to the set, agreed by the set ------------------------------------------------------


class ProposalClosed(Exception):
    """The proposal has been decided (or overtaken) already."""


def proposal_agreed(rule: str, *, members: set[int], electorate: set[int], agreed: set[int]) -> bool:
    """Whether the members' agreements make a proposal the set's rules, under the decision rule in its contract.

    A change to the ground rules binds everyone in the set, so it needs the set, not a few of its members:
    - "a majority of members approve": more than half of the set's active members agree;
    - every other rule: every member asked (those in the set when it was proposed) who is still a member agrees.
      "The facilitator and the presenter" and "nothing leaves the set" say how things leave the room; a change to
      the rules has no presenter, and the facilitator's own changes apply directly, so neither fits here.
    Any member's "no" declines a proposal before this is asked (see `contract_answer`)."""
    agreeing = agreed & members
    if rule == SharingRule.MAJORITY:
        return bool(members) and 2 * len(agreeing) > len(members)
    needed = electorate & members
    return bool(needed) and needed <= agreeing


def _decision_rule(learning_set: LearningSet) -> str:
    """The rule the set decides by: its current contract's, or, before it has one, everyone's agreement."""
    current = ContractVersion.objects.current_for(learning_set)
    return current.sharing_rule if current else SharingRule.ALL_PRESENT


def contract_propose(
    *, enrolment: Enrolment, learning_set: LearningSet, based_on: int, ground_rules: str, sharing_rule: str
) -> ContractProposal:
    """A member proposes a change. Made from a stale version, it is refused as an edit would be (both texts shown).
    The proposer agrees to their own proposal; the rest of the set is told."""
    with transaction.atomic():
        current = _lock_current(learning_set, based_on, ground_rules)
        latest = current.number if current else 0
        proposal = ContractProposal.objects.create(
            learning_set=learning_set,
            based_on=latest,
            ground_rules=ground_rules,
            sharing_rule=sharing_rule,
            proposed_by=enrolment,
        )
        proposal.electorate.set(learning_set.active_members())
        audit_record(
            actor=enrolment.person.user,
            action=AuditAction.CONTRACT_PROPOSED,
            target=learning_set,
            organisation=learning_set.programme.organisation,
            detail={"based_on": latest},
        )
        _tell_set(learning_set, template="contract_proposed", context={"proposal": proposal, "proposer": enrolment})
        return _answer(proposal, enrolment=enrolment, agrees=True)


def contract_answer(*, enrolment: Enrolment, proposal: ContractProposal, agrees: bool) -> ContractProposal:
    """A member agrees to a proposal or not. A "no" declines it (a rule imposed over a member's objection is not
    the set's contract); enough agreement under the set's rule makes it the new version. Answers are serialised
    on the set's row, so a proposal is applied once however many agree at the same moment."""
    with transaction.atomic():
        LearningSet.objects.select_for_update().filter(pk=proposal.learning_set_id).get()
        proposal = ContractProposal.objects.select_related("learning_set__programme__organisation").get(pk=proposal.pk)
        if proposal.status != ContractProposal.Status.OPEN:
            raise ProposalClosed
        return _answer(proposal, enrolment=enrolment, agrees=agrees)


def _answer(proposal: ContractProposal, *, enrolment: Enrolment, agrees: bool) -> ContractProposal:
    """Record an answer and decide the proposal if it now can be. Runs under the set's row lock."""
    ContractProposalAnswer.objects.update_or_create(
        proposal=proposal, enrolment=enrolment, defaults={"agrees": agrees, "answered_at": timezone.now()}
    )
    learning_set = proposal.learning_set
    if not agrees:
        proposal.status = ContractProposal.Status.DECLINED
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=enrolment.person.user,
            action=AuditAction.CONTRACT_PROPOSAL_DECLINED,
            target=learning_set,
            organisation=learning_set.programme.organisation,
            detail={"based_on": proposal.based_on},
        )
        _tell_set(learning_set, template="contract_declined", context={"proposal": proposal})
        return proposal
    agreed = set(proposal.answers.filter(agrees=True).values_list("enrolment_id", flat=True))
    if not proposal_agreed(
        _decision_rule(learning_set),
        members={m.pk for m in learning_set.active_members()},
        electorate=set(proposal.electorate.values_list("pk", flat=True)),
        agreed=agreed,
    ):
        return proposal
    current = ContractVersion.objects.current_for(learning_set)
    version = ContractVersion.objects.create(
        learning_set=learning_set,
        number=(current.number if current else 0) + 1,
        ground_rules=proposal.ground_rules,
        sharing_rule=proposal.sharing_rule,
        changed_by=proposal.proposed_by.person.user,
    )
    live.room_changed(learning_set.pk)
    _version_audit(proposal.proposed_by.person.user, learning_set, version)
    proposal.status = ContractProposal.Status.AGREED
    proposal.decided_at = timezone.now()
    proposal.version = version
    proposal.save(update_fields=["status", "decided_at", "version", "updated_at"])
    ContractProposal.objects.filter(learning_set=learning_set, status=ContractProposal.Status.OPEN).exclude(
        pk=proposal.pk
    ).update(status=ContractProposal.Status.SUPERSEDED, decided_at=timezone.now())
    _tell_set(learning_set, template="contract_changed", context={"version": version})
    return proposal


# --- showing a change as a difference ------------------------------------------------------------------------------


@dataclass
class DiffLine:
    """One line of a difference: "same", "added", "removed" or "changed" (with its words marked)."""

    kind: str
    words: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): "same", "added", "removed"


_WORDS = re.compile(r"\S+\s*|\s+")


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    marked: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            marked.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            marked.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            marked.append(("added", "".join(after[j1:j2])))
    return marked


def contract_diff(old: str, new: str) -> list[DiffLine]:
    """The change from `old` to `new`, line by line (a ground rule is a line). A rule reworded is one changed line
    with its words marked; a rule replaced by a different one reads as taken out and added."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", [("same", line)]) for line in old_lines[i1:i2]]
            continue
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        while before or after:
            if before and after and difflib.SequenceMatcher(a=before[0], b=after[0]).ratio() >= 0.5:
                lines.append(DiffLine("changed", _word_diff(before.pop(0), after.pop(0))))
            elif before:
                lines.append(DiffLine("removed", [("removed", before.pop(0))]))
            else:
                lines.append(DiffLine("added", [("added", after.pop(0))]))
    return lines


@dataclass
class ProposalView:
    """An open proposal as the contract page shows it."""

    proposal: ContractProposal
    diff: list[DiffLine]
    sharing_changed: bool
    agreed: list[Enrolment]
    waiting: list[Enrolment]
    viewer_answer: bool | None


def open_proposals(learning_set: LearningSet, *, viewer: Enrolment | None) -> list[ProposalView]:
    current = ContractVersion.objects.current_for(learning_set)
    base_text = current.ground_rules if current else template_for(learning_set.programme.method)
    base_rule = current.sharing_rule if current else SharingRule.ALL_PRESENT
    members = {m.pk: m for m in learning_set.active_members()}
    views: list[ProposalView] = []
    proposals: Sequence[ContractProposal] = list(
        ContractProposal.objects.filter(learning_set=learning_set, status=ContractProposal.Status.OPEN)
        .select_related("proposed_by__person")
        .prefetch_related("answers", "electorate")
        .order_by("created_at")
    )
    for proposal in proposals:
        answers = {a.enrolment_id: a.agrees for a in proposal.answers.all()}
        asked = [members[e.pk] for e in proposal.electorate.all() if e.pk in members]
        views.append(
            ProposalView(
                proposal=proposal,
                diff=contract_diff(base_text, proposal.ground_rules),
                sharing_changed=proposal.sharing_rule != base_rule,
                agreed=[m for m in asked if answers.get(m.pk) is True],
                waiting=[m for m in asked if m.pk not in answers],
                viewer_answer=answers.get(viewer.pk) if viewer else None,
            )
        )
    return views
