from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

from actionset.core import extensions
from actionset.core.access import actor_for
from actionset.core.demo import DEMO_LOGINS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, built from what the apps contribute and the same access rules the views enforce."""
    actor = actor_for(request)
    # Asked for only when the template shows the navigation: a fragment (an htmx swap, a live poll) renders without
    # it, and the apps' entries cost a cache read, or queries when they are built (extensions.cached_nav_items).
    items = SimpleLazyObject(lambda: extensions.cached_nav_items(actor))
    match = getattr(request, "resolver_match", None)
    current = (extensions.nav_section(match) or match.namespace) if match else ""
    return {
        "nav_items": items,
        "nav_current": current or "home",
        "actor": actor,
        "demo_mode": settings.DEMO_MODE,
        "demo_logins": DEMO_LOGINS if settings.DEMO_MODE else [],
        **extensions.shared_context(),
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
