"""Drafts kept in the browser belong to one signed-in person (issue #15, break 4).

Two people share one Chromium profile (one browser context): what the first typed and never saved must not
reach the second's form, nor be sent to the server under the second's name. Three safeguards, each tested alone:
the page's script deletes drafts as the sign-out form is sent, the server's sign-out answer carries
`Clear-Site-Data`, and every page load deletes drafts that are not the signed-in person's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from actionset.learning.tests.factories import set_world
from actionset.meetings.models import FacilitatorNote, Meeting
from actionset.sets.models import FacilitatorAssignment
from tests.browser import conftest as browser_suite
from tests.browser.conftest import sign_in
from tests.browser.test_live_meeting import build_world
from tests.factories import TEST_PASSWORD, FacilitatorAssignmentFactory, UserFactory

# The browser suite's fixtures, for tests that live outside its folder.
browser = browser_suite.browser
new_page = browser_suite.new_page

JOURNAL_WORDS = "I keep rescuing the team instead of asking what they need."
NOTE_WORDS = "Fola only: Ben seemed close to tears when the budget came up."
LEARNED = "What I learned about my problem"


def stored_text(page: Any) -> str:
    """Everything this browser keeps in local storage for the site, as one string to search."""
    return str(page.evaluate("JSON.stringify(Object.entries(localStorage))"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def session_cookie_for(user: Any, live_server: Any) -> dict[str, str]:
    """A signed-in session for `user`, as a cookie for the browser: someone else's session taking over."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def co_facilitated_meeting() -> tuple[Meeting, Any]:
    meeting, _ = build_world()  # facilitated by fola@provider.test
    cara = UserFactory.create(email="cara@provider.test", name="Cara Cofacilitator", staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(
        learning_set=meeting.learning_set, user=cara, role=FacilitatorAssignment.Role.CO
    )
    return meeting, cara


def leave_notes_unsent(page: Any, meeting: Meeting) -> Any:
    """Fola's notes typed while offline and never saved: the page is closed before the connection returns.

    Returns a fresh page of the same browser context, still signed in as Fola."""
    sign_in(page, "fola@provider.test", TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.public_id}/live/notes/")
    notes = page.get_by_role("textbox", name="My private notes")
    page.context.set_offline(True)
    notes.press_sequentially(NOTE_WORDS)
    expect(page.get_by_test_id("note-offline")).to_be_visible()
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto("/")
    assert NOTE_WORDS in stored_text(page)  # kept on the device for Fola, as it should be
    return page


@pytest.mark.browser
def test_a_journal_draft_left_at_sign_out_is_not_offered_to_the_next_person_on_the_browser(
    new_page: Any, transactional_db: Any
) -> None:
    world = set_world(size=2)
    first, second = world.users
    page = new_page()
    sign_in(page, first.email, TEST_PASSWORD)
    page.goto("/journal/new/")
    page.get_by_label(LEARNED).fill(JOURNAL_WORDS)
    sign_out(page)

    sign_in(page, second.email, TEST_PASSWORD)
    page.goto("/journal/new/")
    expect(page.get_by_label(LEARNED)).to_have_value("")
    assert JOURNAL_WORDS not in stored_text(page)


@pytest.mark.browser
def test_a_journal_draft_is_deleted_when_another_person_is_signed_in_on_the_browser(
    new_page: Any, transactional_db: Any, live_server: Any
) -> None:
    # No sign-out at all: the first person's session simply gives way to the second's.
    world = set_world(size=2)
    first, second = world.users
    page = new_page()
    sign_in(page, first.email, TEST_PASSWORD)
    page.goto("/journal/new/")
    page.get_by_label(LEARNED).fill(JOURNAL_WORDS)
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie_for(second, live_server)])

    page.goto("/journal/new/")
    expect(page.get_by_role("link", name=second.get_short_name())).to_be_visible()
    expect(page.get_by_label(LEARNED)).to_have_value("")
    assert JOURNAL_WORDS not in stored_text(page)


@pytest.mark.browser
def test_signing_out_forgets_drafts_on_the_device_even_if_the_server_never_answers(
    new_page: Any, transactional_db: Any
) -> None:
    world = set_world(size=1)
    page = new_page()
    sign_in(page, world.users[0].email, TEST_PASSWORD)
    page.goto("/journal/new/")
    page.get_by_label(LEARNED).fill(JOURNAL_WORDS)
    assert JOURNAL_WORDS in stored_text(page)
    page.route("**/accounts/logout/", lambda route: route.abort())
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # Still signed in (the sign-out never arrived), yet the draft is gone: the page forgot it as the form left.
    other = page.context.new_page()
    other.goto("/journal/new/")
    expect(other.get_by_label(LEARNED)).to_have_value("")
    assert JOURNAL_WORDS not in stored_text(other)


