from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing

from actionset.core.bots import SALT as FORM_SALT


def aged_stamp(seconds: float = 30) -> str:
    """A form stamp as if the page had been open for `seconds`."""
    return signing.dumps({"t": time.time() - seconds}, salt=FORM_SALT)


def enquiry_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "contact_name": "Rachel Moore",
        "role": "Head of Organisational Development",
        "organisation_name": "Eastbrook District Council",
        "email": "rachel.moore@eastbrook.example",
        "phone": "",
        "organisation_size": "250-1000",
        "timing": "quarter",
        "challenge": "Our senior managers work in silos and escalate instead of solving problems together.",
        "consent": "on",
        "website": "",
        "started": aged_stamp(),
    }
    data.update(overrides)
    return data


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+/discovery-call/\S+/", body)
    assert match, body
    return match.group(0)


@pytest.fixture(autouse=True)
def _site_settings(settings: Any) -> None:
    settings.SITE_URL = "http://testserver"
