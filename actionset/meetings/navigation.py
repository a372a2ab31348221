from __future__ import annotations

from django.urls import ResolverMatch, reverse
from django.utils.translation import gettext as _

from actionset.core.access import Actor
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    return [NavItem(_("Calendar"), reverse("meetings:calendar"), "meetings", position=20)]


def nav_section(match: ResolverMatch) -> str | None:
    # A programme's schedule and a meeting's move are reached from the programme, so they are under Programmes.
    if match.namespace == "meetings" and match.url_name != "calendar":
        return "programmes"
    return None
