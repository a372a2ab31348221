"""The audit log speaks one vocabulary, and staff find events by what happened in their own words."""

from __future__ import annotations

from django.urls import reverse

from actionset.core.audit import AuditAction, audit_record
from actionset.core.models import AuditEvent
from conftest import Cast


def test_every_kind_of_event_has_a_distinct_description() -> None:
    labels = [str(a.label) for a in AuditAction]
    assert len(labels) == len(set(labels))
    assert all(a.value == a.value.lower() for a in AuditAction)


def test_the_log_shows_events_in_peoples_words_and_filters_by_them(cast: Cast) -> None:
    admin = cast.users["administrator"]
    audit_record(actor=admin, action=AuditAction.ACCOUNT_EMAIL_CHANGED, target=cast.users["a_participant"])
    audit_record(actor=admin, action=AuditAction.STAFF_ROLES_CHANGED, target=cast.users["designer"])
    client = cast.client("administrator")

    page = client.get(reverse("core:audit"), {"q": "address"}).content.decode()
    assert "Sign-in address changed" in page
    assert "Staff roles changed" not in page.split("<tbody>")[1]

    page = client.get(reverse("core:audit"), {"action": AuditAction.STAFF_ROLES_CHANGED.value}).content.decode()
    assert "Staff roles changed" in page.split("<tbody>")[1]
    assert "Sign-in address changed" not in page.split("<tbody>")[1]


def test_events_written_before_the_vocabulary_still_read_in_words(cast: Cast) -> None:
    AuditEvent.objects.create(action="login", actor_email="someone@example.org")
    page = cast.client("administrator").get(reverse("core:audit")).content.decode()
    assert "Signed in" in page.split("<tbody>")[1]
