"""Writing the audit log. Services call `audit_record`; nothing else writes events."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from actionset.core.models import AuditEvent


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    organisation: Any = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "public_id", None) or target.pk)
    if organisation is None and target is not None:
        organisation = getattr(target, "organisation", None)
    return AuditEvent.objects.create(
        actor=user,
        actor_email=getattr(user, "email", "") or "",
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target_id,
        target_label=str(target)[:200] if target is not None else "",
        organisation=organisation,
        detail=detail or {},
        ip_address=_client_ip(request),
    )
