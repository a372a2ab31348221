"""Access matrix cases for journals, sharing out of the set, questions to leaders and themes.

A journal entry is its author's alone: everyone else, administrators included, is told nothing (404). An item a
set is still deciding on is set tier (the set's member and facilitator; others 404). What a programme's sets have
released is programme tier: its sponsors, the organisation's admins, designers and organisational developers.
Only the programme's sponsors answer questions; only developers tag themes.
"""

from __future__ import annotations

from typing import Any

from actionset.learning.models import JournalEntry, SharedItem, Theme
from actionset.room.contract import contract_save
from actionset.sets.models import SharingRule
from conftest import Cast
from tests.matrix import DENY, DONE, HIDE, LOGIN, OK, Case, expect


def member(cast: Cast) -> Any:
    return cast.people["a_participant"].enrolments.get()


def entry(cast: Cast) -> dict[str, Any]:
    """A fresh entry of A's participant for every request, so a delete by one role leaves the next one to try."""
    made = JournalEntry.objects.create(author=cast.users["a_participant"], about_myself="I rush to fix things.")
    return {"entry": made.public_id}


def meeting(cast: Cast) -> dict[str, Any]:
    assert cast.meeting is not None
    return {"meeting": cast.meeting.public_id}


def learning_set(cast: Cast) -> dict[str, Any]:
    assert cast.learning_set is not None
    return {"learning_set": cast.learning_set.public_id}


def programme(cast: Cast) -> dict[str, Any]:
    assert cast.programme is not None
    return {"programme": cast.programme.public_id}


def _item(cast: Cast, status: str, kind: str = "question") -> SharedItem:
    assert cast.learning_set is not None
    if not cast.learning_set.contract_versions.exists():
        contract_save(
            actor=None,
            learning_set=cast.learning_set,
            based_on=0,
            ground_rules="What is said here stays here.",
            sharing_rule=SharingRule.ALL_PRESENT,
        )
    item = SharedItem.objects.create(
        learning_set=cast.learning_set,
        kind=kind,
        text="Who decides weekend discharges?",
        author=member(cast),
        status=status,
        released_at=cast.learning_set.created_at if status == "released" else None,
    )
    item.electorate.set([m.enrolment for m in cast.learning_set.memberships.all()])
    return item


def pending_item(cast: Cast) -> dict[str, Any]:
    return {"item": _item(cast, "proposed").public_id}


def released_question(cast: Cast) -> dict[str, Any]:
    return {"item": _item(cast, "released").public_id}


def theme(cast: Cast) -> dict[str, Any]:
    made, _ = Theme.objects.get_or_create(name="Working across sites")
    return {"theme": made.public_id}


def no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


def set_tier(outcome: str, *, facilitator: str | None = None) -> dict[str, str]:
    return expect(HIDE, anonymous=LOGIN, a_participant=outcome, facilitator=facilitator or outcome)


SIGNED_IN_OK = expect(OK, anonymous=LOGIN)
AUTHOR_ONLY = expect(HIDE, anonymous=LOGIN, a_participant=OK)

CASES: dict[str, Case] = {
    "learning:journal": Case("get", no_kwargs, SIGNED_IN_OK),
    "learning:journal_new": Case("get", no_kwargs, SIGNED_IN_OK),
    "learning:journal_export": Case("get", no_kwargs, SIGNED_IN_OK),
    "learning:journal_export_pdf": Case("get", no_kwargs, SIGNED_IN_OK),
    "learning:journal_entry": Case("get", entry, AUTHOR_ONLY),
    "learning:journal_delete": Case("post", entry, expect(HIDE, anonymous=LOGIN, a_participant=DONE)),
    "learning:journal_meeting": Case("get", meeting, set_tier(DONE)),
    "learning:sharing": Case("get", learning_set, set_tier(OK)),
    "learning:decide": Case("post", pending_item, set_tier(DONE), data=lambda c: {"verdict": "approve"}),
    "learning:withdraw": Case("post", pending_item, set_tier(DONE, facilitator=DENY)),
    # Only the set's facilitator records decisions given in the room; a member of the set may not (403).
    "learning:record": Case("get", pending_item, set_tier(DENY, facilitator=OK)),
    # Only the item's author rewords it (403 for the set's facilitator).
    "learning:edit": Case(
        "post", pending_item, set_tier(DONE, facilitator=DENY), data=lambda c: {"text": "Who decides, and when?"}
    ),
    "learning:attribution": Case(
        "post", pending_item, set_tier(DONE, facilitator=DENY), data=lambda c: {"show_author": "yes"}
    ),
    "learning:answer": Case(
        "post",
        released_question,
        expect(
            DENY,
            anonymous=LOGIN,
            a_sponsor=DONE,
            b_participant=HIDE,
        ),
        data=lambda c: {"text": "We will look at it at the next board."},
    ),
    "learning:tag": Case(
        "post",
        released_question,
        expect(DENY, anonymous=LOGIN, a_sponsor=HIDE, a_admin=HIDE, b_participant=HIDE, developer=DONE),
        data=lambda c: {"new_theme": "Weekend cover"},
    ),
    "learning:shared_index": Case(
        "get", no_kwargs, expect(OK, anonymous=LOGIN, a_sponsor=DONE, a_admin=DONE, designer=DONE, developer=DONE)
    ),
    "learning:programme": Case(
        "get",
        programme,
        expect(DENY, anonymous=LOGIN, b_participant=HIDE, a_sponsor=OK, a_admin=OK, designer=OK, developer=OK),
    ),
    "learning:themes": Case(
        "get",
        no_kwargs,
        expect(
            DENY, anonymous=LOGIN, a_participant=HIDE, a_sponsor=HIDE, a_admin=HIDE, b_participant=HIDE, developer=OK
        ),
    ),
    "learning:theme": Case(
        "get",
        theme,
        expect(
            DENY, anonymous=LOGIN, a_participant=HIDE, a_sponsor=HIDE, a_admin=HIDE, b_participant=HIDE, developer=OK
        ),
    ),
}
