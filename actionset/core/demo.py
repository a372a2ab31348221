"""The demo world's logins. Demo data only: every one has the password `demo`."""

DEMO_PASSWORD = "demo"

DEMO_LOGINS = [
    "admin@provider.example",
    "designer@provider.example",
    "facilitator@provider.example",
    "developer@provider.example",
    "trainer@provider.example",
    "orgadmin@northwind.example",
    "sponsor@northwind.example",
    "participant@northwind.example",
    "participant@southfield.example",
    # A facilitator in training on the running foundation cohort, with a portfolio under way.
    "jess.lowe@northwind.example",
]
