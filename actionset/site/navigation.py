from __future__ import annotations

from django.urls import reverse

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    items = []
    if can(actor, "site.pipeline"):
        items.append(NavItem("Enquiries", reverse("site:pipeline"), "site"))
    if can(actor, "site.edit"):
        items.append(NavItem("Public site", reverse("site:pages"), "site"))
    return items
