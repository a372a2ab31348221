"""Middleware for sign-in safety: holding people a two-factor policy applies to until they have set it up (see
`accounts.two_factor`), and telling a browser to forget what it keeps for the site when a session ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from actionset.accounts.sso import signed_in_through_sso, sso_form_action_origins
from actionset.accounts.two_factor import has_two_factor, two_factor_policies
from actionset.core.access import actor_for

#: What a held person may still reach: the page that explains the hold, allauth's two-factor set-up (with the
#: password check it asks for first and the recovery codes it shows after) and signing out.
OPEN_WHILE_HELD = frozenset(
    {
        "accounts:two_factor_required",
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


class TwoFactorPolicyMiddleware:
    """Refuse every other view, ours and the Django admin's, to a person who must set up two-factor and has not.

    Static files never reach a view (WhiteNoise serves them first), so they stay available.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Iterable[Any], view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        actor = actor_for(request)
        if not actor.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_HELD:
            return None
        if not two_factor_policies(actor) or has_two_factor(actor.user):
            return None
        # A session begun through single sign-on has passed the identity provider's own second factor, which the
        # organisation (or the provider, for its staff) sets there: see docs/user-guide.md.
        if signed_in_through_sso(request):
            return None
        url = reverse("accounts:two_factor_required")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


class ClearSiteDataOnSignOutMiddleware:
    """A response that ends a person's session tells their browser to delete what it keeps for the site.

    Drafts kept in the browser (static/js/drafts.js) belong to one signed-in person. The page's script deletes
    them as the sign-out form is sent; this answer covers the page whose script never ran, and every way a
    session ends in a request (allauth's sign-out, the Django admin's, another person signing in over it).
    Only storage: clearing cookies too would drop the new session that tells the person they have signed out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = request.user.pk if request.user.is_authenticated else None
        response = self.get_response(request)
        if before is not None and (not request.user.is_authenticated or request.user.pk != before):
            response["Clear-Site-Data"] = '"storage"'
        return response


class SingleSignOnFormActionMiddleware:
    """Let the sign-in pages' "Sign in with …" buttons reach the identity provider.

    The button posts to allauth, which answers with a redirect to the identity provider's sign-in page; browsers hold
    that redirect to the submitting page's Content Security Policy `form-action`, which is otherwise 'self'. So the
    pages that show the button allow the enabled providers' origins, and no other page does. Below django-csp's
    middleware, which reads what is set here when it writes the header.
    """

    PAGES = frozenset({"account_login", "accounts:sso_discover", "accounts:invitation"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.view_name in self.PAGES:
            origins = sso_form_action_origins()
            if origins:
                update = {"form-action": origins}
                response._csp_update = update  # type: ignore[attr-defined]
                response._csp_update_ro = update  # type: ignore[attr-defined]
        return response
