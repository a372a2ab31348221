from __future__ import annotations

from django.urls import ResolverMatch


def nav_section(match: ResolverMatch) -> str | None:
    # One's own set is reached from Home; the board and a set's design pages from the programme.
    if match.namespace == "sets":
        return "home" if match.url_name == "detail" else "programmes"
    return None
