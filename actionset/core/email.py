"""Email with a plain-text and an HTML part, through Django's mail framework."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_send(
    *, to: list[str], template: str, context: dict[str, Any], attachments: list[tuple[str, bytes, str]] | None = None
) -> None:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` and send them.

    Templates live in `templates/email/`; the HTML part is a courtesy, the text part is complete on its own.
    """
    from actionset.organisations.models import Provider

    context = {"provider": Provider.current(), "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"email/{template}_subject.txt", context).strip()
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
