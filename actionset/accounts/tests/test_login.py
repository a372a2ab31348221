from __future__ import annotations

from django.core import mail
from django.urls import reverse

from actionset.core.models import AuditEvent
from conftest import Cast
from tests.factories import TEST_PASSWORD


def test_people_sign_in_with_email_and_password_and_it_is_audited(cast: Cast) -> None:
    client = cast.client("anonymous")
    response = client.post(reverse("account_login"), {"login": "a_sponsor@org.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"].email == "a_sponsor@org.test"
    assert AuditEvent.objects.filter(action="login", actor=cast.users["a_sponsor"]).exists()


def test_a_wrong_password_is_refused(cast: Cast) -> None:
    response = cast.client("anonymous").post(
        reverse("account_login"), {"login": "a_sponsor@org.test", "password": "wrong"}
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="login").exists()


def test_sign_out_is_audited(cast: Cast) -> None:
    client = cast.client("a_sponsor")
    client.post(reverse("account_logout"))
    assert AuditEvent.objects.filter(action="logout", actor=cast.users["a_sponsor"]).exists()


def test_nobody_can_sign_up_without_an_invitation(cast: Cast) -> None:
    response = cast.client("anonymous").post(
        reverse("account_signup"),
        {"email": "x@example.com", "password1": "river-lantern-9", "password2": "river-lantern-9"},
    )
    assert b"closed" in response.content.lower()


def test_password_reset_sends_an_email_with_a_working_link(cast: Cast) -> None:
    cast.client("anonymous").post(reverse("account_reset_password"), {"email": "a_sponsor@org.test"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_two_factor_setup_page_offers_an_authenticator_app(cast: Cast) -> None:
    response = cast.client("a_participant").get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200


def test_repeated_failed_sign_ins_are_throttled(cast: Cast, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    client = cast.client("anonymous")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "a_sponsor@org.test", "password": "wrong"})
    # After five failures for this address even the right password is turned away for a while.
    response = client.post(reverse("account_login"), {"login": "a_sponsor@org.test", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    cache.clear()
