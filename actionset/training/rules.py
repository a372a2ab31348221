"""Access rules for the facilitator training catalogue, cohorts, sessions and bookings (see actionset.core.access)."""

from actionset.core.access import register_rules

register_rules({})
