from __future__ import annotations

from django.urls import ResolverMatch, reverse
from django.utils.translation import gettext as _

from actionset.core.access import ADMINISTRATOR, Actor
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    # Everyone's own data sits with the account pages at the end; the administrators' privacy desk beside the log.
    items = [NavItem(_("Your data"), reverse("privacy:mine"), "privacy", position=92)]
    if actor.has_staff_role(ADMINISTRATOR):
        items.append(NavItem(_("Privacy"), reverse("privacy:desk"), "privacy-desk", position=91))
    return items


def nav_section(match: ResolverMatch) -> str | None:
    if match.namespace == "privacy":
        return "privacy" if match.url_name in ("mine", "download") else "privacy-desk"
    return None
