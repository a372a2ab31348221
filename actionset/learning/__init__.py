"""Journals, sharing out of the set, questions to leaders, themes."""
