"""Testing an identity provider's connection in the background: the worker fetches its discovery document and keys,
so an administrator's request never waits on someone else's server."""

from __future__ import annotations

from urllib.parse import urlparse

import requests
from django.utils.translation import gettext as _
from django_tasks import task

from actionset.accounts.models import SingleSignOn

#: Seconds to wait for the identity provider: long enough for a slow one, short enough to say so while it matters.
TIMEOUT = 10


def origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else ""


def discovery_problem(sso: SingleSignOn) -> tuple[str, str]:
    """What is wrong with the provider's discovery document and keys ("" when sign-in can work), and the origin of
    its authorization endpoint."""
    url = f"{sso.issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as error:
        return _("Could not read %(url)s: %(error)s") % {"url": url, "error": error}, ""
    if not isinstance(config, dict):
        return _("%(url)s is not a discovery document.") % {"url": url}, ""
    if str(config.get("issuer", "")).rstrip("/") != sso.issuer.rstrip("/"):
        return _("The provider names its issuer %(found)s, not %(issuer)s.") % {
            "found": config.get("issuer", ""),
            "issuer": sso.issuer,
        }, ""
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not config.get(k)]
    if missing:
        return _("The discovery document does not give %(missing)s.") % {"missing": ", ".join(missing)}, ""
    try:
        keys = requests.get(config["jwks_uri"], timeout=TIMEOUT)
        keys.raise_for_status()
        if not keys.json().get("keys"):
            return _("The provider publishes no signing keys at %(url)s.") % {"url": config["jwks_uri"]}, ""
    except (requests.RequestException, ValueError, AttributeError) as error:
        message = _("Could not read the signing keys at %(url)s: %(error)s")
        return message % {"url": config["jwks_uri"], "error": error}, ""
    return "", origin(str(config["authorization_endpoint"]))


@task()
def sso_check(sso_id: int) -> str:
    sso = SingleSignOn.objects.filter(pk=sso_id).first()
    if sso is None:
        return "gone"
    problem, authorization_origin = discovery_problem(sso)
    sso.check_record(
        ok=not problem,
        message=problem or _("Discovery document and signing keys read."),
        authorization_origin=authorization_origin,
    )
    return "ok" if not problem else "problem"
