"""Every response carries a Content Security Policy and a Permissions-Policy; the environment switches each.

The settings are read once, when Django starts: the switches are tested in a subprocess with an environment of its
own, the headers they lead to in this process with the settings overridden.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.fresh_process import django_json

EXPECTED_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def settings_in_a_fresh_process(**environment: str) -> dict[str, Any]:
    """The security settings Django starts with under `environment` (development mode, nothing else inherited)."""
    return django_json(
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'csp': s.CONTENT_SECURITY_POLICY, 'csp_report_only': s.CONTENT_SECURITY_POLICY_REPORT_ONLY,"
        " 'permissions_policy': s.PERMISSIONS_POLICY, 'middleware': s.MIDDLEWARE}))",
        **environment,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_every_response_carries_the_content_security_policy(client: Client, path: str) -> None:
    response = client.get(path)

    assert directives(response["Content-Security-Policy"]) == EXPECTED_DIRECTIVES
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_every_response_carries_a_permissions_policy_denying_devices_and_tracking(client: Client) -> None:
    response = client.get("/accounts/login/")

    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_in_report_only_mode_the_same_policy_is_sent_under_the_report_only_header(
    client: Client, settings: Any
) -> None:
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None

    response = client.get("/accounts/login/")

    assert "Content-Security-Policy" not in response
    assert directives(response["Content-Security-Policy-Report-Only"]) == EXPECTED_DIRECTIVES


def test_the_policy_is_enforced_by_default_in_development_too() -> None:
    started = settings_in_a_fresh_process()

    assert started["csp"]["DIRECTIVES"] == EXPECTED_DIRECTIVES
    assert started["csp_report_only"] is None
    assert "csp.middleware.CSPMiddleware" in started["middleware"]


def test_csp_report_only_switches_the_policy_to_report_only() -> None:
    started = settings_in_a_fresh_process(CSP_REPORT_ONLY="1")

    assert started["csp"] is None
    assert started["csp_report_only"]["DIRECTIVES"] == EXPECTED_DIRECTIVES


def test_the_permissions_policy_is_on_by_default_and_switched_off_by_the_environment() -> None:
    default = settings_in_a_fresh_process()
    off = settings_in_a_fresh_process(PERMISSIONS_POLICY="off")

    assert all(default["permissions_policy"][feature] == [] for feature in DENIED_FEATURES)
    assert off["permissions_policy"] == {}


@pytest.mark.django_db
def test_with_the_permissions_policy_switched_off_no_header_is_sent(client: Client, settings: Any) -> None:
    settings.PERMISSIONS_POLICY = {}

    response = client.get("/accounts/login/")

    assert "Permissions-Policy" not in response
