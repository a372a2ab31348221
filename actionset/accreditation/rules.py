"""Access rules for evidence portfolios, assessment and verifiable certificates (see actionset.core.access)."""

from actionset.core.access import register_rules

register_rules({})
