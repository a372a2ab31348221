from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from actionset.core.access import DESIGNER, FACILITATOR, TRAINER, Actor
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    # Practice mode for asking open questions: facilitators' and trainees' own tool.
    if actor.has_staff_role(FACILITATOR, TRAINER, DESIGNER):
        return [NavItem(_("Question coach"), reverse("coach:practice"), "coach", position=40)]
    return []
