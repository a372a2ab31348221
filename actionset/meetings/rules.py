"""Access rules of the meetings app (see actionset.core.access); a meeting's own rules build on the set tier."""

from __future__ import annotations

from actionset.core.access import Rule, register_rules, signed_in

register_rules({"calendar.manage": Rule("Manage one's own calendar feed", signed_in, signed_in)})
