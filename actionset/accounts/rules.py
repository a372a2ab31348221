"""Access rules for helping someone back into their login (see actionset.core.access)."""

from __future__ import annotations

from actionset.core.access import ADMINISTRATOR, ORG_ADMIN, Rule, either, register_rules, staff
from actionset.organisations.rules import in_organisation

register_rules(
    {
        "people.recovery": Rule(
            "Start help for a person in the directory who is locked out of their login; only they can finish it",
            either(staff(), in_organisation()),
            either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN)),
        ),
    }
)
