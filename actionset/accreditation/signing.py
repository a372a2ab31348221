"""The provider's Ed25519 signing key, its published public half (a JWK), and signing and checking VC-JWTs.

Where the private key comes from, in order:

1. `ACCREDITATION_SIGNING_KEY`: the PEM text of an Ed25519 private key (a Django setting or environment variable);
2. `ACCREDITATION_SIGNING_KEY_FILE`: the path of such a PEM file;
3. otherwise, in development and demo mode only (`DEBUG` or `DEMO_MODE`): a *demo key* derived from `SECRET_KEY`
   (HKDF-SHA256), the same on every start without being stored anywhere. Its `kid` starts with `demo-`, and the
   verification page and certificate say that it is a demonstration.

With none of these there is no key: `signing_available()` is false, `sign` raises `SigningKeyMissing`, and the
credentials recorded meanwhile wait unsigned (`manage.py accreditation_sign_pending` signs them once a key is set).
A key derived from a secret the operator never chose to make a signing key is never used in production.

The private key is never written to the database. Credentials name the key that signed them (`kid`, its RFC 7638
thumbprint), and the public key is published as a JWKS and in the issuer profile. After a change of key, the public
keys of earlier ones stay published (`ACCREDITATION_RETIRED_KEYS_FILE`: a file of PEM public keys), so that
credentials signed before the change still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "EdDSA"
#: Starts the `kid` of the demo key, so that every credential it signs names itself a demonstration.
DEMO_KID_PREFIX = "demo-"


class SigningKeyMissing(ImproperlyConfigured):
    """Raised when something must be signed and no signing key is configured (nor demo mode on)."""


def _configured(name: str) -> str:
    value = getattr(settings, name, None) or os.environ.get(name, "")
    return str(value).strip()


def key_source() -> str:
    """ "setting", "file", "demo" or "none": for the deployment check, the assessor's message and the docs."""
    if _configured("ACCREDITATION_SIGNING_KEY"):
        return "setting"
    if _configured("ACCREDITATION_SIGNING_KEY_FILE"):
        return "file"
    if settings.DEBUG or getattr(settings, "DEMO_MODE", False):
        return "demo"
    return "none"


def signing_available() -> bool:
    return key_source() != "none"


@lru_cache(maxsize=4)
def _load(pem: str, path: str, secret: str) -> Ed25519PrivateKey:
    if path and not pem:
        with open(path, "rb") as handle:
            pem = handle.read().decode()
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("ACCREDITATION_SIGNING_KEY must be an Ed25519 private key (PEM)")
        return key
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"actionset accreditation", info=b"ed25519 signing key"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    if not signing_available():
        raise SigningKeyMissing(
            "No key signs Open Badges credentials: set ACCREDITATION_SIGNING_KEY_FILE to an Ed25519 private key (PEM)."
        )
    return _load(
        _configured("ACCREDITATION_SIGNING_KEY"), _configured("ACCREDITATION_SIGNING_KEY_FILE"), settings.SECRET_KEY
    )


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk() -> dict[str, str]:
    """The current public key as a JWK (RFC 8037), with its thumbprint (RFC 7638) as `kid` (`demo-` first for the
    demo key). Raises `SigningKeyMissing` when there is no key."""
    return _jwk(public_key(), demo=key_source() == "demo")


@lru_cache(maxsize=4)
def _retired(path: str) -> tuple[Ed25519PublicKey, ...]:
    if not path:
        return ()
    with open(path, "rb") as handle:
        blocks = handle.read().decode().split("-----END PUBLIC KEY-----")
    keys = []
    for block in blocks:
        if "-----BEGIN PUBLIC KEY-----" in block:
            key = serialization.load_pem_public_key((block.strip() + "\n-----END PUBLIC KEY-----\n").encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ImproperlyConfigured("ACCREDITATION_RETIRED_KEYS_FILE must hold Ed25519 public keys (PEM)")
            keys.append(key)
    return tuple(keys)


def retired_keys() -> tuple[Ed25519PublicKey, ...]:
    return _retired(_configured("ACCREDITATION_RETIRED_KEYS_FILE"))


def key_for(kid: str) -> Ed25519PublicKey | None:
    """The published public key named `kid`, current or retired."""
    if signing_available() and public_jwk()["kid"] == kid:
        return public_key()
    for key in retired_keys():
        if _jwk(key)["kid"] == kid:
            return key
    return None


def _jwk(key: Ed25519PublicKey, *, demo: bool = False) -> dict[str, str]:
    raw = key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    x = _b64url(raw)
    # The thumbprint hashes the required members only, in lexicographic order, with no whitespace.
    thumbprint = _b64url(
        hashlib.sha256(
            json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True).encode()
        ).digest()
    )
    kid = f"{DEMO_KID_PREFIX}{thumbprint}" if demo else thumbprint
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def jwks() -> dict[str, Any]:
    current = [public_jwk()] if signing_available() else []
    return {"keys": [*current, *(_jwk(key) for key in retired_keys())]}


def sign(payload: dict[str, Any], *, typ: str = "vc+jwt") -> str:
    """A compact JWS over `payload`, its header naming the key (`kid`) and carrying the public key (`jwk`)."""
    jwk = public_jwk()
    header = {"kid": jwk["kid"], "typ": typ, "jwk": {k: jwk[k] for k in ("kty", "crv", "x")}}
    return jwt.encode(payload, private_key(), algorithm=ALGORITHM, headers=header)


def verify(token: str, key: Any = None) -> dict[str, Any]:
    """The payload of `token` if its signature is good (with `key`, or the published key its header names)."""
    if key is None:
        key = key_for(str(jwt.get_unverified_header(token).get("kid", "")))
        if key is None:
            raise jwt.InvalidKeyError("signed with a key that is not published")
    return jwt.decode(
        token,
        key=key,
        algorithms=[ALGORITHM],
        options={"verify_aud": False, "verify_exp": True, "verify_nbf": True},
    )
