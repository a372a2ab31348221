"""Access rules for journals, sharing out of the set, questions to leaders, themes (see actionset.core.access)."""

from actionset.core.access import register_rules

register_rules({})
