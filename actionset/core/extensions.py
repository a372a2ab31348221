"""Where later apps add to pages the foundation owns, without editing them.

An app may provide any of these modules; each is optional:

* `actionset.<app>.navigation` with `nav_items(actor) -> list[NavItem]` — entries in the main navigation.
  Give each item the app's URL namespace as its `section`, so the page's own tab is marked current.
* `actionset.<app>.home` with `home_panels(actor) -> list[HomePanel]` — panels on the signed-in home page.
* `actionset.<app>.demo` with `seed() -> None` — the app's part of the demo world, run after the
  foundation's in one transaction, in the order of `EXTENSION_APPS`.

Access still lives in the one rules table: a nav item or panel is offered only where `can()` says so.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actionset.core.access import Actor

#: In the order their demo data is seeded: later apps may build on earlier apps' data.
EXTENSION_APPS = ("learning", "evaluation", "training", "accreditation", "site")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str


@dataclass(frozen=True)
class HomePanel:
    """One panel on the home page: a template under `templates/` and what it needs."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _modules(name: str) -> Iterator[ModuleType]:
    for app in EXTENSION_APPS:
        dotted = f"actionset.{app}.{name}"
        # find_spec rather than catching ImportError: a real import error inside the module must not be hidden.
        if importlib.util.find_spec(dotted) is not None:
            yield importlib.import_module(dotted)


def extension_nav_items(actor: Actor) -> list[NavItem]:
    return [item for module in _modules("navigation") for item in module.nav_items(actor)]


def extension_home_panels(actor: Actor) -> list[HomePanel]:
    return [panel for module in _modules("home") for panel in module.home_panels(actor)]


def extension_demo_seeders() -> list[ModuleType]:
    return list(_modules("demo"))
