"""A small OpenID Connect identity provider the test suite starts on the loopback, in a thread of its own.

It speaks the real protocol to allauth over real HTTP: discovery (`/.well-known/openid-configuration`), a JWKS,
the authorization code flow with PKCE (S256), client authentication at the token endpoint, and ID tokens signed with
RS256 (PyJWT over `cryptography`, both pinned by the project). Its sign-in page is a form: a browser test fills it as
a person would; other tests post it straight from Python. Whoever "signs in" gets the claims registered for their
address with `add_person`, so a test says exactly what the identity provider vouches for (a verified address or not).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

#: One key for the whole run: generating RSA keys is the slow part of starting a provider.
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Client:
    client_id: str
    secret: str


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    claims: dict[str, Any]
    challenge: str
    nonce: str | None


@dataclass
class IdentityProvider:
    """The provider's state: registered clients, the people it knows, and codes it has handed out."""

    issuer: str = ""
    kid: str = field(default_factory=lambda: secrets.token_hex(4))
    clients: dict[str, Client] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    #: Every token request, for tests that check how the client authenticated.
    token_requests: list[dict[str, Any]] = field(default_factory=list)

    def add_client(self, client_id: str = "actionset", secret: str = "") -> Client:
        client = Client(client_id, secret or secrets.token_urlsafe(24))
        self.clients[client_id] = client
        return client

    def add_person(self, email: str, *, sub: str | None = None, email_verified: bool = True, **claims: Any) -> str:
        """Someone who can sign in here; returns their subject (`sub`), stable for the address."""
        subject = sub or hashlib.sha256(f"{self.issuer}|{email}".encode()).hexdigest()[:20]
        self.people[email.lower()] = {"sub": subject, "email": email, "email_verified": email_verified, **claims}
        return subject

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(_KEY.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def sign_in(self, query: dict[str, str], email: str) -> str:
        """The redirect back to the client after `email` signs in at the authorization request `query`."""
        client = self.clients.get(query.get("client_id", ""))
        if client is None or query.get("response_type") != "code":
            raise ValueError("unknown client or unsupported response type")
        person = self.people.get(email.strip().lower())
        redirect_uri = query["redirect_uri"]
        if person is None:
            return f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            claims=dict(person),
            challenge=query.get("code_challenge", ""),
            nonce=query.get("nonce"),
        )
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        self.token_requests.append({"client_id": client_id, "basic": authorization.startswith("Basic ")})
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant.challenge:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims = {**grant.claims, "iss": self.issuer, "aud": client_id, "iat": now, "exp": now + 300}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode(claims, _KEY, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(24)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}


SIGN_IN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title>
</head><body><h1>Test identity provider</h1><form method="post" action="/authorize?{query}">
<label>Email <input type="email" name="email" autocomplete="off"></label>
<button type="submit">Continue</button></form></body></html>"""


def _handler(provider: IdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict[str, Any]) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self) -> None:
            path = urlparse(self.path).path
            if path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif path == "/jwks":
                self._json(200, provider.jwks())
            elif path == "/authorize":
                query = html.escape(urlparse(self.path).query)
                self._send(200, SIGN_IN_PAGE.format(query=query).encode(), "text/html; charset=utf-8")
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            path = urlparse(self.path).path
            if path == "/authorize":
                try:
                    location = provider.sign_in(self._query(), self._form().get("email", ""))
                except (KeyError, ValueError):
                    self._json(400, {"error": "invalid_request"})
                    return
                self._send(302, b"", "text/plain", {"Location": location})
            elif path == "/token":
                status, body = provider.token(self._form(), self.headers.get("Authorization", ""))
                self._json(status, body)
            else:
                self._json(404, {"error": "not_found"})

    return Handler


@contextmanager
def identity_provider() -> Iterator[IdentityProvider]:
    """Serve a fresh provider on a free loopback port until the block ends."""
    provider = IdentityProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
