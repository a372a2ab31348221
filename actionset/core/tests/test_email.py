"""Mail through the worker: rendered in the request, queued in its transaction, sent by the worker with retries.

A mail server that is down never costs a request its answer; what people typed never becomes a header; subjects
and text parts are plain text.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from actionset.core.email import email_send
from actionset.core.models import AuditEvent
from actionset.organisations.models import Provider
from actionset.site.tests.conftest import enquiry_post
from conftest import Cast
from tests.factories import PersonFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_down(settings: Any) -> None:
    """An SMTP server that refuses connections, and mail queued for the worker as in production."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = a_closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.TASKS = DATABASE_QUEUE


def work_the_queue() -> None:
    """What `manage.py db_worker` does, until nothing is due."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def later() -> None:
    """Time passes: every retry waiting for its turn is due."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_with_the_mail_server_down_an_enquiry_and_an_invitation_answer_normally_and_the_mail_goes_later(
    cast: Cast, smtp_down: None, settings: Any, transactional_db: Any
) -> None:
    settings.SITE_URL = "http://testserver"
    enquiry = Client().post("/get-in-touch/", enquiry_post())
    assert enquiry.status_code == 302
    person = PersonFactory.create(organisation=cast.org_a, email="new.member@org.test", user=None)
    invite = cast.client("a_admin").post(
        reverse(
            "organisations:person_invite", kwargs={"organisation": cast.org_a.public_id, "person": person.public_id}
        )
    )
    assert invite.status_code == 302

    work_the_queue()  # the server is still down: each message is put back for later, none is lost
    assert mail.outbox == []
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() >= 2
    assert all(task.run_after > timezone.now() for task in waiting)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later()
    work_the_queue()
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert "rachel.moore@eastbrook.example" in recipients
    assert "new.member@org.test" in recipients


def test_with_the_mail_server_down_a_password_reset_answers_normally_and_its_link_goes_later(
    cast: Cast, smtp_down: None, settings: Any, transactional_db: Any
) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": "a_sponsor@org.test"})
    assert response.status_code == 302

    work_the_queue()
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later()
    work_the_queue()
    (message,) = mail.outbox
    assert message.to == ["a_sponsor@org.test"]
    assert "/accounts/password/reset/key/" in str(message.body)


def test_a_message_that_never_goes_is_given_up_after_a_few_tries_and_staff_can_see_it(
    smtp_down: None, transactional_db: Any
) -> None:
    email_send(to=["someone@example.org"], template="invitation", context={"link": "http://x/", "invited_by": None})
    for _ in range(20):
        work_the_queue()
        later()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    failure = AuditEvent.objects.get(action="email.send_failed")
    assert failure.detail["template"] == "invitation"
    assert failure.detail["to"] == ["someone@example.org"]


def test_a_name_with_a_line_break_never_becomes_a_header_and_the_staff_notice_still_goes(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/get-in-touch/", enquiry_post(organisation_name="Eastbrook\r\nBcc: everyone@example.org")
        )
    assert response.status_code == 302
    notice = next(m for m in mail.outbox if "New enquiry" in m.subject)
    headers = notice.message()
    assert headers["Bcc"] is None
    assert "\n" not in notice.subject
    assert "\r" not in notice.subject
    assert "Eastbrook Bcc: everyone@example.org" in notice.subject


def test_an_address_with_a_line_break_is_refused_and_the_others_still_get_the_message(db: Any) -> None:
    email_send(
        to=["ok@example.org", "bad@example.org\r\nBcc: everyone@example.org"],
        template="invitation",
        context={"link": "http://x/", "invited_by": None},
    )
    (message,) = mail.outbox
    assert message.to == ["ok@example.org"]


def test_subjects_and_text_parts_are_plain_text_and_only_the_html_part_is_escaped(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/get-in-touch/",
            enquiry_post(contact_name="Siobhán O'Brien <CEO>", organisation_name="O'Brien & Daughters"),
        )
    notice = next(m for m in mail.outbox if "New enquiry" in m.subject)
    assert "O'Brien & Daughters" in notice.subject
    assert "Siobhán O'Brien <CEO>" in notice.body
    assert "&#x27;" not in f"{notice.subject} {notice.body}"
    assert isinstance(notice, EmailMultiAlternatives)
    html = str(notice.alternatives[0][0])
    assert "O&#x27;Brien &amp; Daughters" in html
    assert "&lt;CEO&gt;" in html


def test_attachments_travel_through_the_queue_unchanged(smtp_down: None, settings: Any, transactional_db: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    email_send(
        to=["someone@example.org"],
        template="invitation",
        context={"link": "http://x/", "invited_by": None},
        attachments=[("meeting.ics", calendar, "text/calendar; method=REQUEST")],
    )
    assert mail.outbox == []  # queued, not sent in the request
    work_the_queue()
    (message,) = mail.outbox
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "meeting.ics"
    assert mimetype.startswith("text/calendar")
    assert (content.encode() if isinstance(content, str) else content) == calendar


@pytest.mark.django_db
def test_mail_comes_from_the_provider_by_name_and_replies_go_to_its_contact_address(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "actionset <no-reply@provider.example>"
    provider = Provider.current()
    provider.name, provider.contact_email = "Kestrel\r\nBcc: victim@example.com Learning", "hello@kestrel.example"
    provider.save()
    email_send(to=["ann@example.com"], template="invitation", context={"link": "http://x/", "invited_by": None})

    [message] = mail.outbox
    assert message.from_email == '"Kestrel Bcc: victim@example.com Learning" <no-reply@provider.example>'
    assert message.reply_to == ["hello@kestrel.example"]
    assert "Bcc" not in message.message()
