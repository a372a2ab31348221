"""What the privacy app keeps of its own: subject-access archives waiting to be downloaded, legal holds, and the
provider's retention schedule."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionset.core.models import BaseModel


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def expired(self, now: dt.datetime | None = None) -> DataExportQuerySet:
        return self.filter(expires_at__lt=now or timezone.now())


class DataExport(BaseModel):
    """One subject-access archive: asked for by the person themselves or by staff on their behalf, built by the
    worker, downloadable by whoever asked until it expires. The archive holds the person's data, so it is kept for
    days, not months."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")

    #: How long a built archive may be downloaded before the retention job deletes it.
    KEEP = dt.timedelta(days=7)

    #: Whose data: the login, or the directory entry of someone without one.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_person = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    archive = models.BinaryField(null=True, blank=True, editable=False)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Data export {str(self.public_id)[:8]}"

    @property
    def organisation(self) -> None:
        # Audited under no client organisation: a login may belong to several.
        return None


class LegalHold(BaseModel):
    """While a hold stands, a person's data may not be erased (a claim, an investigation, a tribunal)."""

    person = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=200)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Legal hold {str(self.public_id)[:8]}"


class RetentionKind(models.TextChoices):
    """The kinds of data the retention schedule covers, each with its own period."""

    JOURNALS = "journals", _("Learning journals (after the entry was last changed)")
    SET_CONTENT = "set_content", _("What sets wrote in their meetings (after the programme closed)")
    SURVEY_ANSWERS = "survey_answers", _("Survey answers (after they were given)")
    ENQUIRIES = "enquiries", _("Enquiries that did not become clients (after the last activity)")
    BOOKINGS = "bookings", _("Course bookings (after the course's last session)")
    AUDIT_EVENTS = "audit_events", _("Audit log events (after they were recorded)")


class RetentionPeriod(models.Model):
    """The provider's period for one kind of data, in months. Missing rows mean the default (`retention.BOUNDS`)."""

    kind = models.CharField(max_length=20, choices=RetentionKind.choices, unique=True)
    months = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.kind}: {self.months} months"
