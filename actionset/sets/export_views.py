"""The set lists a designer downloads for the client (sets/set_lists.py)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

from actionset.accounts.http import user_of
from actionset.core import spreadsheets
from actionset.core.access import access
from actionset.core.audit import AuditAction, audit_record
from actionset.programmes.models import Programme
from actionset.sets.set_lists import FORMATS, set_lists_file

CONTENT_TYPES = {**spreadsheets.EXPORT_FORMATS, "pdf": "application/pdf"}


@dataclass(frozen=True)
class SetListsExport:
    """What the URL names. The rule judges it by its programme, like the board it comes from."""

    programme: Programme
    fmt: str


def export_from_url(*, programme: UUID, fmt: str) -> SetListsExport:
    if fmt not in FORMATS:
        raise Http404
    found = get_object_or_404(Programme.objects.select_related("organisation"), public_id=programme)
    return SetListsExport(programme=found, fmt=fmt)


@access("programme.design", load=export_from_url)
def set_lists_export(request: HttpRequest, export: SetListsExport) -> HttpResponse:
    programme = export.programme
    content = set_lists_file(programme, export.fmt)
    audit_record(
        actor=user_of(request),
        action=AuditAction.SETS_EXPORTED,
        target=programme,
        organisation=programme.organisation,
        detail={"format": export.fmt},
        request=request,
    )
    name = f"{slugify(programme.title) or 'programme'}-sets-{timezone.localdate():%Y-%m-%d}.{export.fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[export.fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Names and email addresses: no shared cache should keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
