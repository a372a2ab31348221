"""Optional error tracking (Sentry), started by the settings only where SENTRY_DSN is set.

A set's conversation is confidential, so an error report carries what went wrong and where in the code, never what
anyone wrote: no request bodies, cookies, query strings (searches name people), user, SQL parameters or a stack
frame's local variables. The SDK's own switches turn their collection off; `before_send` removes them again from
every event, so a change of the SDK's defaults cannot bring them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

#: Request headers an error report may keep: enough to tell which browser and kind of request, nothing that names or
#: authenticates anyone (cookies, CSRF tokens, Authorization) or carries a search (Referer).
KEPT_HEADERS = frozenset({"user-agent", "accept", "content-type", "content-length", "host", "hx-request"})


def start(*, dsn: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",
        # sentry-sdk 3 replaced `send_default_pii` with this: every category that could carry a person's details or
        # a set's words is off.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=before_send,
    )


def before_send(event: Event, hint: Hint) -> Event | None:
    # The event's type lists only the SDK's own keys; it is read here as the plain dictionary it is.
    report = cast(dict[str, Any], event)
    request = report.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if headers:
            request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    report.pop("user", None)
    for section in ("exception", "threads"):
        for value in (report.get(section) or {}).get("values", []):
            for frame in (value.get("stacktrace") or {}).get("frames", []):
                frame.pop("vars", None)
    return event
