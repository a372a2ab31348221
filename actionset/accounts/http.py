"""The request our views receive, typed once for every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from actionset.accounts.models import User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from actionset.core.access import Actor


class Request(HttpRequest):
    """A request to a view whose access rule requires sign-in, as our middleware leaves it.

    `user` is typed as our `User` because the rule has already turned the anonymous visitor away; for a public
    view, keep Django's `HttpRequest` and read the user through `user_of` once a check has passed."""

    user: User
    htmx: HtmxDetails
    actor: Actor


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request whose view's rule has already required a login."""
    user = request.user
    assert isinstance(user, User), "user_of() is for views whose access rule requires a login"
    return user
