"""A room form whose answer is lost on the way is queued and sent again, and done once (core/submissions.py): the
server did it the first time, and the browser could not know."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.room.models import Action
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_live_every_panel import FOLLOW_MS, build_set, open_live, titles
from tests.browser.test_live_offline import Device, hand_over, next_phase, start


def test_an_action_whose_answer_was_lost_is_added_once(new_page: Any, live_server: Any, transactional_db: Any) -> None:
    meeting, facilitator, amara, _ = build_set("uk")
    fola = open_live(new_page, live_server, facilitator, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara, meeting, PHONE)
    t = titles("uk")
    start(fola, t[0])
    for title in t[1:4]:
        next_phase(fola, title)
    hand_over(fola, "Amara Okafor")
    panel = amara_page.locator("#live-panel")
    expect(panel.get_by_role("heading", name="Airtime: Amara Okafor")).to_be_visible(timeout=FOLLOW_MS)

    # The request reaches the server, which adds the action; its answer never reaches the phone.
    lost: list[str] = []

    def answer_lost(route: Any) -> None:
        route.fetch()
        lost.append(route.request.url)
        route.abort("connectionreset")

    def post_of_action(response: Any) -> bool:
        return bool(response.request.method == "POST" and response.url.endswith("/actions/"))

    amara_page.route("**/actions/", answer_lost, times=1)
    # The lost request has no answer at all: the first answer is the one to the copy sent again from the queue.
    with amara_page.expect_response(post_of_action, timeout=FOLLOW_MS * 10) as again:
        panel.get_by_label("Action for Amara Okafor").fill("Write a handover checklist")
        panel.get_by_role("button", name="Add action").click()
    assert len(lost) == 1
    resent = again.value
    assert len(resent.request.headers.get("x-submission-id", "")) == 32
    # The server knows it, and adds nothing.
    assert resent.status == 204
    Device(amara_page).sent()
    assert Action.objects.filter(meeting=meeting).count() == 1
    expect(amara_page.locator("#live-panel").get_by_text("Write a handover checklist")).to_have_count(1)
