"""What a higher app prints under one of the provider's pages, so that the page says what the system does.

The privacy notice is the provider's own words, kept in Markdown; the retention periods it must state are the
privacy app's, which sits above this one. That app registers a renderer for the page's slug from its `ready()`
(`addenda["privacy"] = ...`), and the page view prints what it returns after the provider's text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

#: Page slug -> a function returning HTML (already escaped) to print after the page's own text.
addenda: dict[str, Callable[[], SafeString]] = {}


def addendum_for(slug: str) -> SafeString | None:
    render = addenda.get(slug)
    return render() if render else None
