"""Optional TOTP two-factor authentication, through allauth's MFA pages."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from conftest import Cast
from tests.factories import TEST_PASSWORD


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_person_turns_on_two_factor_and_then_needs_a_code_to_sign_in(cast: Cast) -> None:
    email = "a_participant@org.test"
    client = Client()
    sign_in(client, email)
    # Changing security settings asks for the password again, however recent the sign-in.
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302

    fresh = Client()
    response = fresh.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Without the code the person is not yet signed in.
    assert fresh.get(reverse("accounts:profile")).status_code == 302
    response = fresh.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert fresh.get(reverse("accounts:profile")).status_code == 200


def test_two_factor_is_optional(cast: Cast) -> None:
    client = Client()
    sign_in(client, "a_sponsor@org.test")
    assert client.get(reverse("accounts:profile")).status_code == 200
