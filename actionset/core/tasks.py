"""Sending queued mail: the worker's side of `actionset.core.email.email_send`."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task, task_backends

from actionset.core.audit import AuditAction, audit_record

logger = logging.getLogger("actionset.email")

#: Minutes to wait before each retry: eight tries over about a day and a half of a mail server being unreachable,
#: then the message is given up, logged and recorded in the audit log for staff.
RETRY_MINUTES = (1, 5, 30, 120, 360, 720, 1440)

#: How long a sent message stays in the queue's table. Its text holds links (invitations, bookings) that are
#: stored nowhere else in the clear, so it is not kept for long.
KEEP_SENT = dt.timedelta(days=1)


@task(takes_context=True)
def email_deliver(context: TaskContext, message: dict[str, Any], attempt: int = 1) -> str:
    """Send one message rendered by `email_send`: "sent", "retrying" (queued again for later) or "failed".

    Never raises: whatever the mail server answers, the outcome is recorded and the queue moves on.
    """
    try:
        _send(message)
    except Exception as error:  # refused connections, time-outs, SMTP errors: all are worth another try
        return _retry_or_give_up(context, message, attempt, error)
    _forget_sent()
    return "sent"


def _sender(message: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The From header (the provider's name on the configured sending address) and Reply-To, as one-line values:
    a line break in a provider's name or address must never become a header of its own."""
    name = " ".join(str(message.get("from_name") or "").split())
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    from_email = formataddr((name, address)) if name and address else None
    reply_to = str(message.get("reply_to") or "")
    return from_email, [reply_to] if reply_to and "\r" not in reply_to and "\n" not in reply_to else []


def _send(message: dict[str, Any]) -> None:
    from_email, reply_to = _sender(message)
    email = EmailMultiAlternatives(
        subject=message["subject"], body=message["text"], from_email=from_email, to=message["to"], reply_to=reply_to
    )
    if message["html"]:
        email.attach_alternative(message["html"], "text/html")
    for attachment in message["attachments"]:
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    email.send()


def _retry_or_give_up(context: TaskContext, message: dict[str, Any], attempt: int, error: Exception) -> str:
    alias = context.task_result.backend
    if attempt <= len(RETRY_MINUTES) and task_backends[alias].supports_defer:
        run_after = timezone.now() + dt.timedelta(minutes=RETRY_MINUTES[attempt - 1])
        email_deliver.using(backend=alias, run_after=run_after).enqueue(message, attempt + 1)
        logger.warning(
            "email %s to %d recipient(s) not sent (try %d: %s); trying again at %s",
            message["template"],
            len(message["to"]),
            attempt,
            error,
            run_after.isoformat(),
        )
        return "retrying"
    logger.error("email %s to %s given up after %d tries: %s", message["template"], message["to"], attempt, error)
    audit_record(
        actor=None,
        action=AuditAction.EMAIL_SEND_FAILED,
        detail={
            "template": message["template"],
            "to": message["to"],
            "tries": attempt,
            "error": f"{type(error).__name__}: {error}"[:300],
        },
    )
    return "failed"


def _forget_sent() -> None:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=email_deliver.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=timezone.now() - KEEP_SENT,
    ).delete()
