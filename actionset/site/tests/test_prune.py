"""Keeping only what the privacy notice says we keep."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from actionset.site import models as site
from actionset.site.services import enquiries_prune
from actionset.site.tests.factories import EnquiryFactory


def aged(enquiry: site.Enquiry, days: int) -> site.Enquiry:
    when = timezone.now() - dt.timedelta(days=days)
    site.Enquiry.objects.filter(pk=enquiry.pk).update(created_at=when, updated_at=when)
    return enquiry


def test_network_addresses_are_forgotten_after_90_days_and_the_enquiry_kept(db: Any) -> None:
    old = aged(EnquiryFactory.create(client_ip="192.0.2.1"), 91)
    recent = aged(EnquiryFactory.create(client_ip="192.0.2.2"), 10)
    assert enquiries_prune().addresses_cleared == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.client_ip is None
    assert recent.client_ip == "192.0.2.2"


def test_unreleased_held_enquiries_go_after_30_days(db: Any) -> None:
    EnquiryFactory.create(held_at=timezone.now() - dt.timedelta(days=31))
    kept = EnquiryFactory.create(held_at=timezone.now() - dt.timedelta(days=3))
    assert enquiries_prune().held_deleted == 1
    assert list(site.Enquiry.objects.all()) == [kept]


def test_enquiries_that_did_not_become_clients_go_two_years_after_the_last_activity(db: Any) -> None:
    lost = aged(EnquiryFactory.create(stage=site.Stage.LOST), 731)
    lost.notes.create(text="Went elsewhere.")
    won = aged(EnquiryFactory.create(stage=site.Stage.WON), 800)
    active = aged(EnquiryFactory.create(stage=site.Stage.LOST), 700)
    out = StringIO()
    call_command("site_prune", stdout=out)
    assert "old enquiries deleted: 1" in out.getvalue()
    assert set(site.Enquiry.objects.all()) == {won, active}
    assert not site.EnquiryNote.objects.exists()
