"""Turning staff's Markdown into safe HTML, and keeping page addresses clear of the application's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import markdown
import nh3
from django.urls import URLPattern, URLResolver, get_resolver

#: Only what Markdown itself produces; no raw HTML survives (scripts, styles, iframes, event handlers, forms).
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "abbr", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: staff write the text, but an account can be compromised."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener",
    )


#: Prefixes the application uses or will use, whether or not the app is routed yet.
RESERVED_SLUGS = frozenset(
    {
        "accounts", "organisations", "programmes", "sets", "meetings", "meeting", "calendar", "coach",
        "training", "admin", "journal", "journals", "portfolio", "credentials", "provider", "learning",
        "evaluation", "accreditation", "insights", "static", "media", "api", "home", "enquiries",
        "site-pages", "case-studies", "resources", "testimonials", "get-in-touch", "discovery-call",
        "sitemap-xml", "robots-txt", "login", "logout",
    }
)  # fmt: skip


def _first_segments(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if getattr(p, "namespace", None) == "site":
                continue
            yield from _first_segments(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            first = route.lstrip("^").split("/", 1)[0]
            if first and first[0] not in "<(.":
                yield first


def url_prefixes() -> frozenset[str]:
    """The first segment of every address the application answers, outside the public site's own."""
    return frozenset(_first_segments(get_resolver().url_patterns))


def slug_is_reserved(slug: str) -> bool:
    return slug in RESERVED_SLUGS or slug in url_prefixes()
