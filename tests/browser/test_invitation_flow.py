"""An organisation admin invites a colleague; the colleague follows the emailed link, chooses a password and is in."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


def test_an_invited_person_sets_a_password_and_signs_in(demo_world: None, new_page: Any, live_server: Any) -> None:
    admin = new_page()
    sign_in(admin, "orgadmin@northwind.example")
    admin.get_by_role("link", name="Open the directory").click()
    # Typing searches by itself (htmx, after a pause) and pushes the query into the address; pressing Search as well
    # would swap the list twice, and a click on the first list's link could land on an element already replaced.
    admin.get_by_role("searchbox").fill("Okafor")
    admin.wait_for_url(re.compile(r"q=Okafor"))
    admin.get_by_role("link", name=re.compile("Okafor")).first.click()
    admin.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    name = admin.get_by_role("heading", level=1).inner_text()
    screenshot(admin, "person-edit")
    assert serious_accessibility_violations(admin) == []
    admin.get_by_role("button", name="Invite to sign in").click()
    expect(admin.get_by_text("Invitation sent")).to_be_visible()

    body = str(mail.outbox[-1].body)
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", body)
    assert link
    path = "/accounts/" + link.group(0).split("/accounts/", 1)[1]

    invitee = new_page(PHONE)
    invitee.goto(path)
    assert serious_accessibility_violations(invitee) == []
    assert invitee.get_by_label("Your name").input_value() == name
    invitee.get_by_label("Choose a password").fill("short")
    invitee.get_by_label("Type it again").fill("short")
    invitee.get_by_role("button", name="Set password and sign in").click()
    expect(invitee.get_by_text("too short")).to_be_visible()
    screenshot(invitee, "invitation-error-phone")
    invitee.get_by_label("Choose a password").fill("heron-meadow-lantern-7")
    invitee.get_by_label("Type it again").fill("heron-meadow-lantern-7")
    invitee.get_by_role("button", name="Set password and sign in").click()
    invitee.wait_for_url("**/")
    expect(invitee.get_by_role("heading", name="Your action learning set")).to_be_visible()
    screenshot(invitee, "invitation-accepted-phone")

    # The link is spent.
    again = new_page()
    again.goto(path)
    expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()
