"""Sign-in throttling that holds across processes and restarts, and that a stranger cannot use to keep a person out.

The suite switches allauth's limits off (every test signs in from one address); these tests put the production
limits back, from the settings module itself.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache.backends import locmem
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionset import settings as production
from conftest import Cast
from tests.factories import TEST_PASSWORD

TOO_MANY = "Too many failed login attempts"
PERSON = "a_sponsor@org.test"


@pytest.fixture
def limits(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS


def sign_in(client: Client, password: str, login: str = PERSON) -> str:
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    return "signed in" if response.status_code == 302 else response.content.decode()


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def restart_every_process() -> None:
    """What a restart (or another process) does to memory: nothing kept in it survives."""
    locmem._caches.clear()  # type: ignore[attr-defined]
    locmem._expire_info.clear()  # type: ignore[attr-defined]


def test_failed_sign_ins_are_counted_in_the_database_so_a_restart_or_another_process_still_sees_them(
    cast: Cast, limits: None
) -> None:
    stranger = from_address("198.51.100.9")
    for _ in range(3):
        assert TOO_MANY not in sign_in(stranger, "wrong-guess")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM actionset_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("login_failed" in key for key in keys)

    restart_every_process()
    for _ in range(2):
        assert TOO_MANY not in sign_in(stranger, "wrong-guess")
    assert TOO_MANY in sign_in(stranger, "wrong-guess")


def test_twenty_wrong_passwords_from_one_address_are_throttled_even_spread_over_accounts(
    cast: Cast, limits: None
) -> None:
    attacker = from_address("198.51.100.9")
    logins = [user.email for user in cast.users.values()]
    answers = [sign_in(attacker, "wrong-guess", login=logins[n % len(logins)]) for n in range(20)]
    assert TOO_MANY not in answers[0]
    assert TOO_MANY in answers[-1]


def test_after_a_strangers_wrong_guesses_the_person_signs_in_with_the_right_password_from_their_own_address(
    cast: Cast, limits: None
) -> None:
    stranger = from_address("198.51.100.9")
    for _ in range(20):
        sign_in(stranger, "wrong-guess")
    assert TOO_MANY in sign_in(stranger, TEST_PASSWORD)  # the stranger's own address is held back

    assert sign_in(from_address("203.0.113.7"), TEST_PASSWORD) == "signed in"


def test_when_guesses_from_many_addresses_hold_an_account_back_a_reset_link_lets_the_person_in(
    cast: Cast, limits: None, settings: Any
) -> None:
    # The limit for an account across every address is much higher in production; the same mechanism, smaller.
    settings.ACCOUNT_RATE_LIMITS = {**production.ACCOUNT_RATE_LIMITS, "login_failed_account": "6/d/key"}
    for address in ("198.51.100.9", "198.51.100.10", "198.51.100.11"):
        for _ in range(2):
            sign_in(from_address(address), "wrong-guess")
    person = from_address("203.0.113.7")
    refused = sign_in(person, TEST_PASSWORD)
    assert "reset your password" in refused.lower()

    person.post(reverse("account_reset_password"), {"email": PERSON})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    form = person.get(urlsplit(link.group(0)).path, follow=True)
    person.post(form.redirect_chain[-1][0], {"password1": "a-new-long-password", "password2": "a-new-long-password"})

    assert sign_in(from_address("203.0.113.7"), "a-new-long-password") == "signed in"
