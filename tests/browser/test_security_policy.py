"""Pages work under the Content Security Policy and the Permissions-Policy: no violation, nothing in the console.

A page that broke the policy would still render, with a script or a style silently refused: so each page is opened
with a listener for `securitypolicyviolation` events, the browser's console is read (where Chromium also reports
policy errors, and a Permissions-Policy naming a feature it does not know), and the enhanced behaviour is used.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from actionset.meetings.models import Meeting
from actionset.programmes.models import Programme
from tests.browser.conftest import screenshot, sign_in

#: Installed before any of the page's own scripts, in every frame: each violation the browser reports is kept.
LISTEN_FOR_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__policyViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watched_page(new_page: Any) -> tuple[Any, list[str]]:
    page = new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    # The admin's pages name no icon, so Chromium asks for /favicon.ico, which the app does not serve; its 404 in the
    # console is no policy's doing.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return page, console


def assert_no_policy_problems(page: Any, console: list[str]) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("window.__policyViolations") == [], page.url
    problems = [line for line in console if line.split(":", 1)[0] in ("error", "warning", "pageerror")]
    assert problems == [], f"{page.url}: {problems}"


def test_the_designers_pages_run_their_scripts_under_the_policy(demo_world: None, new_page: Any) -> None:
    page, console = watched_page(new_page)
    sign_in(page, "designer@provider.example")
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    assert_no_policy_problems(page, console)

    # The programme list's new-programme form goes to the organisation chosen (its script sets the address).
    page.goto("/programmes/")
    assert_no_policy_problems(page, console)
    page.get_by_role("button", name="New programme").click()
    page.wait_for_url(re.compile(r"/programmes/[^?]*new"))
    assert_no_policy_problems(page, console)

    # The enrol page's "Select all shown" ticks every person listed.
    programme = next(p for p in Programme.objects.order_by("pk") if p.organisation.people.exists())
    page.goto(f"/programmes/{programme.public_id}/participants/add/")
    people = page.locator("input[name=people]")
    expect(people.first).to_be_visible()
    page.get_by_label("Select all shown").check()
    for index in range(people.count()):
        expect(people.nth(index)).to_be_checked()
    screenshot(page, "csp-pool-add")
    assert_no_policy_problems(page, console)


def test_the_live_meeting_runs_under_the_policy(demo_world: None, new_page: Any) -> None:
    meeting = Meeting.objects.filter(learning_set__facilitators__user__email="facilitator@provider.example").first()
    assert meeting is not None
    page, console = watched_page(new_page)
    sign_in(page, "facilitator@provider.example")
    page.goto(f"/meetings/{meeting.public_id}/live/")
    expect(page.get_by_test_id("phase-title")).to_be_visible()
    # live.js polls for the meeting's state: wait until a poll has come back, so its script ran under the policy.
    with page.expect_response(re.compile(r"/live/state/")):
        pass
    assert_no_policy_problems(page, console)


def test_the_calendar_address_is_selected_on_focus_under_the_policy(demo_world: None, new_page: Any) -> None:
    page, console = watched_page(new_page)
    sign_in(page, "participant@northwind.example")
    page.goto("/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    field = page.get_by_label("Your calendar address")
    page.wait_for_load_state("load")
    field.focus()
    expect(field).to_be_focused()
    # Its whole text is selected, ready to copy.
    assert field.evaluate("f => f.value.length > 0 && f.selectionStart === 0 && f.selectionEnd === f.value.length")
    assert_no_policy_problems(page, console)


def test_the_admin_works_under_the_policy(demo_world: None, new_page: Any) -> None:
    page, console = watched_page(new_page)
    sign_in(page, "admin@provider.example")
    page.goto("/admin/")
    expect(page.get_by_role("link", name="actionset administration")).to_be_visible()
    screenshot(page, "csp-admin-index")
    assert_no_policy_problems(page, console)
    # A change list: the admin's own scripts (actions, filters) load from its static files.
    page.goto("/admin/organisations/person/")
    assert_no_policy_problems(page, console)
