from __future__ import annotations

from django.urls import reverse

from actionset.core.access import Actor, can
from actionset.core.extensions import NavItem


def nav_items(actor: Actor) -> list[NavItem]:
    # One entry: the pipeline's tabs lead on to the site's pages and testimonials.
    if can(actor, "site.pipeline"):
        return [NavItem("Enquiries", reverse("site:pipeline"), "site")]
    if can(actor, "site.edit"):
        return [NavItem("Public site", reverse("site:pages"), "site")]
    return []
