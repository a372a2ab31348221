"""Access matrix cases for people's data rights.

Anyone signed in sees what is held about them and asks for a copy; an archive downloads only for whoever asked for
it (everyone else is told nothing, administrators included). Acting on someone else's data — a copy on their
request, legal holds, erasure, a leaver's handover — and the retention schedule are the provider's
administrators': other staff are refused, client people told nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from actionset.privacy.models import DataExport, LegalHold
from conftest import Cast
from tests.factories import PersonFactory
from tests.matrix import DONE, HIDE, LOGIN, OK, Case, expect, staff_only


def no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


def ready_export(cast: Cast) -> dict[str, Any]:
    """A's participant's own archive, built and waiting."""
    user = cast.users["a_participant"]
    export = DataExport.objects.create(
        subject_user=user,
        requested_by=user,
        status=DataExport.Status.READY,
        archive=b"PK\x05\x06" + b"\x00" * 18,
        ready_at=timezone.now(),
        expires_at=timezone.now() + DataExport.KEEP,
    )
    return {"export": export.public_id}


def subject(cast: Cast) -> dict[str, Any]:
    """A fresh directory entry of organisation A for every request, so that one role's erasure or handover leaves
    the next role someone to try."""
    return {"subject": PersonFactory.create(organisation=cast.org_a).public_id}


def hold(cast: Cast) -> dict[str, Any]:
    person = PersonFactory.create(organisation=cast.org_a)
    return {"hold": LegalHold.objects.create(person=person, reason="A tribunal claim").public_id}


ADMINISTRATORS_PAGE = staff_only(OK, "administrator")
ADMINISTRATORS_ACT = staff_only(DONE, "administrator")

CASES: dict[str, Case] = {
    "privacy:mine": Case("get", no_kwargs, expect(OK, anonymous=LOGIN)),
    "privacy:download": Case("get", ready_export, expect(HIDE, anonymous=LOGIN, a_participant=OK)),
    "privacy:desk": Case("get", no_kwargs, ADMINISTRATORS_PAGE),
    "privacy:retention": Case("get", no_kwargs, ADMINISTRATORS_PAGE),
    "privacy:person": Case("get", subject, ADMINISTRATORS_PAGE),
    "privacy:person_export": Case("post", subject, ADMINISTRATORS_ACT),
    "privacy:person_hold": Case("post", subject, ADMINISTRATORS_ACT, data=lambda c: {"reason": "A claim"}),
    "privacy:person_erase": Case("get", subject, ADMINISTRATORS_PAGE),
    "privacy:person_leave": Case("get", subject, ADMINISTRATORS_PAGE),
    "privacy:hold_release": Case("post", hold, ADMINISTRATORS_ACT),
}
