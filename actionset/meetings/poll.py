"""Answering an unchanged live poll before the session, the user or the access check are read.

Every device in a running meeting asks for the state once a second. Most of those polls find nothing changed,
and a 304 for them used to cost the session, the user, the actor's roles, the meeting and the access check: about
thirty times Django's cheapest request. The tag a device shows is now a small credential instead: when the state
is sent in full, after the access check, its ETag carries the meeting, the version shown, the kind of view, when it
was issued, and a keyed MAC over those and the session cookie that asked. A poll whose tag verifies for the same
session and meeting, is less than `TAG_SECONDS` old and still names the meeting's current version and room token
(`live.poll_tag`, read from the shared cache alone) is answered 304 by `UnchangedPollMiddleware`, before the session
middleware runs.

What that gives away, and to whom: a 304 has no body. Only a session that was shown the meeting's state can hold
such a tag, and only for that meeting; another person's replayed tag fails the MAC (their session cookie differs),
a signed-out session's cookie is gone, and the next person at a shared computer signs in to a new session. A member
taken off the set keeps learning "nothing changed" for at most `TAG_SECONDS`, or until the next change, whichever
comes first; then the full path's access check refuses them. Anything else (no tag, a tag that does not verify,
an old one, a version the cache does not hold) goes the full way, which checks access and fills the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare, salted_hmac

from actionset.meetings import events, live

#: How long a tag stands in for the access check. Past it the device is sent the state in full once (the access
#: check runs), with a new tag: one full answer in 600 polls.
TAG_SECONDS = 10 * 60

_SALT = "actionset.meetings.poll"
#: The polls answered here: the state fragment, and the room display's (only when htmx asks, as the full display
#: page is a page, not a poll).
_POLLED = {"live:state": False, "live:display": True}


@dataclass(frozen=True)
class Tag:
    meeting_id: int
    version: str
    view: str
    #: As issued, to be sent back with the 304.
    etag: str


def _mac(request: HttpRequest, public_id: UUID, body: str) -> str:
    # The session cookie, not the session's contents: reading those is the query this module exists to avoid.
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    value = f"{public_id.hex}|{body}|{session}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def issue(request: HttpRequest, meeting_id: int, public_id: UUID, version: str, view: str) -> str:
    """The ETag for the state this request is sent, once the access check has let it see the meeting."""
    body = f"{meeting_id}:{version}:{view}:{int(time.time())}"
    return f'"live:{body}:{_mac(request, public_id, body)}"'


def verified(request: HttpRequest, public_id: UUID, sent_tags: str | None = None) -> list[Tag]:
    """The tags in `sent_tags` (by default the request's If-None-Match) that this session was issued for this
    meeting, and are not too old."""
    tags = []
    now = time.time()
    if sent_tags is None:
        sent_tags = request.headers.get("If-None-Match", "")
    for sent in sent_tags.split(","):
        # Compared weakly (RFC 9110, as If-None-Match is): a gzipped fragment's tag goes out as W/"…", and a
        # browser may send it back so.
        text = sent.strip().removeprefix("W/").strip('"')
        parts = text.split(":")
        if len(parts) != 6 or parts[0] != "live":
            continue
        _, meeting_id, version, view, issued, mac = parts
        if not (meeting_id.isdigit() and issued.isdigit()) or not 0 <= now - int(issued) < TAG_SECONDS:
            continue
        body = f"{meeting_id}:{version}:{view}:{issued}"
        if constant_time_compare(mac, _mac(request, public_id, body)):
            tags.append(Tag(int(meeting_id), version, view, f'"{text}"'))
    return tags


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def unchanged(request: HttpRequest) -> HttpResponse | None:
    """A 304 for a poll whose verified tag names the version the shared cache holds; None to take the full path."""
    if request.method not in ("GET", "HEAD") or "If-None-Match" not in request.headers:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    needs_htmx = _POLLED.get(match.view_name)
    if needs_htmx is None or (needs_htmx and request.headers.get("HX-Request") != "true"):
        return None
    public_id = match.kwargs["meeting"]
    for tag in verified(request, public_id):
        # The cache alone: on a miss the full path reads the database and fills it.
        try:
            cached = live.cached_poll_version(tag.meeting_id)
        except DatabaseError:
            # The database's cache table may be locked for a moment by the change being made (SQLite shares one
            # connection between the test server's threads, and a read meeting another thread's write fails at
            # once). Not knowing is not a failure here: the full path answers, as for a miss.
            return None
        if tag.version == cached:
            return not_modified(tag.etag)
    return None


def stream_admitted(request: HttpRequest) -> HttpResponseBase | None:
    """A meeting's event stream for a device that shows its tag (`?tag=`, as the live page asks for it), without a
    query; None to take the full path through the session and the access check.

    The tag stands in for the access check exactly as it does for an unchanged poll, for as long
    (`TAG_SECONDS`): a device that has just been sent the state may hear when it changes. Hundreds of devices
    opening their streams at once then cost no database connection each.
    """
    if request.method != "GET" or "tag" not in request.GET:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "live:events":
        return None
    tags = verified(request, match.kwargs["meeting"], request.GET["tag"])
    if not tags:
        return None
    return events.stream_response(request, tags[0].meeting_id)


class UnchangedPollMiddleware:
    """Sits before the session middleware: an unchanged poll costs a MAC and one read of the shared cache, and a
    device's event stream (`stream_admitted`) a MAC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return unchanged(request) or stream_admitted(request) or self.get_response(request)
