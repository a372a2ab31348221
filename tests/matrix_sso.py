"""Access cases for single sign-on's pages (accounts/sso_views.py)."""

from __future__ import annotations

from tests.matrix import DONE, OK, Case, expect, org_a, org_a_rule, staff_only

CASES: dict[str, Case] = {
    # The provider's administrators set up an organisation's identity provider; its own admins only see the card.
    "organisations:sso": Case("get", org_a, org_a_rule(OK, staff=("administrator",), org=())),
    "organisations:sso_check": Case("post", org_a, org_a_rule(DONE, staff=("administrator",), org=())),
    "staff:sso": Case("get", lambda c: {}, staff_only(OK, "administrator")),
    "staff:sso_check": Case("post", lambda c: {}, staff_only(DONE, "administrator")),
    # The sign-in page's button, by the domain of the address typed: for anyone, signed in or not.
    "accounts:sso_discover": Case("get", lambda c: {}, expect(OK)),
}
