"""A device whose poll for the meeting's state fails (a server error, or lost on the way) asks again a second later,
instead of waiting for the stream's safety-net poll 15 s on, with the change it was woken for unseen meanwhile."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_live_every_panel import POLL_MS, build_set, open_live, sign_in_by_cookie, titles

#: Far below the 15 s between a streaming device's safety-net polls, and room for a retry that fails once more.
RETRIED_MS = 5 * POLL_MS


@pytest.mark.parametrize("failure", ["server error", "lost"])
def test_a_failed_poll_is_asked_again_without_waiting_for_the_safety_net(
    failure: str, new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    meeting, facilitator, amara, _ben = build_set("uk")
    fola_page = open_live(new_page, live_server, facilitator, meeting, DESKTOP)
    amara_page = new_page(PHONE)
    sign_in_by_cookie(amara_page, live_server, amara)
    # Amara's page holds its event stream: it is told of the start, and between events polls only every 15 s.
    with amara_page.expect_response(lambda r: "/live/events/" in r.url and r.status == 200):
        amara_page.goto(f"/meetings/{meeting.public_id}/live/")
    expect(amara_page.get_by_test_id("phase-title")).to_have_text("Waiting to start")

    failed: list[str] = []

    def fail_twice(route: Any) -> None:
        # The first polls the start wakes (SQLite's test server wakes a device as the change is made and again as
        # it commits) fail; any later one goes through.
        if len(failed) < 2:
            failed.append(route.request.url)
            if failure == "lost":
                route.abort()
            else:
                route.fulfill(status=500, body="")
            return
        route.continue_()

    amara_page.route("**/live/state/**", fail_twice)
    fola_page.locator("#live-state").get_by_role("button", name="Start the meeting").click()
    fola_page.get_by_role("button", name=re.compile("^Start (early|now)$")).click()
    first = titles("uk")[0]
    expect(fola_page.get_by_test_id("phase-title")).to_have_text(first)
    expect(amara_page.get_by_test_id("phase-title")).to_have_text(first, timeout=RETRIED_MS)
    assert failed, "the change reached the device without the failing poll the test is about"
