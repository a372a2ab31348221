"""Where apps add to what the foundation owns (navigation, the home page, the demo world, every page's and email's
shared context, the public home page), without the foundation importing them.

Each app contributes from its own `AppConfig.ready()`:

    contribute(
        "learning",
        nav_items=navigation.nav_items,     # (actor) -> list[NavItem]: entries in the main navigation
        nav_inputs=(Booking,),              # the models whose rows (besides roles) decide those entries
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

from django.db import models
from django.utils.translation import get_language

from actionset.core.kept import Kept, actor_key

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
    #: The models, besides the actor's roles, whose rows decide which of `nav_items` an actor is offered (a booking
    #: for a "Your courses" tab): a change to any of them rebuilds everyone's navigation at their next page.
    nav_inputs: tuple[type[models.Model], ...] = ()
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
    contribution = Contribution(app, **parts)
    _contributions[app] = contribution
    NAV.read_from(*contribution.nav_inputs)


def contributions() -> list[Contribution]:
    return list(_contributions.values())


def nav_items(actor: Actor) -> list[NavItem]:
    found = [item for c in contributions() if c.nav_items for item in c.nav_items(actor)]
    return sorted(found, key=lambda item: item.position)


# --- the navigation, kept per person --------------------------------------------------------------------------------
#
# Every full page shows the navigation, and deciding its entries asked the database a question or two per page (an
# award or a booking to offer a tab for) and cost more CPU in building those queries than the rest of a light page.
# So each person's entries are kept in the shared cache, under a key made of:
# - their login's id, so that the next person at a shared computer gets their own, never the previous person's;
# - their roles, read afresh on every request (the access checks need them anyway), so a role granted or taken away
#   shows in the navigation at the very next page, with nothing to invalidate;
# - the language, since the labels are translated;
# and each entry remembers the navigation's generation: a change to any app's `nav_inputs` makes a new one (at once,
# and again when the transaction commits, so that a page built from the old rows meanwhile is not kept), and
# everybody's entries are built afresh at their next page. A change made without signals (a queryset's update)
# shows within NAV_KEPT_SECONDS. The entries decide only which tabs are shown: every page behind them still checks
# access itself.

NAV_KEPT_SECONDS = 300
NAV = Kept("nav", seconds=NAV_KEPT_SECONDS)


def cached_nav_items(actor: Actor) -> list[NavItem]:
    """`nav_items(actor)`, kept per person in the shared cache (one cache read a page) until something it was
    built from changes."""
    if not actor.is_authenticated:
        return []
    # Kept as plain values, not NavItems: an entry kept by an older release must still read after a deploy.
    # The login's address is part of the key: some entries follow it (bookings made for an address before it had a
    # login); so is the language, the labels being translated.
    key = actor_key(actor, actor.user.email, get_language())
    fields = NAV.get(key, lambda: [(item.label, item.url, item.section, item.position) for item in nav_items(actor)])
    return [NavItem(*item) for item in fields]


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
