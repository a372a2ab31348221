"""Finding and ending a login's sessions, through allauth's `usersessions` app.

allauth records a session when someone signs in through its pages. A session can also begin with Django's own
`login()` (accepting an invitation signs the new person in); `session_record` records those too, so that ending a
login's sessions finds every one of them.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def session_record(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Receiver of Django's `user_logged_in`: record the session that has just begun."""
    if request is None or getattr(request, "user", None) != user or not hasattr(request, "session"):
        return  # a sign-in made without a request of a browser (the test client's force_login)
    # allauth will not record a session whose client address it cannot tell; such a session still stops working when
    # the login is deactivated, because Django refuses an inactive user on every request.
    with suppress(PermissionDenied):
        UserSession.objects.create_from_request(request)


def sessions_end(*, user: Any) -> int:
    """End every recorded session of `user` now, deleting it from the session store. Returns how many ended.

    Not `purge_and_list`: it drops the records of sessions whose user Django no longer accepts (an inactive one)
    without deleting the sessions themselves, which would then come back to life on reactivation.
    """
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    get_adapter().end_sessions(sessions)
    return len(sessions)
