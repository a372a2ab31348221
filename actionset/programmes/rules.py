"""Who may see and do what with programmes and their pools (see actionset.core.access)."""

from __future__ import annotations

from typing import Any

from django.db import models

from actionset.core.access import (
    ADMINISTRATOR,
    DESIGNER,
    ORG_ADMIN,
    Actor,
    Predicate,
    Rule,
    Where,
    among,
    either,
    parent_of,
    register_rules,
    signed_in,
    staff,
)
from actionset.organisations.rules import (
    admin_or_sponsor_anywhere,
    designs,
    in_organisation,
    knows_organisation,
    oversees,
)
from actionset.programmes.models import Enrolment, Programme


def _enrolled_test(actor: Actor, target: Any) -> bool:
    if not actor.is_authenticated:
        return False
    programme: Programme = parent_of(target, Programme)
    return bool(programme.enrolments.active().filter(person__user=actor.user).exists())


def _enrolled_where(actor: Actor, model: type[models.Model]) -> Where:
    if not actor.is_authenticated:
        return False
    programmes = Enrolment.objects.active().filter(person__user=actor.user).values("programme_id")
    return among(model, Programme, programmes)


#: Enrolled (and not withdrawn) in the target programme.
enrolled = Predicate("enrolled", _enrolled_test, _enrolled_where)

register_rules(
    {
        "programmes.list": Rule(
            "List programmes (those programme.view lets one see)",
            signed_in,
            either(staff(), admin_or_sponsor_anywhere),
        ),
        "programme.create": Rule("Design a new programme for an organisation", knows_organisation, designs),
        "venues.manage": Rule("Add and change the venues sets meet at, and how many sets each holds", staff(), designs),
        "programme.view": Rule(
            "See a programme: its design, sets' names and schedule, attendance — never set content",
            knows_organisation,
            oversees,
        ),
        "programme.design": Rule(
            "Change a programme's design, compose and publish its sets, schedule meetings",
            knows_organisation,
            designs,
        ),
        "programme.pool": Rule(
            "Enrol people in a programme and record their availability",
            knows_organisation,
            either(staff(ADMINISTRATOR, DESIGNER), in_organisation(ORG_ADMIN)),
        ),
        "programme.own_enrolment": Rule(
            "Give one's own availability, and in confidence who one should not share a set with",
            knows_organisation,
            enrolled,
        ),
        "programme.keep_apart": Rule(
            "Read and record who should not share a set (confidential to designers)",
            knows_organisation,
            staff(DESIGNER),
        ),
    }
)
