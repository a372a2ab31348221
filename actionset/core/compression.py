"""Compressed responses: HTML and other text gzipped for browsers that ask, downloads left as they are.

Django's own GZipMiddleware does the compressing. Since Django 4.2 it pads each compressed response with a random
number of bytes (Heal The Breach, `max_random_bytes`), Django's mitigation of BREACH, which reads secrets out of
compressed pages by watching their length; CSRF tokens are also masked afresh on every response. Django 5.2 is
pinned in pyproject.toml, so both hold. PDFs, spreadsheets and uploaded files are already compressed or binary:
gzipping them again costs CPU for nothing, so only text is compressed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: Content types worth compressing, besides every text/* type (HTML, CSV, calendars, Markdown).
COMPRESSIBLE = ("application/json", "application/javascript", "application/xml", "image/svg+xml")


#: Text that must reach the browser as it is written: gzip holds bytes back until it has a block to send, and a
#: live meeting's event stream (meetings/events.py) is a few bytes per event.
STREAMED = frozenset({"text/event-stream"})


def is_compressible(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in STREAMED:
        return False
    return kind.startswith("text/") or kind in COMPRESSIBLE or kind.endswith("+xml") or kind.endswith("+json")


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for text responses only."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_compressible(response.get("Content-Type", "")):
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed
