"""Access rules for evaluation: instruments, responses, the sponsor dashboard and report (see actionset.core.access)."""

from actionset.core.access import register_rules

register_rules({})
