"""An online set: the facilitator pastes the set's video link; members find a Join button on their home page, the
set's page and the live run sheet, at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from actionset.organisations.models import Organisation
from actionset.sets.models import LearningSet
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import (
    TEST_PASSWORD,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

LINK = "https://us02web.zoom.us/j/81234567890?pwd=QWERTYabc123"


def build_world() -> LearningSet:
    org = Organisation.objects.create(name="Riverford Council")
    programme = ProgrammeFactory.create(organisation=org, title="Leading through change", status="running")
    learning_set = LearningSetFactory.create(programme=programme, name="Set 1")
    for k, name in enumerate(("Amara Okafor", "Ben Shah", "Chloe Brown", "Dev Patel")):
        person = PersonFactory.create(organisation=org, name=name)
        if k == 0:
            person.user = UserFactory.create(email="amara@riverford.test", name=name)
            person.email = person.user.email
            person.save()
        MembershipFactory.create(
            learning_set=learning_set, enrolment=EnrolmentFactory.create(programme=programme, person=person)
        )
    facilitator = UserFactory.create(email="fola@provider.test", name="Fola Facilitator", staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=learning_set, user=facilitator)
    programme.published_at = timezone.now()
    programme.save()
    start = (timezone.now() + dt.timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    MeetingFactory.create(learning_set=learning_set, number=1, starts_at=start)
    MeetingFactory.create(learning_set=learning_set, number=2, starts_at=start + dt.timedelta(days=28))
    return learning_set


def check(page: Any, name: str) -> None:
    assert serious_accessibility_violations(page) == [], name
    screenshot(page, name)


def expect_join(page: Any, scope: Any = None) -> None:
    join = (scope or page).get_by_role("link", name="Join", exact=False).first
    expect(join).to_be_visible()
    expect(join).to_have_attribute("href", LINK)
    expect(join).to_have_attribute("target", "_blank")
    expect(join).to_have_attribute("rel", "noopener noreferrer")


def test_the_facilitator_sets_the_link_and_members_join_from_every_page(new_page: Any, transactional_db: Any) -> None:
    learning_set = build_world()
    set_page = f"/sets/{learning_set.public_id}/"

    facilitator = new_page()
    sign_in(facilitator, "fola@provider.test", TEST_PASSWORD)
    facilitator.goto(set_page)
    field = facilitator.get_by_label("Meeting link")
    # A link that is not https is refused, with what was typed kept in the field.
    field.fill("http://zoom.us/j/123")
    facilitator.get_by_role("button", name="Save the link").click()
    expect(facilitator.get_by_text("The link could not be saved")).to_be_visible()
    expect(facilitator.get_by_label("Meeting link")).to_have_value("http://zoom.us/j/123")
    check(facilitator, "online-set-link-error")
    facilitator.get_by_label("Meeting link").fill(LINK)
    facilitator.get_by_role("button", name="Save the link").click()
    expect(facilitator.get_by_text("Meeting link saved.")).to_be_visible()
    expect_join(facilitator)
    learning_set.refresh_from_db()
    assert learning_set.meeting_link == LINK
    check(facilitator, "online-set-facilitator-1280")
    facilitator.set_viewport_size(PHONE)
    check(facilitator, "online-set-facilitator-390")

    for viewport, width in ((DESKTOP, 1280), (PHONE, 390)):
        member = new_page(viewport)
        sign_in(member, "amara@riverford.test", TEST_PASSWORD)
        # Home page: the next meetings carry the Join button.
        member.goto("/")
        panel = member.locator("section", has=member.get_by_role("heading", name="Your next meetings"))
        expect_join(member, panel)
        check(member, f"online-home-next-meetings-{width}")
        # The set's page: the Join button, and no way to change the link.
        member.goto(set_page)
        expect_join(member)
        expect(member.get_by_label("Meeting link")).to_have_count(0)
        check(member, f"online-set-member-{width}")

    live = new_page()
    sign_in(live, "amara@riverford.test", TEST_PASSWORD)
    meeting = learning_set.meetings.get(number=1)
    live.goto(f"/meetings/{meeting.public_id}/live/")
    expect_join(live, live.locator(".live-head"))
    screenshot(live, "online-live-header-1280")
