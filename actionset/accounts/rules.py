"""Access rules for helping someone back into their login (see actionset.core.access)."""

from __future__ import annotations

from actionset.core.access import ADMINISTRATOR, ORG_ADMIN, Rule, either, register_rules, staff
from actionset.organisations.rules import in_organisation, knows_organisation

register_rules(
    {
        "people.recovery": Rule(
            "Start help for a person in the directory who is locked out of their login; only they can finish it",
            either(staff(), in_organisation()),
            either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN)),
        ),
    }
)

register_rules(
    {
        "organisation.sso": Rule(
            # The provider's administrators only: an identity provider's word signs people in to their logins, so the
            # provider, not the organisation's admins, decides whose word that is (docs/user-guide.md).
            "Set up an organisation's single sign-on and test its connection",
            knows_organisation,
            staff(ADMINISTRATOR),
        ),
        "provider.sso": Rule(
            "Set up single sign-on for the provider's staff and test its connection", staff(), staff(ADMINISTRATOR)
        ),
    }
)
