"""The facilitator training catalogue, cohorts, sessions and bookings."""
