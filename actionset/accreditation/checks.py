"""Deployment check: credentials are signed only with a key the operator chose, never one derived for demos."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register

from actionset.accreditation.signing import key_source


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    source = key_source()
    if source in ("setting", "file"):
        return []
    what = (
        "Open Badges credentials are signed with a demo key derived from SECRET_KEY (DEBUG or DEMO_MODE is on)."
        if source == "demo"
        else "No key signs Open Badges credentials: a pass records the certificate, but its credential stays unsigned."
    )
    return [
        Warning(
            what,
            hint="Set ACCREDITATION_SIGNING_KEY_FILE (or ACCREDITATION_SIGNING_KEY) to an Ed25519 private key in "
            "PEM, then run `manage.py accreditation_sign_pending`; see docs/accreditation.md. Changing keys later "
            "needs the old public key kept published.",
            id="accreditation.W001",
        )
    ]
