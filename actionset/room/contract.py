"""The set's contract: its ground rules, versioned, and each member's acknowledgement of confidentiality.

A set agrees its ground rules at its first meeting, starting from a template for its method written in our
own words. Any member or facilitator may change them; every change is a new version, and an edit made from
an older version is refused with both texts shown, never silently applied over someone else's change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.programmes.models import Enrolment, Method
from actionset.room.models import ContractAcknowledgement, ContractVersion
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


def contract_save(
    *, actor: User | None, learning_set: LearningSet, based_on: int, ground_rules: str, sharing_rule: str
) -> ContractVersion:
    """Save a new version of the contract, made from version `based_on` (0 for the template).

    `actor` is None only where nobody in particular wrote it (the demo world's sets without a facilitator)."""
    with transaction.atomic():
        # The set's row is the lock: two saves from the same version cannot both succeed.
        LearningSet.objects.select_for_update().filter(pk=learning_set.pk).get()
        current = ContractVersion.objects.current_for(learning_set)
        latest = current.number if current else 0
        if current is not None and based_on != latest:
            raise ContractConflict(current, ground_rules)
        if current is not None and current.ground_rules == ground_rules and current.sharing_rule == sharing_rule:
            return current
        version = ContractVersion.objects.create(
            learning_set=learning_set,
            number=latest + 1,
            ground_rules=ground_rules,
            sharing_rule=sharing_rule,
            changed_by=actor,
        )
        # The audit log says that the contract changed, never what it says: that stays with the set.
        audit_record(
            actor=actor,
            action=AuditAction.CONTRACT_CHANGED,
            target=learning_set,
            organisation=learning_set.programme.organisation,
            detail={"version": version.number},
        )
        return version


def contract_acknowledge(*, enrolment: Enrolment, version: ContractVersion) -> ContractAcknowledgement:
    ack, _ = ContractAcknowledgement.objects.get_or_create(version=version, enrolment=enrolment)
    return ack
