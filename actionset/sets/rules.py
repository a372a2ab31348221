"""Who may see a set and take part in its meetings (see actionset.core.access).

`in_set` and `facilitates_set` are the set tier every app's rules build on: what is said and done in a set stays
with its members and facilitators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from actionset.core.access import DESIGNER, Actor, Predicate, Rule, among, either, parent_of, register_rules, staff
from actionset.organisations.rules import designs
from actionset.sets.models import LearningSet


def relation_to_set(actor: Actor, learning_set: LearningSet) -> str | None:
    """ "facilitator", "member" or None, for a published set. Remembered for the request: a live page asks several
    rules about one set."""

    def find() -> str | None:
        if not learning_set.programme.is_published:
            return None
        if learning_set.facilitators.filter(user=actor.user).exists():
            return "facilitator"
        if learning_set.memberships.filter(
            enrolment__person__user=actor.user, enrolment__withdrawn_at__isnull=True
        ).exists():
            return "member"
        return None

    return actor.remember(("set", learning_set.pk), find)


def _sets_of(actor: Actor, *, facilitating_only: bool) -> QuerySet[LearningSet, Any]:
    """The published sets the actor facilitates (and, unless `facilitating_only`, belongs to as an active member)."""
    theirs = Q(facilitators__user=actor.user)
    if not facilitating_only:
        theirs |= Q(memberships__enrolment__person__user=actor.user, memberships__enrolment__withdrawn_at__isnull=True)
    return LearningSet.objects.published().filter(theirs).values("pk")


def _in_set_test(actor: Actor, target: Any) -> bool:
    if not actor.is_authenticated:
        return False
    return relation_to_set(actor, parent_of(target, LearningSet)) in ("member", "facilitator")


def _facilitates_test(actor: Actor, target: Any) -> bool:
    if not actor.is_authenticated:
        return False
    return relation_to_set(actor, parent_of(target, LearningSet)) == "facilitator"


#: A member or facilitator of the target's set, once the programme's sets are published.
in_set = Predicate(
    "in_set",
    _in_set_test,
    lambda actor, model: (
        among(model, LearningSet, _sets_of(actor, facilitating_only=False)) if actor.is_authenticated else False
    ),
)

#: A facilitator (or co-facilitator) of the target's set.
facilitates_set = Predicate(
    "facilitates_set",
    _facilitates_test,
    lambda actor, model: (
        among(model, LearningSet, _sets_of(actor, facilitating_only=True)) if actor.is_authenticated else False
    ),
)

register_rules(
    {
        # A set's pages are known only to its insiders: its members and facilitators once published, and the
        # designers who compose sets. Sponsors, the organisation's admins, other staff and other sets get 404, not
        # 403 — they see a set's name, facilitators and meeting dates on the programme's pages, never a page of the
        # set's own.
        "set.view": Rule(
            "See a set's members, facilitators and meetings",
            either(in_set, staff(DESIGNER)),
            either(in_set, staff(DESIGNER)),
        ),
        "set.design": Rule(
            "Lock a set, name its facilitators, move or cancel its meetings",
            either(in_set, designs),
            designs,
        ),
        # Where the set meets online. Its members see the link (set.view) but do not change it: a link swapped by
        # anyone in the set could send everyone to a room nobody is holding. The set's facilitators and the
        # provider's designers keep it. Exactly the readers of the set's page may know it: anyone else is told
        # nothing (administrators included), since whoever holds the link can join the call.
        "set.meeting_link": Rule(
            "Change a set's meeting link",
            either(in_set, staff(DESIGNER)),
            either(facilitates_set, staff(DESIGNER)),
        ),
        # The set tier: what is said and done in a set stays with its members and facilitators. Nobody else is even
        # told the meeting exists — not sponsors, not designers, not provider administrators.
        "meeting.content": Rule(
            "Take part in a set's meeting: the run sheet, contract, actions, airtime, process review",
            in_set,
            in_set,
        ),
        "meeting.facilitate": Rule(
            "Run a set's meeting: start, move between phases, time, end; record attendance",
            in_set,
            facilitates_set,
        ),
    }
)
