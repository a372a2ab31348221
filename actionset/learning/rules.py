"""Access rules for journals, sharing out of the set, questions to leaders, themes (see actionset.core.access).

Tiers: a journal entry is personal (its author alone: everyone else, administrators included, gets 404); an item a
set is still deciding on is set tier (`in_set`); a released item is programme tier (sponsors, organisation admins,
designers and organisational developers), and only sponsors of its programme answer questions.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from actionset.core.access import (
    DESIGNER,
    DEVELOPER,
    ORG_ADMIN,
    Actor,
    Predicate,
    Rule,
    Where,
    among,
    both,
    either,
    parent_of,
    path_to,
    register_rules,
    signed_in,
    staff,
)
from actionset.organisations.rules import in_organisation
from actionset.programmes.models import Programme
from actionset.sets.rules import facilitates_set, in_set

from .models import SharedItem

#: The journal entry's author (entries are listed by their `author`).
is_author = Predicate(
    "is_author",
    lambda actor, entry: actor.is_authenticated and entry.author_id == actor.user.pk,
    lambda actor, model: Q(author=actor.user) if actor.is_authenticated else False,
)


def _sponsors_test(actor: Actor, target: Any) -> bool:
    programme = parent_of(target, Programme)
    if not actor.is_authenticated:
        return False
    # Kept for the request: a page that checks access also says whether its reader sponsors the programme.
    return actor.remember(("sponsors", programme.pk), lambda: bool(programme.sponsors.filter(user=actor.user).exists()))


def _sponsors_where(actor: Actor, model: type[models.Model]) -> Where:
    if not actor.is_authenticated:
        return False
    sponsored = Programme._default_manager.filter(sponsors__user=actor.user).values("pk")
    return among(model, Programme, sponsored)


#: A sponsor named on the programme (the target, or the programme of the target's set).
sponsors = Predicate("sponsors", _sponsors_test, _sponsors_where)


def _released_where(actor: Actor, model: type[models.Model]) -> Where:
    path = path_to(model, SharedItem, ("item",))
    return Q(**{f"{path}__status" if path else "status": SharedItem.Status.RELEASED})


#: A shared item its set has released.
released = Predicate("released", lambda actor, item: bool(item.is_released), _released_where)


_knows_organisation = either(staff(), in_organisation())
#: Programme tier: what sets chose to share, for the people the programme serves and the provider's designers.
_reads_shared = either(sponsors, in_organisation(ORG_ADMIN), staff(DESIGNER, DEVELOPER))

register_rules(
    {
        "learning.journal": Rule("Keep one's own learning journal: list, write, export", signed_in, signed_in),
        "learning.journal_entry": Rule("Read, change or delete one's own journal entry", is_author, is_author),
        "learning.journal_meeting": Rule("Write one's journal after a meeting of one's own set", in_set, in_set),
        "learning.sharing": Rule("Propose and agree what the set shares outside it", in_set, in_set),
        "learning.item": Rule("Approve, object to or withdraw an item the set may share", in_set, in_set),
        "learning.record": Rule(
            "Record the decisions members gave aloud in the room on an item the set may share (its facilitators)",
            in_set,
            facilitates_set,
        ),
        "learning.programme": Rule(
            "Read what a programme's sets have shared: themes, lessons, questions and answers",
            _knows_organisation,
            _reads_shared,
        ),
        # What items a reader is shown on the programme's shared-learning pages and the developers' themes.
        "learning.released": Rule(
            "Read an item a set has released (programme tier)",
            both(released, _knows_organisation),
            both(released, _reads_shared),
        ),
        "learning.answer": Rule(
            "Answer a question a set has shared with leaders (the programme's sponsors)",
            either(in_set, both(released, either(staff(), in_organisation()))),
            both(released, sponsors),
        ),
        "learning.themes": Rule("See and tag themes across sets and programmes", staff(), staff(DEVELOPER)),
        "learning.tag": Rule(
            "Tag an item a set has shared with themes",
            either(in_set, both(released, staff())),
            both(released, staff(DEVELOPER)),
        ),
    }
)
