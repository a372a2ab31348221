from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from actionset.core.access import actor_for, can
from actionset.core.demo import DEMO_LOGINS
from actionset.core.extensions import NavItem, extension_nav_items
from actionset.organisations.models import Provider


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, built from the same access rules the views enforce."""
    actor = actor_for(request)
    items: list[NavItem] = []
    if actor.is_authenticated:
        items.append(NavItem("Home", reverse("core:home"), "home"))
        if can(actor, "organisations.list"):
            items.append(NavItem("Organisations", reverse("organisations:list"), "organisations"))
        items.append(NavItem("Calendar", reverse("meetings:calendar"), "meetings"))
        if can(actor, "programmes.list"):
            items.append(NavItem("Programmes", reverse("programmes:list"), "programmes"))
        if actor.has_staff_role("facilitator", "trainer", "designer"):
            # Practice mode for asking open questions: facilitators' and trainees' own tool.
            items.append(NavItem("Question coach", reverse("coach:practice"), "coach"))
        items.extend(extension_nav_items(actor))
        if can(actor, "provider.staff"):
            items.append(NavItem("Staff", reverse("core:staff"), "staff"))
        if can(actor, "provider.audit"):
            items.append(NavItem("Audit log", reverse("core:audit"), "audit"))
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    if match and match.url_name in ("staff", "staff_invite", "staff_roles", "staff_deactivate"):
        current = "staff"
    elif match and match.url_name == "audit":
        current = "audit"
    elif match and match.namespace == "meetings" and match.url_name != "calendar":
        current = "programmes"  # a programme's schedule
    elif match and match.namespace == "sets":
        current = "home" if match.url_name == "detail" else "programmes"
    return {
        "nav_items": items,
        "nav_current": current or "home",
        "provider": Provider.current(),
        "actor": actor,
        "demo_mode": settings.DEMO_MODE,
        "demo_logins": DEMO_LOGINS if settings.DEMO_MODE else [],
    }


def draft_owner(request: HttpRequest) -> dict[str, str]:
    """The key under which the page's scripts keep the signed-in person's drafts (static/js/drafts.js).

    An HMAC of the user's id under the secret key: it names nobody, stays the same from page to page and
    session to session for one person, and cannot be made up for anyone else. Empty when nobody is signed in,
    so that such pages keep no drafts.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"draft_owner": ""}
    return {"draft_owner": salted_hmac("actionset.drafts.owner", str(user.pk), algorithm="sha256").hexdigest()}
