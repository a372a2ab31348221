from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
