"""The subject-access archive: one zip holding what `held` finds, as JSON for machines and HTML for people."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from .held import SECTIONS, Section, Subject, held


def _labelled(section: Section, found: dict[str, Any]) -> list[tuple[str, Any]]:
    """A row with each field named as people read it ("line manager", not "line_manager")."""
    meta = section.model._meta
    labels = {name: getattr(meta.get_field(name), "verbose_name", name) for name in found}
    return [(capfirst(str(labels[name])), value) for name, value in found.items()]


def archive_build(subject: Subject) -> bytes:
    """`data.json` (every section, every field) and `index.html` (the same, readable, with no script or outside
    resource, so it opens offline in any browser)."""
    data = held(subject)
    made_at = timezone.now()
    document = {"subject": subject.name, "made_at": made_at.isoformat(), "sections": data}
    readable = render_to_string(
        "privacy/archive.html",
        {
            "subject": subject,
            "made_at": made_at,
            "sections": [(s.title, [_labelled(s, found) for found in data[s.key]]) for s in SECTIONS if data[s.key]],
            "empty": [s.title for s in SECTIONS if not data[s.key]],
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))
        archive.writestr("index.html", readable)
    return buffer.getvalue()
