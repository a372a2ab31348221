"""Who may see a set and take part in its meetings (see actionset.core.access).

`in_set` and `facilitates_set` are the set tier every app's rules build on: what is said and done in a set stays
with its members and facilitators.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from actionset.core.access import (
    DESIGNER,
    Actor,
    Predicate,
    Rule,
    Where,
    among,
    either,
    parent_of,
    register_rules,
    staff,
)
from actionset.core.request_memo import for_login, forget_on_change, in_request
from actionset.organisations.models import Person
from actionset.organisations.rules import designs
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership


def relation_to_set(actor: Actor, learning_set: LearningSet) -> str | None:
    """ "facilitator", "member" or None, for a published set. From the actor's sets, read once a request: a live page
    asks several rules about one set, and its lists ask for every set of theirs."""
    facilitates = _relations(actor).get(learning_set.pk)
    if facilitates is None:
        return None
    return "facilitator" if facilitates else "member"


def _relations(actor: Actor) -> dict[int, bool]:
    """Every published set the actor is in: set id → whether they facilitate it (else an active member). One query,
    kept for the request (outside one, for the `Actor`: rules asked about one object in a service).

    Every list of set-tier things (meetings, actions, shared items, journals) is filtered by these sets, often several
    times a page. As a subquery in each, joining sets to their facilitators and to their members' enrolments and
    people, PostgreSQL spent longer planning each list than running it, and building the subquery cost the
    application more than the rest of the list; as the few ids themselves, each list is a plain `IN`."""

    def find() -> dict[int, bool]:
        found: dict[int, bool] = {}
        with connection.cursor() as cursor:
            cursor.execute(_RELATIONS_SQL, [actor.user.pk, actor.user.pk])
            for set_id, facilitates in cursor.fetchall():
                found[set_id] = found.get(set_id, False) or bool(facilitates)
        return found

    if not in_request():
        return actor.remember("sets", find)
    return for_login(RELATIONS_KEPT, actor.user.pk, find)


#: The actors' sets are read once a request under this name (core/request_memo.py), for every `Actor` made for the
#: same login (services and selectors make their own), and again once who is in which set may have changed.
RELATIONS_KEPT = "sets:relations"
forget_on_change(RELATIONS_KEPT, FacilitatorAssignment, Membership, Enrolment, Person, Programme)


def _relations_sql() -> str:
    """The published sets a login facilitates (1) or is an active member of (0): written out once, since every page
    of the set tier asks it and building it with the ORM cost the application more than the database's answer.
    The names come from the models, so a renamed table or column cannot leave it behind."""
    assignment, membership = FacilitatorAssignment._meta, Membership._meta
    learning_set, programme = LearningSet._meta, Programme._meta
    enrolment, person = Enrolment._meta, Person._meta

    def column(meta: Any, name: str) -> str:
        return str(meta.get_field(name).column)

    published = (
        f"JOIN {learning_set.db_table} s ON s.{learning_set.pk.column} = {{}}.{column(assignment, 'learning_set')} "
        f"JOIN {programme.db_table} p ON p.{programme.pk.column} = s.{column(learning_set, 'programme')} "
        f"AND p.{column(programme, 'published_at')} IS NOT NULL"
    )
    return (
        f"SELECT a.{column(assignment, 'learning_set')}, 1 FROM {assignment.db_table} a {published.format('a')} "
        f"WHERE a.{column(assignment, 'user')} = %s "
        "UNION ALL "
        f"SELECT m.{column(membership, 'learning_set')}, 0 FROM {membership.db_table} m {published.format('m')} "
        f"JOIN {enrolment.db_table} e ON e.{enrolment.pk.column} = m.{column(membership, 'enrolment')} "
        f"AND e.{column(enrolment, 'withdrawn_at')} IS NULL "
        f"JOIN {person.db_table} pe ON pe.{person.pk.column} = e.{column(enrolment, 'person')} "
        f"WHERE pe.{column(person, 'user')} = %s"
    )


_RELATIONS_SQL = _relations_sql()


def _sets_of(actor: Actor, *, facilitating_only: bool) -> list[int]:
    """The published sets the actor facilitates (and, unless `facilitating_only`, belongs to as an active member)."""
    return sorted(pk for pk, facilitates in _relations(actor).items() if facilitates or not facilitating_only)


def sets_in(actor: Actor, *, facilitating_only: bool = False) -> list[int]:
    """The published sets the actor belongs to (or facilitates, with `facilitating_only`), as read once a request: a
    page may skip asking for a list of sets that `in_set` would leave empty."""
    return _sets_of(actor, facilitating_only=facilitating_only) if actor.is_authenticated else []


def _among_sets(model: type[models.Model], ids: list[int]) -> Where:
    return among(model, LearningSet, ids) if ids else False


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
        _among_sets(model, _sets_of(actor, facilitating_only=False)) if actor.is_authenticated else False
    ),
)

#: A facilitator (or co-facilitator) of the target's set.
facilitates_set = Predicate(
    "facilitates_set",
    _facilitates_test,
    lambda actor, model: (
        _among_sets(model, _sets_of(actor, facilitating_only=True)) if actor.is_authenticated else False
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
