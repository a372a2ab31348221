"""A form sent twice is done once: submissions carrying an id (`X-Submission-Id`) are remembered per person.

A phone in a meeting room loses its connection mid-request. The browser cannot tell a request that never arrived
from one whose answer was lost, so the set's forms queue what failed and send it again when the connection returns
(static/js/drafts.js). Without this, an action or a question whose answer was lost would be added twice. Each
submission of a kept form carries an id the browser makes for it, and the same id when it is sent again; the first
to arrive is done, any other answered 204 with `X-Submission-Repeated`, which the page takes as sent.

The id is remembered in the shared cache, under the signed-in person, for a day (longer than anything waits in a
queue): another person cannot spend someone's id, and an id means nothing once the person signs in elsewhere. A
submission that fails (a refusal, an invalid form, a conflict) forgets its id, so the same one may be corrected and
sent again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase

HEADER = "X-Submission-Id"
#: Made by the browser: random letters and digits, long enough not to collide, short enough to bound the key.
_VALID = re.compile(r"[A-Za-z0-9-]{16,64}")
REMEMBER_SECONDS = 24 * 60 * 60


def _key(request: HttpRequest, submission: str) -> str:
    return f"submission:{request.user.pk}:{submission}"


class SubmissionOnceMiddleware:
    """After authentication: a kept form's submission is done once, however many times it is sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        submission = request.headers.get(HEADER, "")
        if request.method != "POST" or not submission or not request.user.is_authenticated:
            return self.get_response(request)
        if not _VALID.fullmatch(submission):
            return self.get_response(request)
        key = _key(request, submission)
        # `add` is atomic in the shared cache: of two copies arriving together, one is done and one is not.
        if not cache.add(key, "pending", REMEMBER_SECONDS):
            repeated = HttpResponse(status=204)
            repeated["X-Submission-Repeated"] = "1"
            return repeated
        try:
            response = self.get_response(request)
        except Exception:
            cache.delete(key)
            raise
        if response.status_code >= 400:
            cache.delete(key)
        return response
