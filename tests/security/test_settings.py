"""Production refuses unsafe defaults: no start on the published key, a clean `check --deploy`.

Each test starts Django in a subprocess with an environment of its own, as a deployment would: nothing of the test
run's environment (its test-only key included) leaks in.
"""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from actionset.accreditation import services
from actionset.accreditation.models import Credential
from actionset.accreditation.tests.factories import complete, portfolio_for
from actionset.core.models import AuditEvent
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "actionset.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**base, **env}, cwd=REPO, capture_output=True, text=True
    )


def signing_key_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        .decode()
    )


def production_environment() -> dict[str, str]:
    """What docs/deployment.md tells an operator to set."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "actionset.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://actionset.example.org",
        "SITE_URL": "https://actionset.example.org",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "ACCREDITATION_SIGNING_KEY": signing_key_pem(),
    }


def test_with_debug_off_and_no_secret_key_the_app_refuses_to_start_and_says_what_to_set() -> None:
    done = manage("check", env={})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    assert "DEBUG=1" in done.stderr  # the way out for development, named


def test_the_web_application_itself_refuses_to_load_without_a_secret_key() -> None:
    base = {"PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", "import actionset.wsgi"], env=base, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_the_development_key_published_in_the_repository_is_refused_too() -> None:
    done = manage("check", env={"SECRET_KEY": "insecure-development-key-do-not-use-in-production"})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_development_needs_only_debug() -> None:
    done = manage("check", env={"DEBUG": "1"})
    assert done.returncode == 0, done.stderr


def test_check_deploy_is_clean_with_the_production_environment_the_guide_gives() -> None:
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


# --- Open Badges: no credential signed with a key anyone could derive ------------------------------------------


@pytest.fixture
def no_signing_key(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production without ACCREDITATION_SIGNING_KEY(_FILE): DEBUG and demo mode off."""
    monkeypatch.delenv("ACCREDITATION_SIGNING_KEY", raising=False)
    monkeypatch.delenv("ACCREDITATION_SIGNING_KEY_FILE", raising=False)
    settings.ACCREDITATION_SIGNING_KEY = ""
    settings.ACCREDITATION_SIGNING_KEY_FILE = ""
    settings.DEBUG = False
    settings.DEMO_MODE = False


def pass_through_the_web(client: Client) -> tuple[Credential, Any]:
    trainer = UserFactory.create(staff_roles=["trainer"])
    candidate = UserFactory.create(name="Rachel Finch", email="rachel@example.org")
    portfolio = complete(portfolio_for(candidate), observer=trainer)
    services.portfolio_submit(actor=candidate, portfolio=portfolio)
    client.force_login(trainer)
    response = client.post(
        reverse("accreditation:decide", kwargs={"portfolio": portfolio.public_id}),
        {"outcome": "pass", "feedback": "Well evidenced."},
        follow=True,
    )
    assert response.status_code == 200
    return Credential.objects.get(portfolio=portfolio), response


@pytest.mark.django_db
def test_without_a_configured_signing_key_a_pass_records_the_certificate_but_signs_no_credential(
    no_signing_key: None,
) -> None:
    credential, response = pass_through_the_web(Client())

    # The pass and the certificate stand; nothing was signed with a key derived from SECRET_KEY.
    assert credential.token == ""
    page = response.content.decode()
    assert "ACCREDITATION_SIGNING_KEY_FILE" in page  # the assessor is told what the administrator must set
    anyone = Client()
    verify = anyone.get(reverse("accreditation:verify", kwargs={"credential": str(credential.public_id)}))
    assert verify.status_code == 200
    assert "Rachel Finch" in verify.content.decode()
    certificate = anyone.get(reverse("accreditation:certificate", kwargs={"credential": str(credential.public_id)}))
    assert certificate.status_code == 200
    for name in ("accreditation:credential_jwt", "accreditation:credential_json"):
        assert anyone.get(reverse(name, kwargs={"credential": str(credential.public_id)})).status_code == 404
    assert anyone.get(reverse("accreditation:jwks")).json() == {"keys": []}
    assert anyone.get(reverse("accreditation:status_list")).status_code == 404
    assert AuditEvent.objects.get(action="accreditation.credential_issue").detail["signed"] is False


@pytest.mark.django_db
def test_credentials_recorded_without_a_key_are_signed_once_the_administrator_configures_one(
    no_signing_key: None, settings: Any
) -> None:
    credential, _ = pass_through_the_web(Client())
    settings.ACCREDITATION_SIGNING_KEY = signing_key_pem()

    call_command("accreditation_sign_pending", stdout=io.StringIO())

    credential.refresh_from_db()
    anyone = Client()
    [jwk] = anyone.get(reverse("accreditation:jwks")).json()["keys"]
    token = anyone.get(reverse("accreditation:credential_jwt", kwargs={"credential": str(credential.public_id)}))
    payload = jwt.decode(token.content, key=jwt.PyJWK(jwk).key, algorithms=["EdDSA"])
    assert payload["id"].endswith(f"/credentials/{credential.public_id}/")
    assert credential.key_id == jwk["kid"]


@pytest.mark.django_db
def test_in_demo_mode_the_key_derived_from_secret_key_signs_and_is_labelled_a_demo_key(
    no_signing_key: None, settings: Any
) -> None:
    settings.DEMO_MODE = True
    credential, _ = pass_through_the_web(Client())

    assert credential.token
    assert credential.key_id.startswith("demo-")
    assert jwt.get_unverified_header(credential.token)["kid"] == credential.key_id
    verify = Client().get(reverse("accreditation:verify", kwargs={"credential": str(credential.public_id)}))
    assert "demonstration" in verify.content.decode().lower()
