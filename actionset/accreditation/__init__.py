"""Evidence portfolios, assessment and verifiable certificates."""
