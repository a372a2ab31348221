from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    if can(actor, "programmes.list"):
        return [NavItem(_("Programmes"), reverse("programmes:list"), "programmes", position=30)]
    return []
