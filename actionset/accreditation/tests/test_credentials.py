"""Open Badges 3.0 credentials: verified with the key the provider publishes, with the fields OB 3.0 requires,
and revocation that shows on the public page and in the status list the credential points to."""

from __future__ import annotations

import io
import json
from typing import Any

import jwt
import pypdfium2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.urls import reverse

from actionset.accreditation import openbadges, services, signing
from actionset.accreditation.models import Credential
from actionset.accreditation.tests.factories import complete, portfolio_for
from actionset.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential() -> Credential:
    assessor = UserFactory.create(staff_roles=["trainer"])
    candidate = UserFactory.create(name="Rachel Finch", email="rachel@example.org")
    portfolio = complete(portfolio_for(candidate), observer=assessor)
    services.portfolio_submit(actor=candidate, portfolio=portfolio)
    services.portfolio_decide(actor=assessor, portfolio=portfolio, outcome="pass", feedback="")
    return Credential.objects.get(portfolio=portfolio)


def published_key(client: Client, kid: str) -> Any:
    jwks = client.get(reverse("accreditation:jwks")).json()
    [jwk] = [k for k in jwks["keys"] if k["kid"] == kid]
    assert "d" not in jwk, "the private part must never be published"
    return jwt.PyJWK(jwk).key


def test_the_credential_verifies_with_the_published_key_and_has_the_required_fields(credential: Credential) -> None:
    client = Client()
    token = client.get(
        reverse("accreditation:credential_jwt", kwargs={"credential": str(credential.public_id)})
    ).content
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "vc+jwt"

    vc = jwt.decode(token, key=published_key(client, header["kid"]), algorithms=["EdDSA"])

    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["id"].endswith(f"/credentials/{credential.public_id}/")
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["issuer"]["name"]
    assert vc["issuer"]["id"] == vc["iss"]
    assert vc["validFrom"].endswith("Z")
    assert vc["name"] == "Foundation Award in Action Learning Facilitation"
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["name"] == vc["name"]
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    # The recipient is named by a salted hash of their email: checkable by someone who knows it, unreadable otherwise.
    [identity] = subject["identifier"]
    assert identity["identityHash"] == openbadges._identity_hash("rachel@example.org", identity["salt"])
    assert "rachel" not in json.dumps(vc).lower()

    # The issuer's id is a URL that answers with its profile, which carries the same key.
    profile = client.get(reverse("accreditation:issuer")).json()
    assert profile["id"] == vc["issuer"]["id"]
    assert profile["publicKey"]["kid"] == header["kid"]


def test_a_tampered_credential_fails_verification(credential: Credential) -> None:
    client = Client()
    header, payload, signature = credential.token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b"Foundation", b"Advanced")
    ).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            f"{header}.{forged_payload}.{signature}",
            key=published_key(client, credential.key_id),
            algorithms=["EdDSA"],
        )
    other = Ed25519PrivateKey.generate()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(credential.token, key=other.public_key(), algorithms=["EdDSA"])


def test_revocation_shows_on_the_public_page_and_in_the_status_list(credential: Credential) -> None:
    client = Client()
    url = reverse("accreditation:verify", kwargs={"credential": str(credential.public_id)})
    page = client.get(url).content.decode()
    assert "This certificate is valid" in page
    assert "Rachel Finch" in page

    def revoked_bit() -> bool:
        status = jwt.decode(credential.token, options={"verify_signature": False})["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusPurpose"] == "revocation"
        list_token = client.get(reverse("accreditation:status_list")).content
        status_list = jwt.decode(
            list_token, key=published_key(client, jwt.get_unverified_header(list_token)["kid"]), algorithms=["EdDSA"]
        )
        assert status["statusListCredential"] == status_list["id"]
        bits = openbadges.decode_bitstring(status_list["credentialSubject"]["encodedList"])
        assert len(bits) * 8 == openbadges.STATUS_LIST_BITS
        return openbadges.is_set(bits, int(status["statusListIndex"]))

    assert revoked_bit() is False
    trainer = UserFactory.create(staff_roles=["trainer"])
    client.force_login(trainer)
    response = client.post(
        reverse("accreditation:revoke", kwargs={"credential": credential.public_id}), {"reason": "Issued in error."}
    )
    assert response.status_code == 302
    client.logout()

    page = client.get(url).content.decode()
    assert "This certificate has been revoked" in page
    assert "Issued in error." in page
    assert revoked_bit() is True
    event = AuditEvent.objects.get(action="accreditation.credential_revoke")
    assert (event.actor, event.target_id, event.detail) == (
        trainer,
        str(credential.public_id),
        {"reason": "Issued in error."},
    )
    # The certificate says so too.
    pdf = client.get(reverse("accreditation:certificate", kwargs={"credential": str(credential.public_id)})).content
    text = pypdfium2.PdfDocument(io.BytesIO(pdf))[0].get_textpage().get_text_range()
    assert "REVOKED" in text


def test_the_certificate_is_a_one_page_pdf_naming_the_recipient_and_where_to_verify(credential: Credential) -> None:
    response = Client().get(reverse("accreditation:certificate", kwargs={"credential": str(credential.public_id)}))
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(io.BytesIO(response.content))
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    assert "Rachel Finch" in text
    assert "Foundation Award in Action Learning Facilitation" in text
    assert str(credential.public_id) in text


def test_an_unknown_or_malformed_credential_id_is_not_found(db: Any) -> None:
    client = Client()
    assert client.get("/credentials/not-a-uuid/").status_code == 404
    assert client.get("/credentials/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_configured_pem_key_signs_instead_of_the_derived_one(settings: Any, credential: Credential) -> None:
    derived_kid = signing.public_jwk()["kid"]
    key = Ed25519PrivateKey.generate()
    settings.ACCREDITATION_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert signing.key_source() == "setting"
    jwk = signing.public_jwk()
    assert jwk["kid"] != derived_kid
    token = signing.sign({"hello": "world"})
    assert jwt.decode(token, key=key.public_key(), algorithms=["EdDSA"]) == {"hello": "world"}


def test_after_a_change_of_key_earlier_credentials_still_verify(settings: Any, tmp_path: Any) -> None:
    def pem(key: Ed25519PrivateKey) -> str:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.ACCREDITATION_SIGNING_KEY = pem(old)
    token = signing.sign({"id": "urn:example:old"})
    old_kid = signing.public_jwk()["kid"]

    settings.ACCREDITATION_SIGNING_KEY = pem(new)
    with pytest.raises(jwt.InvalidKeyError):
        signing.verify(token)
    retired = tmp_path / "retired.pem"
    retired.write_bytes(
        old.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    settings.ACCREDITATION_RETIRED_KEYS_FILE = str(retired)
    assert signing.verify(token) == {"id": "urn:example:old"}
    kids = [k["kid"] for k in Client().get(reverse("accreditation:jwks")).json()["keys"]]
    assert kids == [signing.public_jwk()["kid"], old_kid]
