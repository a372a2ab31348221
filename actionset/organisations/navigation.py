"""The organisations app's entries in the main navigation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    items = []
    if can(actor, "organisations.list"):
        items.append(NavItem(_("Organisations"), reverse("organisations:list"), "organisations", position=10))
    if can(actor, "provider.staff"):
        items.append(NavItem(_("Staff"), reverse("staff:list"), "staff", position=90))
    return items
