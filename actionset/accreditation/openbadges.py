"""Open Badges 3.0 credentials: an OpenBadgeCredential in the W3C Verifiable Credentials data model v2, as a VC-JWT.

The JWT's payload is the credential itself (its members at the top level), with the registered claims `iss`, `jti`,
`sub` and `nbf` mirroring `issuer.id`, `id`, the subject and `validFrom`. Revocation is published as a W3C Bitstring
Status List: each credential points at its bit in one list, itself a signed credential.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from typing import Any

from django.conf import settings
from django.urls import reverse

from actionset.accreditation import signing
from actionset.organisations.models import Provider

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: The status list's length in bits: the recommended minimum (16 KB), so a credential's index says little about it.
STATUS_LIST_BITS = 131_072


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_id() -> str:
    return absolute(reverse("accreditation:issuer"))


def issuer_profile() -> dict[str, Any]:
    provider = Provider.current()
    profile: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": provider.name,
        "url": absolute("/"),
    }
    if provider.contact_email:
        profile["email"] = provider.contact_email
    return profile


def status_list_url() -> str:
    return absolute(reverse("accreditation:status_list"))


def credential_url(credential: Any) -> str:
    return absolute(reverse("accreditation:verify", kwargs={"credential": str(credential.public_id)}))


def _identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _iso(moment: Any) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_payload(credential: Any) -> dict[str, Any]:
    """The OpenBadgeCredential for `credential` (a saved Credential with its portfolio, award and candidate)."""
    portfolio = credential.portfolio
    award = portfolio.award
    candidate = portfolio.candidate
    url = credential_url(credential)
    # The recipient is identified by a salted hash of their email: a verifier who is told the email can check it,
    # and nobody else can read it from the credential.
    salt = str(credential.public_id)[:8]
    issued = credential.issued_at
    payload: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {k: v for k, v in issuer_profile().items() if k != "@context"},
        "validFrom": _iso(issued),
        "name": award.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": _identity_hash(candidate.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": f"urn:uuid:{award.public_id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": award.name,
                "description": award.summary,
                "criteria": {"narrative": award.criteria},
                "creator": {"id": issuer_id(), "type": ["Profile"], "name": issuer_profile()["name"]},
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_list_url(),
        },
        # JWT registered claims, as VC-JWT verifiers expect them.
        "iss": issuer_id(),
        "jti": url,
        "sub": _identity_hash(candidate.email, salt),
        "nbf": int(issued.timestamp()),
    }
    return payload


def credential_sign(credential: Any) -> str:
    return signing.sign(credential_payload(credential))


def encode_bitstring(revoked_indexes: list[int]) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; bit 0 is the left-most bit of byte 0."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()


def decode_bitstring(encoded: str) -> bytes:
    data = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_payload(revoked_indexes: list[int], *, valid_from: Any) -> dict[str, Any]:
    url = status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked_indexes),
        },
        "iss": issuer_id(),
        "jti": url,
        "nbf": int(valid_from.timestamp()),
    }
