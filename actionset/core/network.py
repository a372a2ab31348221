"""The client's network address, believed only as far as the deployment's own proxies vouch for it.

`X-Forwarded-For` is written by whoever sends the request, and each proxy appends the address it received the
request from. With N trusted proxies (`TRUSTED_PROXY_COUNT`), the N-th entry from the right is the one the outermost
trusted proxy wrote: the visitor's address. Anything left of it could be made up. This is the rule allauth applies
to its sign-in limits (from the same setting), so the audit log, the enquiry limit and sign-in agree on who is who.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address; the connection's own when no proxy is trusted or the request did not pass them."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    count: int = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if count <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    if len(entries) < count:
        # Fewer hops than proxies: the request reached us some other way, so the header is the sender's own word.
        return remote
    return _address(entries[-count]) or remote
