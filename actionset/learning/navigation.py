"""Main-navigation entries: the journal for people in sets, shared learning for sponsors, themes for developers."""

from __future__ import annotations

from django.urls import reverse

from actionset.core.access import DEVELOPER, FACILITATOR, ORG_ADMIN, PARTICIPANT, SPONSOR, Actor
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    items = []
    if actor.has_any_organisation_role(PARTICIPANT) or actor.has_staff_role(FACILITATOR):
        items.append(NavItem("Journal", reverse("learning:journal"), "learning"))
    if actor.has_any_organisation_role(SPONSOR, ORG_ADMIN):
        items.append(NavItem("Shared learning", reverse("learning:shared_index"), "learning-shared"))
    if actor.has_staff_role(DEVELOPER):
        items.append(NavItem("Themes", reverse("learning:themes"), "learning-themes"))
    return items
