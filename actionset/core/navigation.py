"""The foundation's own entries in the main navigation: Home first, the audit log last."""

from __future__ import annotations

from django.urls import ResolverMatch, reverse
from django.utils.translation import gettext as _

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("core:home"), "home", position=0)]
    if can(actor, "provider.audit"):
        items.append(NavItem(_("Audit log"), reverse("core:audit"), "audit", position=95))
    return items


def nav_section(match: ResolverMatch) -> str | None:
    if match.namespace == "core":
        return "audit" if match.url_name == "audit" else "home"
    return None
