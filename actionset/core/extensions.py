"""Where apps add to what the foundation owns (navigation, the home page, the demo world, every page's and email's
shared context, the public home page), without the foundation importing them.

Each app contributes from its own `AppConfig.ready()`:

    contribute(
        "learning",
        nav_items=navigation.nav_items,     # (actor) -> list[NavItem]: entries in the main navigation
        home_panels=home.home_panels,       # (actor) -> list[HomePanel]: panels on the signed-in home page
        demo=demo.seed,                     # () -> None: the app's part of the demo world
    )

Core iterates over what was contributed and never names an app. Contributions are kept in the order the apps'
`ready()` ran, which is the order of INSTALLED_APPS, lowest layer first: so the demo world is built from the ground up
(a later app's demo may build on an earlier app's data), and items and panels with the same `position` keep that order.

Access still lives in the one rules table: a nav item or panel is offered only where the app's rules say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django.urls import ResolverMatch

    from actionset.core.access import Actor


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    #: The URL namespace of the pages this entry leads to, so that the page's own tab is marked current.
    section: str
    #: Where in the navigation: lower first. The foundation's own entries are 0 to 40 and 90 to 99; apps' default to 50.
    position: int = 50


@dataclass(frozen=True)
class HomePanel:
    """One panel on the home page: a template under `templates/` and what it needs."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    #: Where on the page: lower first. The people and sets one works with come before the apps' panels (50).
    position: int = 50
    #: "main" for a card on the page; "heading" for a line under the greeting.
    region: str = "main"


@dataclass(frozen=True)
class Contribution:
    app: str
    nav_items: Callable[[Actor], list[NavItem]] | None = None
    home_panels: Callable[[Actor], list[HomePanel]] | None = None
    demo: Callable[[], None] | None = None
    #: What every page and every email may speak of (the provider's name and contact): () -> dict.
    shared_context: Callable[[], dict[str, Any]] | None = None
    #: Who our email is from: () -> (the sender's display name, the address replies should go to).
    mail_sender: Callable[[], tuple[str, str]] | None = None
    #: The page a visitor who is not signed in sees at "/".
    public_home: Callable[[HttpRequest], HttpResponse] | None = None
    #: The navigation section a page belongs to, where its URL namespace alone does not say: (match) -> str | None.
    nav_section: Callable[[ResolverMatch], str | None] | None = None


_contributions: dict[str, Contribution] = {}


def contribute(app: str, **parts: Any) -> None:
    """Record what `app` adds. Called once per app from its AppConfig.ready(); a second call replaces the first."""
    _contributions[app] = Contribution(app, **parts)


def contributions() -> list[Contribution]:
    return list(_contributions.values())


def nav_items(actor: Actor) -> list[NavItem]:
    found = [item for c in contributions() if c.nav_items for item in c.nav_items(actor)]
    return sorted(found, key=lambda item: item.position)


def home_panels(actor: Actor) -> list[HomePanel]:
    found = [panel for c in contributions() if c.home_panels for panel in c.home_panels(actor)]
    return sorted(found, key=lambda panel: panel.position)


def demo_seeders() -> list[Callable[[], None]]:
    return [c.demo for c in contributions() if c.demo]


def shared_context() -> dict[str, Any]:
    context: dict[str, Any] = {}
    for c in contributions():
        if c.shared_context:
            context.update(c.shared_context())
    return context


def mail_sender() -> tuple[str, str]:
    """(display name, reply-to address) for outgoing email; empty strings when no app says."""
    senders = [c.mail_sender for c in contributions() if c.mail_sender]
    return senders[-1]() if senders else ("", "")


def public_home() -> Callable[[HttpRequest], HttpResponse] | None:
    pages = [c.public_home for c in contributions() if c.public_home]
    return pages[-1] if pages else None


def nav_section(match: ResolverMatch) -> str | None:
    for c in contributions():
        if c.nav_section and (section := c.nav_section(match)):
            return section
    return None
