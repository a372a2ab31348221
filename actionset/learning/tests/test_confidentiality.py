"""Confidentiality: nobody but its author reads a journal entry, and nothing a set has not released leaves it —
through any URL of ours, an export, a home page panel, or the Django admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionset.core.admin import admin_site
from actionset.learning.models import JournalEntry, SharedItem, Theme
from actionset.room.contract import contract_save
from actionset.sets.models import SharingRule
from conftest import Cast
from tests.factories import EnrolmentFactory, FacilitatorAssignmentFactory, MembershipFactory, UserFactory
from tests.matrix import all_cases

JOURNAL_SECRET = "journal-secret-7c1f: I am thinking of leaving"
SET_SECRET = "set-secret-93ab: the ward manager is the problem"
#: Everyone but the author, with the roles the brief names first. The set's own facilitator may read what the set
#: is still deciding (set tier), so for set content a facilitator of the neighbouring set stands in for them.
OTHERS = ("a_sponsor", "facilitator", "developer", "a_admin", "administrator", "designer", "trainer", "b_participant")
OUTSIDE_THE_SET = ("other_facilitator", "neighbour", *(r for r in OTHERS if r != "facilitator"))


@pytest.fixture
def secrets(programme_world: Cast) -> dict[str, Any]:
    cast = programme_world
    assert cast.learning_set is not None
    contract_save(
        actor=cast.users["facilitator"],
        learning_set=cast.learning_set,
        based_on=0,
        ground_rules="What is said here stays here.",
        sharing_rule=SharingRule.ALL_PRESENT,
    )
    entry = JournalEntry.objects.create(author=cast.users["a_participant"], about_myself=JOURNAL_SECRET)
    author = cast.people["a_participant"].enrolments.get()
    pending = SharedItem.objects.create(
        learning_set=cast.learning_set, kind="question", text=SET_SECRET, author=author, presenter=author
    )
    pending.electorate.set([m.enrolment for m in cast.learning_set.memberships.all()])
    theme = Theme.objects.create(name="Working across sites")
    assert cast.other_set is not None
    neighbour = UserFactory.create(email="other-facilitator@provider.test", staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=cast.other_set, user=neighbour)
    cast.users["other_facilitator"] = neighbour
    # A member of the next set in the same programme and organisation: still outside this set.
    member_next_door = UserFactory.create(email="neighbour@org.test")
    enrolment = EnrolmentFactory.create(programme=cast.other_set.programme, person__organisation=cast.org_a)
    enrolment.person.user = member_next_door
    enrolment.person.save()
    MembershipFactory.create(learning_set=cast.other_set, enrolment=enrolment)
    cast.users["neighbour"] = member_next_door
    return {"entry": entry, "item": pending, "theme": theme}


def learning_urls() -> list[tuple[str, list[str]]]:
    resolver = get_resolver()
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver) and p.namespace == "learning":
            for inner in p.url_patterns:
                assert isinstance(inner, URLPattern)
                found.append((f"learning:{inner.name}", list(inner.pattern.regex.groupindex)))
    return found


def kwargs_for(names: list[str], cast: Cast, secrets: dict[str, Any]) -> dict[str, Any]:
    assert cast.programme is not None
    assert cast.learning_set is not None
    assert cast.meeting is not None
    objects = {
        "entry": secrets["entry"].public_id,
        "item": secrets["item"].public_id,
        "learning_set": cast.learning_set.public_id,
        "programme": cast.programme.public_id,
        "meeting": cast.meeting.public_id,
        "theme": secrets["theme"].public_id,
    }
    return {name: objects[name] for name in names}


def test_no_learning_url_shows_a_journal_entry_or_an_unreleased_item_to_anyone_else(
    programme_world: Cast, secrets: dict[str, Any]
) -> None:
    cast = programme_world
    urls = learning_urls()
    assert len(urls) >= 15
    for role in {*OTHERS, *OUTSIDE_THE_SET}:
        client = cast.client(role)
        for name, params in urls:
            url = reverse(name, kwargs=kwargs_for(params, cast, secrets))
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"verdict": "approve", "text": "x", "show_author": "yes"})
                body = (
                    pdf_text(response)
                    if response.get("Content-Type") == "application/pdf"
                    else response.content.decode()
                )
                assert JOURNAL_SECRET not in body, (role, name, method)
                if role in OUTSIDE_THE_SET:
                    assert SET_SECRET not in body, (role, name, method)
                if "entry" in params:
                    # 405 for a GET of a POST-only address: the same answer as for an entry that does not exist.
                    assert response.status_code in (404, 405), (role, name, method)
    # Nothing anyone else did changed them: the item awaits the set, the entry is intact.
    secrets["item"].refresh_from_db()
    assert secrets["item"].is_proposed
    assert secrets["item"].decisions.filter(user=cast.users["facilitator"]).exists()  # the set's own facilitator
    assert JournalEntry.objects.get(pk=secrets["entry"].pk).about_myself == JOURNAL_SECRET


def test_the_author_and_the_set_do_read_them(programme_world: Cast, secrets: dict[str, Any]) -> None:
    """The other side of the same coin, so the test above cannot pass by showing nothing to anyone."""
    cast = programme_world
    member = cast.client("a_participant")
    entry_url = reverse("learning:journal_entry", kwargs={"entry": secrets["entry"].public_id})
    assert JOURNAL_SECRET in member.get(entry_url).content.decode()
    assert JOURNAL_SECRET in member.get(reverse("learning:journal_export")).content.decode()
    assert cast.learning_set is not None
    sharing = reverse("learning:sharing", kwargs={"learning_set": cast.learning_set.public_id})
    assert SET_SECRET in member.get(sharing).content.decode()
    assert SET_SECRET in cast.client("facilitator").get(sharing).content.decode()
    # …and the facilitator, who may read the set's items, still cannot read a member's journal.
    assert cast.client("facilitator").get(entry_url).status_code == 404


def pdf_text(response: Any) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(response.content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_each_persons_exports_hold_only_their_own_journal(programme_world: Cast, secrets: dict[str, Any]) -> None:
    for role in OTHERS:
        client = programme_world.client(role)
        response = client.get(reverse("learning:journal_export"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert JOURNAL_SECRET not in response.content.decode()
        assert JOURNAL_SECRET not in pdf_text(client.get(reverse("learning:journal_export_pdf")))
    # The author's own PDF does hold it, so the check above is a real one.
    author_pdf = programme_world.client("a_participant").get(reverse("learning:journal_export_pdf"))
    assert "journal-secret-7c1f" in pdf_text(author_pdf)


# One test per role, so that the suite's workers share the walk (each role's walk is one worker's few seconds).
@pytest.mark.parametrize("role", sorted({*OTHERS, *OUTSIDE_THE_SET}))
def test_no_page_of_any_app_shows_them_to_anyone_else(
    programme_world: Cast, secrets: dict[str, Any], role: str
) -> None:
    """Every GET page in the access matrix — every app's, dashboards and reports included — as every other role."""
    cast = programme_world
    checked = 0
    client = cast.client(role)
    for name, case in sorted(all_cases().items()):
        if case.method != "get":
            continue
        response = client.get(reverse(name, kwargs=case.kwargs(cast)))
        body = response.content.decode(errors="replace")
        assert JOURNAL_SECRET not in body, (role, name)
        if role in OUTSIDE_THE_SET:
            assert SET_SECRET not in body, (role, name)
        checked += 1
    home = client.get("/").content.decode()
    assert JOURNAL_SECRET not in home
    assert SET_SECRET not in home
    assert checked > 100


def test_the_django_admin_holds_none_of_the_learning_models(programme_world: Cast, secrets: dict[str, Any]) -> None:
    registered = {m._meta.app_label for m in admin_site._registry}
    assert "learning" not in registered
    client = programme_world.client("administrator")
    index = client.get(reverse("admin:index")).content.decode()
    assert "learning" not in index.lower().replace("action learning", "")
    assert client.get("/admin/learning/journalentry/").status_code == 404
    assert client.get("/admin/learning/shareditem/").status_code == 404
