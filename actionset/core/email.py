"""Email with a plain-text and an HTML part: rendered in the request, sent by the worker.

`email_send` renders the message where the caller is (with its language and data) and queues it as a task
(`actionset.core.tasks.email_deliver`). On the database backend the queue is an outbox: a message queued inside a
transaction exists exactly when the transaction commits. The worker sends it, and tries again later while the mail
server is unreachable, so a request never waits on SMTP and never fails because of it.

allauth's own emails (password reset) take the same way through `QueuedMailAdapter`, which the account adapter
includes.

Mail goes to the task backend named "mail" when `TASKS` has one, else to "default". The tests name one that sends at
once, so that `django.core.mail.outbox` fills as the request runs while compositions stay queued.
"""

from __future__ import annotations

import base64
import logging
from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string

from actionset.core import extensions
from actionset.core.tasks import email_deliver

logger = logging.getLogger("actionset.email")


def email_send(
    *, to: list[str], template: str, context: dict[str, Any], attachments: list[tuple[str, bytes, str]] | None = None
) -> None:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` and queue them for sending.

    Templates live in `templates/email/`; the HTML part is a courtesy, the text part is complete on its own. The
    subject and text part are plain text (nothing HTML-escaped); the subject is one line whatever the data holds.
    An address holding a line break is refused (logged), never turned into a header.
    """
    context = {**extensions.shared_context(), "site_url": settings.SITE_URL, **context}
    _queue(
        {
            "template": template,
            "to": to,
            "subject": _render_plain(f"email/{template}_subject.txt", context),
            "text": _render_plain(f"email/{template}.txt", context),
            "html": render_to_string(f"email/{template}.html", context),
            # Task arguments are JSON: attachments (calendar files) travel as base64.
            "attachments": [
                {"filename": filename, "content": base64.b64encode(content).decode("ascii"), "mimetype": mimetype}
                for filename, content, mimetype in attachments or []
            ],
        }
    )


class QueuedMailAdapter(DefaultAccountAdapter):
    """allauth's own emails (password reset) rendered by allauth and sent by the worker like every other."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        alternatives = getattr(message, "alternatives", [])
        _queue(
            {
                "template": template_prefix,
                "to": list(message.to),
                "subject": str(message.subject),
                "text": str(message.body),
                "html": next((str(part) for part, mimetype in alternatives if mimetype == "text/html"), ""),
                "attachments": [],
            }
        )


def _queue(message: dict[str, Any]) -> None:
    recipients = [address for address in message["to"] if address and "\r" not in address and "\n" not in address]
    if len(recipients) != len(message["to"]):
        refused = len(message["to"]) - len(recipients)
        logger.warning("email %s: refused %d address(es) empty or holding a line break", message["template"], refused)
    if not recipients:
        return
    subject = " ".join(message["subject"].split())  # one line, whatever a name in it held
    # From the provider by name, and replies to its contact address: our emails ask people to reply, and the
    # sending address itself is not read.
    from_name, reply_to = extensions.mail_sender()
    email_deliver.using(backend="mail" if "mail" in settings.TASKS else "default").enqueue(
        {**message, "to": recipients, "subject": subject, "from_name": from_name, "reply_to": reply_to}
    )


def _render_plain(name: str, context: dict[str, Any]) -> str:
    # Autoescaping is for HTML: in a subject or a text part it would turn O'Brien into O&#x27;Brien.
    engine = cast(DjangoTemplates, engines["django"]).engine
    return engine.get_template(name).render(Context(context, autoescape=False))
