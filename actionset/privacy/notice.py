"""The part of the public privacy notice the system writes itself: how long each kind of data is kept."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .retention import schedule_rows


def retention_section() -> SafeString:
    # render_to_string escapes every value; the result is the template's own HTML.
    return mark_safe(render_to_string("privacy/_notice.html", {"schedule": schedule_rows()}))
