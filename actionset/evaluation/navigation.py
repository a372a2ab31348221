"""Main-navigation entries: the instrument library for provider staff, surveys for participants."""

from __future__ import annotations

from django.urls import reverse

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    items = []
    if can(actor, "evaluation.instruments"):
        items.append(NavItem(label="Instruments", url=reverse("evaluation:instruments"), section="evaluation"))
    if actor.is_authenticated and actor.has_any_organisation_role("participant"):
        items.append(NavItem(label="Surveys", url=reverse("evaluation:surveys"), section="evaluation"))
    return items
