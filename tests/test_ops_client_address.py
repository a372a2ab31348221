"""The client's address comes from the trusted proxies only: the audit log and the enquiry limit see each person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.site.models import Enquiry
from actionset.site.services import IP_LIMIT
from actionset.site.tests.conftest import enquiry_post

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def enquire(client: Client, forwarded_for: str | None, email: str = "rachel.moore@eastbrook.example") -> Enquiry:
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    client.post(reverse("site:enquire"), enquiry_post(email=email), **headers)  # type: ignore[arg-type]
    enquiry = Enquiry.objects.order_by("-created_at").first()
    assert enquiry is not None
    return enquiry


def test_behind_one_proxy_the_enquiry_and_its_audit_event_record_the_visitors_own_address(
    client: Client, settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The visitor wrote the first entry themselves; only the last one is the proxy's word.
    enquiry = enquire(client, "1.2.3.4, 203.0.113.7")
    assert enquiry.client_ip == "203.0.113.7"
    event = AuditEvent.objects.get(action="enquiry.received")
    assert event.ip_address == "203.0.113.7"


def test_behind_a_proxy_visitors_from_different_addresses_do_not_share_one_limit(client: Client, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limit, _ = IP_LIMIT
    for n in range(limit):
        enquire(client, f"198.51.100.{n + 1}", email=f"person{n}@example.org")
    newcomer = enquire(client, "198.51.100.200", email="newcomer@example.org")
    assert newcomer.held_at is None
    assert Enquiry.objects.filter(held_at__isnull=False).count() == 0


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(client: Client, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    enquiry = enquire(client, "203.0.113.7")
    assert enquiry.client_ip == PROXY


def test_a_request_that_bypassed_the_proxies_falls_back_on_the_connections_address(
    client: Client, settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert enquire(client, "203.0.113.7").client_ip == PROXY
    assert enquire(client, None, email="other@example.org").client_ip == PROXY


def test_a_forwarded_entry_that_is_no_address_is_not_stored(client: Client, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert enquire(client, "not-an-address").client_ip == PROXY
