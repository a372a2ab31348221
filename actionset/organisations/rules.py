"""Access rules for who may sign in to an organisation's account (see actionset.core.access).

Its two-factor policy and turning its people's logins off and on are decided by its own admins and by the provider's
administrators; nobody else at the provider, and no sponsor or participant.
"""

from __future__ import annotations

from actionset.core.access import ADMINISTRATOR, ORG_ADMIN, Rule, either, in_organisation, register_rules, staff

_knows_organisation = either(staff(), in_organisation())
_keeps_sign_in = either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN))

register_rules(
    {
        "organisation.two_factor": Rule(
            "Require two-factor authentication of an organisation's admins and sponsors, and see who has it",
            _knows_organisation,
            _keeps_sign_in,
        ),
        "people.deactivate": Rule(
            "Deactivate and reactivate the login of a person in an organisation's directory",
            _knows_organisation,
            _keeps_sign_in,
        ),
    }
)
