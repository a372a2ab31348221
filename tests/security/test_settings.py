"""Production refuses unsafe defaults: no start on the published key, a clean `check --deploy`.

Each test starts Django in a subprocess with an environment of its own, as a deployment would: nothing of the test
run's environment (its test-only key included) leaks in.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

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
