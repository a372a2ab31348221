"""The enquiry form's spam rules: bots are dropped, people never lose what they typed."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.core.bots import form_stamp
from actionset.site import models as site
from actionset.site.services import EMAIL_LIMIT, IP_LIMIT
from actionset.site.tests.conftest import enquiry_post, link_in
from actionset.site.tests.factories import EnquiryFactory

URL = "/get-in-touch/"


@pytest.fixture
def staff(db: Any) -> Any:
    from tests.factories import UserFactory

    return UserFactory.create(email="designer@provider.test", staff_roles=["designer"])


def test_the_form_carries_a_signed_stamp_and_a_honeypot(client: Client, db: Any) -> None:
    html = client.get(URL).content.decode()
    assert 'name="started"' in html
    assert 'name="website"' in html
    assert 'aria-hidden="true"' in html
    assert "<script" not in html


def test_a_real_enquiry_is_kept_and_both_sides_are_emailed(
    client: Client, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, enquiry_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("site:enquire_thanks")
    enquiry = site.Enquiry.objects.get()
    assert enquiry.stage == site.Stage.NEW
    assert enquiry.held_at is None
    assert enquiry.privacy_consent_at is not None
    assert enquiry.client_ip == "127.0.0.1"
    to = [m.to for m in mail.outbox]
    assert ["rachel.moore@eastbrook.example"] in to
    assert ["designer@provider.test"] in to
    confirmation = next(m for m in mail.outbox if m.to == ["rachel.moore@eastbrook.example"])
    assert "/discovery-call/" in link_in(str(confirmation.body))
    assert "we have your enquiry" in client.get(reverse("site:enquire_thanks")).content.decode()


def test_a_filled_honeypot_is_dropped_silently_and_logged(
    client: Client, staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="actionset.site.spam"):
        response = client.post(URL, enquiry_post(website="http://cheap-pills.example"))
    # The bot is thanked like anyone else, so it has nothing to learn from.
    assert response.status_code == 302
    assert response["Location"] == reverse("site:enquire_thanks")
    assert not site.Enquiry.objects.exists()
    assert mail.outbox == []
    assert "honeypot" in caplog.text


def test_a_form_sent_too_fast_comes_back_with_everything_typed(client: Client, staff: Any) -> None:
    data = enquiry_post(started=form_stamp())
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing is lost" in html
    assert "Eastbrook District Council" in html
    assert "escalate instead of solving problems together" in html
    assert not site.Enquiry.objects.exists()
    # A fresh stamp: sending again once the minimum time has passed goes through.
    assert response.context["form"].data["started"] != data["started"]


def test_a_person_who_sends_again_after_a_too_fast_rejection_gets_through(
    client: Client, staff: Any, settings: Any
) -> None:
    response = client.post(URL, enquiry_post(started=form_stamp()))
    resent = dict(response.context["form"].data.items())
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    assert client.post(URL, resent).status_code == 302
    assert site.Enquiry.objects.get().organisation_name == "Eastbrook District Council"


@pytest.mark.parametrize("stamp", ["", "nonsense", "eyJ0IjoxfQ:1abc:forged"])
def test_a_missing_or_forged_stamp_is_treated_as_too_fast_not_as_spam(client: Client, staff: Any, stamp: str) -> None:
    response = client.post(URL, enquiry_post(started=stamp))
    assert response.status_code == 200
    assert "Eastbrook District Council" in response.content.decode()
    assert not site.Enquiry.objects.exists()


def test_invalid_input_comes_back_with_what_was_typed(client: Client, db: Any) -> None:
    response = client.post(URL, enquiry_post(email="not-an-address", consent=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We need your agreement" in html
    assert "escalate instead of solving problems together" in html


def test_over_the_email_limit_an_enquiry_is_held_not_lost(client: Client, staff: Any) -> None:
    count, _ = EMAIL_LIMIT
    for _ in range(count):
        EnquiryFactory.create(email="Rachel.Moore@eastbrook.example", client_ip="10.0.0.9")
    response = client.post(URL, enquiry_post())
    assert response.status_code == 302
    held = site.Enquiry.objects.held().get()
    assert held.challenge.startswith("Our senior managers")
    assert "email address" in held.held_reason
    # Nobody is emailed until a person has looked: the form cannot be used to send mail to strangers.
    assert mail.outbox == []
    assert (
        "Several enquiries have come from your address" in client.get(reverse("site:enquire_thanks")).content.decode()
    )
    assert held not in site.Enquiry.objects.in_pipeline()


def test_over_the_network_address_limit_an_enquiry_is_held(client: Client, staff: Any) -> None:
    count, _ = IP_LIMIT
    for n in range(count):
        EnquiryFactory.create(email=f"other{n}@example.org", client_ip="127.0.0.1")
    client.post(URL, enquiry_post())
    assert "network address" in site.Enquiry.objects.held().get().held_reason


def test_old_submissions_do_not_count_towards_the_limit(client: Client, staff: Any) -> None:
    count, window = EMAIL_LIMIT
    for _ in range(count):
        old = EnquiryFactory.create(email="rachel.moore@eastbrook.example")
        site.Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - window * 2)
    client.post(URL, enquiry_post())
    assert not site.Enquiry.objects.held().exists()


def test_releasing_a_held_enquiry_puts_it_in_the_pipeline_and_sends_the_emails(
    client: Client, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(EMAIL_LIMIT[0]):
        EnquiryFactory.create(email="rachel.moore@eastbrook.example")
    client.post(URL, enquiry_post())
    held = site.Enquiry.objects.held().get()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("site:enquiry_release", args=[held.public_id]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.held_at is None
    assert ["rachel.moore@eastbrook.example"] in [m.to for m in mail.outbox]


def test_discarding_is_only_for_held_enquiries(client: Client, staff: Any) -> None:
    live = EnquiryFactory.create()
    client.force_login(staff)
    client.post(reverse("site:enquiry_discard", args=[live.public_id]))
    assert site.Enquiry.objects.filter(pk=live.pk).exists()
