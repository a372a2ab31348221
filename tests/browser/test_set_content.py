"""A member agrees the set's ground rules, commits an action in their airtime at meeting 1, and reports on it in
meeting 2's progress round; the facilitator then looks at airtime and process review across meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from actionset.meetings.models import Meeting
from actionset.organisations.models import Organisation
from actionset.room import contract
from actionset.room.models import Action, ContractAcknowledgement, ContractProposal
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

NAMES = ("Amara Okafor", "Ben Shah", "Chloe Brown", "Dev Patel", "Ella Jones")


def build_world() -> tuple[LearningSet, Meeting, Meeting]:
    org = Organisation.objects.create(name="Riverford Council")
    programme = ProgrammeFactory.create(organisation=org, title="Leading through change", status="running")
    learning_set = LearningSetFactory.create(programme=programme, name="Set 1")
    for k, name in enumerate(NAMES):
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
    start = timezone.now() + dt.timedelta(days=1)
    first = MeetingFactory.create(learning_set=learning_set, number=1, starts_at=start)
    second = MeetingFactory.create(learning_set=learning_set, number=2, starts_at=start + dt.timedelta(days=28))
    return learning_set, first, second


def check(page: Any, name: str) -> None:
    assert serious_accessibility_violations(page) == [], name
    screenshot(page, name)


def test_a_member_agrees_the_contract_commits_an_action_and_reports_on_it(new_page: Any, transactional_db: Any) -> None:
    learning_set, first, second = build_world()
    page = new_page()
    sign_in(page, "amara@riverford.test", TEST_PASSWORD)

    # The set's ground rules: agree the draft for the method, then acknowledge confidentiality.
    page.goto(f"/sets/{learning_set.public_id}/")
    page.get_by_role("link", name="Ground rules").click()
    page.get_by_role("heading", name="Ground rules", exact=True).wait_for()
    rules = page.get_by_role("textbox", name="Ground rules")
    assert "Questions, not advice" in rules.input_value()
    rules.fill(rules.input_value() + "\nPhones away: we give the set our full attention.")
    page.get_by_label("A majority of members approve").check()
    # A member's change is proposed to the set, shown as a difference, and applies once the set agrees.
    page.get_by_role("button", name="Propose this change to the set").click()
    page.get_by_text("Your change is proposed to the set. The rules change when the set agrees.").wait_for()
    proposal = page.get_by_test_id("proposal")
    proposal.get_by_text("Phones away: we give the set our full attention.").wait_for()
    proposal.get_by_text("You agree").wait_for()
    check(page, "set-contract-proposal")
    page.set_viewport_size(PHONE)
    check(page, "set-contract-proposal-390")
    page.set_viewport_size(DESKTOP)
    # The other members have no logins here: they agree through the same service the page uses.
    waiting = ContractProposal.objects.get()
    for enrolment in learning_set.active_members():
        if enrolment.person.user is None:
            contract.contract_answer(enrolment=enrolment, proposal=waiting, agrees=True)
    page.reload()
    page.get_by_text("version 1, agreed").wait_for()
    page.get_by_role("button", name="I will keep what is said in the set confidential").click()
    page.get_by_text("You have acknowledged confidentiality (version 1)").first.wait_for()
    assert ContractAcknowledgement.objects.get().version.number == 1
    check(page, "set-contract")

    # Meeting 1: bid for airtime, then name an action in that airtime.
    page.goto(f"/sets/{learning_set.public_id}/")
    page.get_by_role("link", name="Meeting 1").click()
    bids = page.locator("#panel-bids")
    bids.get_by_label("Yes").check()
    bids.get_by_label("How many minutes?").fill("40")
    bids.get_by_label("How urgent?").select_option(label="Urgent")
    bids.get_by_role("button", name="Bid").click()
    page.locator("#panel-bids .setwork-flash").wait_for()
    # The airtime panel follows the order; reload so that it names today's presenter.
    page.reload()
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_label("The issue in a line").fill("Two teams, one budget, and nobody owns the decision")
    airtime.get_by_role("button", name="Save notes").click()
    page.get_by_text("Airtime notes saved.").wait_for()
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_label("A question asked").fill("What would success look like for you?")
    airtime.get_by_role("button", name="Note it").click()
    page.get_by_text("Question noted.").wait_for()
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_label("A question asked").fill("Have you thought about just asking the director?")
    airtime.get_by_role("button", name="Note it").click()
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_text("Have you thought about just asking the director?").wait_for()
    # The coach reads each question as it is noted. Its label is for whoever asked and the facilitator, and nobody
    # was named as asking these, so the presenter noting them sees none; the process review shows the set's profile,
    # counts without the questions themselves.
    page.reload()
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_text("The coach's label on a question is seen only by whoever asked it").wait_for()
    expect(airtime.locator(".coach-label")).to_have_count(0)
    profile = page.locator(".question-profile")
    profile.get_by_text("2 questions noted").wait_for()
    profile.get_by_text("50% open").wait_for()
    expect(profile.get_by_text("Have you thought about just asking the director?")).to_have_count(0)
    airtime = page.locator(".setwork-panel", has=page.get_by_role("heading", name="Airtime: Amara Okafor"))
    airtime.get_by_label("Action for Amara Okafor").fill("Talk to finance about a shared budget line")
    airtime.get_by_label("By when").fill((timezone.localdate() + dt.timedelta(days=21)).isoformat())
    airtime.get_by_role("button", name="Add action").click()
    page.get_by_text("Action added for Amara Okafor.").wait_for()
    # The meeting's list of actions is brought up to date beside the airtime panel.
    page.locator("#panel-actions").get_by_text("Talk to finance about a shared budget line").wait_for()
    action = Action.objects.get()
    assert (action.meeting, action.status) == (first, "open")
    check(page, "set-meeting-1-airtime")

    # Meeting 2: the open action comes up in the progress round.
    page.get_by_role("navigation", name="Meetings of the set").get_by_role("link", name="2").click()
    progress = page.locator("#panel-progress")
    progress.get_by_text("Talk to finance about a shared budget line", exact=True).wait_for()
    progress.get_by_label("Partly done").check()
    progress.get_by_label("What did you learn?").fill("Finance will only talk once both directors agree.")
    progress.get_by_role("button", name="Report").click()
    page.get_by_text("Reported: partly done.").wait_for()
    action.refresh_from_db()
    assert action.status == "partly"
    assert action.closed_at is None
    review = page.locator("#panel-review")
    review.locator("label", has_text="8").first.click()
    review.get_by_label("What helped?").fill("Open questions; nobody rushed to advise.")
    review.get_by_role("button", name="Save my review").click()
    page.get_by_text("your process review is saved").wait_for()
    check(page, "set-meeting-2-progress")

    phone = new_page(viewport=PHONE)
    sign_in(phone, "amara@riverford.test", TEST_PASSWORD)
    phone.goto(f"/sets/meetings/{second.public_id}/work/")
    phone.locator("#panel-progress").get_by_text("Reported: partly done").wait_for()
    check(phone, "set-meeting-2-progress-phone")
    phone.goto(f"/sets/{learning_set.public_id}/contract/")
    check(phone, "set-contract-phone")

    facilitator = new_page()
    sign_in(facilitator, "fola@provider.test", TEST_PASSWORD)
    facilitator.goto(f"/sets/{learning_set.public_id}/")
    facilitator.get_by_role("link", name="Airtime and process review").click()
    facilitator.get_by_role("heading", name="Airtime and process review").wait_for()
    facilitator.get_by_role("cell", name="8.0").wait_for()
    check(facilitator, "set-fairness-and-review")
    facilitator.goto(f"/sets/meetings/{first.public_id}/work/")
    check(facilitator, "set-meeting-1-facilitator")
