"""The home-page panel: surveys waiting for the signed-in person."""

from __future__ import annotations

from actionset.core.access import Actor
from actionset.core.extensions import HomePanel
from actionset.evaluation.surveys import surveys_for


def home_panels(actor: Actor) -> list[HomePanel]:
    if not actor.is_authenticated or not actor.has_any_organisation_role("participant"):
        return []
    waiting = [s for s in surveys_for(actor.user) if s.waiting]
    if not waiting:
        return []
    return [HomePanel(template="evaluation/home_panel.html", context={"surveys": waiting})]
