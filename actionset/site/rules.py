"""Access rules for the provider's public pages, enquiries and the pipeline (see actionset.core.access)."""

from actionset.core.access import register_rules

register_rules({})
