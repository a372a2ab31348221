from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Every domain object: an opaque public id for URLs and timestamps.

    The integer primary key stays internal; URLs carry `public_id` so that ids
    cannot be enumerated or counted by an outsider.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def recent(self) -> AuditEventQuerySet:
        return self.select_related("actor", "organisation").order_by("-created_at")


class AuditEvent(models.Model):
    """Who did what to which object, and when. Written by services, never edited."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still reads truthfully after a user is deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.target_label}"


class Heartbeat(models.Model):
    """When a background process (the worker, the scheduler) was last seen alive: what `/readyz` reads."""

    name = models.CharField(max_length=40, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} seen at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ScheduledJob(models.Model):
    """When the scheduler last queued one periodic job, so that two schedulers never queue it twice."""

    name = models.CharField(max_length=60, primary_key=True)
    last_queued_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name
