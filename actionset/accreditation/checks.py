"""Deployment check: credentials must be signed with a key the operator holds, not one derived for demos."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from actionset.accreditation.signing import key_source

    if key_source() != "derived":
        return []
    return [
        Warning(
            "Open Badges credentials are signed with a key derived from SECRET_KEY.",
            hint="Set ACCREDITATION_SIGNING_KEY_FILE (or ACCREDITATION_SIGNING_KEY) to an Ed25519 private key in "
            "PEM; see docs/accreditation.md. Changing keys later needs the old public key kept published.",
            id="accreditation.W001",
        )
    ]