@pytest.mark.browser
def test_the_sign_out_response_alone_clears_what_the_browser_keeps(new_page: Any, transactional_db: Any) -> None:
    world = set_world(size=1)
    page = new_page()
    sign_in(page, world.users[0].email, TEST_PASSWORD)
    page.goto("/journal/new/")
    page.get_by_label(LEARNED).fill(JOURNAL_WORDS)
    # Sign out without the page's script (form.submit() fires no submit event) and land on a page with no
    # script of ours, so that only the server's answer can have cleared the storage.
    page.route(
        "**/accounts/login/",
        lambda route: route.fulfill(body="<!DOCTYPE html><title>x</title>", content_type="text/html"),
    )
    page.evaluate("document.querySelector('form[action$=\"/accounts/logout/\"]').submit()")
    page.wait_for_url("**/accounts/login/")
    assert page.evaluate("localStorage.length") == 0


def owner_key(client: Client) -> str | None:
    page = client.get("/journal/new/" if client.session.get("_auth_user_id") else "/accounts/login/")
    match = re.search(r'<meta name="draft-owner" content="([^"]*)"', page.content.decode())
    return match.group(1) if match else None


def test_the_draft_owner_key_names_nobody_and_differs_from_person_to_person(client: Client, db: Any) -> None:
    assert owner_key(client) is None  # nobody signed in: nothing is kept
    keys = []
    for user in (UserFactory.create(), UserFactory.create()):
        client.force_login(user)
        key = owner_key(client)
        assert key
        assert re.fullmatch(r"[0-9a-f]{64}", key)  # a digest, not the id or the email
        assert key == owner_key(client)  # the same person keeps one key from page to page
        keys.append(key)
    assert keys[0] != keys[1]


def test_the_sign_out_response_asks_the_browser_to_clear_its_storage(client: Client, db: Any) -> None:
    client.force_login(UserFactory.create())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'


@pytest.mark.browser
def test_offline_notes_left_at_sign_out_are_not_saved_as_the_co_facilitators(
    new_page: Any, transactional_db: Any
) -> None:
    meeting, cara = co_facilitated_meeting()
    page = leave_notes_unsent(new_page(), meeting)
    sign_out(page)

    sign_in(page, cara.email, TEST_PASSWORD)
    page.goto(f"/meetings/{meeting.public_id}/live/notes/")
    page.wait_for_load_state("networkidle")
    assert not FacilitatorNote.objects.filter(author=cara).exists()
    expect(page.get_by_role("textbox", name="My private notes")).to_have_value("")
    assert NOTE_WORDS not in stored_text(page)


@pytest.mark.browser
def test_offline_notes_are_dropped_not_sent_when_another_facilitator_is_signed_in_on_the_browser(
    new_page: Any, transactional_db: Any, live_server: Any
) -> None:
    meeting, cara = co_facilitated_meeting()
    page = leave_notes_unsent(new_page(), meeting)
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie_for(cara, live_server)])

    page.goto(f"/meetings/{meeting.public_id}/live/notes/")
    page.wait_for_load_state("networkidle")
    assert not FacilitatorNote.objects.filter(author=cara).exists()
    expect(page.get_by_role("textbox", name="My private notes")).to_have_value("")
    assert NOTE_WORDS not in stored_text(page)


@pytest.mark.browser
def test_offline_notes_come_back_and_are_saved_for_the_facilitator_who_typed_them(
    new_page: Any, transactional_db: Any
) -> None:
    # The other side of the rule: on a browser that stays hers, nothing Fola typed is lost.
    meeting, _ = co_facilitated_meeting()
    page = leave_notes_unsent(new_page(), meeting)
    page.goto(f"/meetings/{meeting.public_id}/live/notes/")
    expect(page.get_by_role("textbox", name="My private notes")).to_have_value(NOTE_WORDS)
    expect(page.get_by_test_id("note-saved")).to_be_visible()
    assert FacilitatorNote.objects.get(meeting=meeting).text == NOTE_WORDS
    # Once the server has it, the copy on the device is deleted.
    assert NOTE_WORDS not in stored_text(page)
