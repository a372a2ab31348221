"""Agreement given aloud in the room: an author rewords an item (clearing an approval to the old words), the
facilitator records what each member said, one member sees what was recorded for them and overrules it online,
and the item leaves the set. Screenshots at desktop and phone widths."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from actionset.learning.models import Decision, SharedItem
from actionset.learning.tests.factories import set_world
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, EnrolmentFactory, MembershipFactory, PersonFactory

FIRST = "Ask the night staff where a delay starts."
REWORDED = "Ask the night staff where a delay starts, before the meeting upstairs decides."


def check_page(page: Any, name: str) -> None:
    screenshot(page, name)
    assert serious_accessibility_violations(page) == [], name


def test_a_facilitator_records_agreement_given_in_the_room_and_a_member_overrules_theirs(
    new_page: Any, transactional_db: Any
) -> None:
    world = set_world(size=3)
    world.learning_set.name = "Harbour set"
    world.learning_set.save()
    person = PersonFactory.create(organisation=world.programme.organisation, user=None, name="Grace Okafor")
    offline = EnrolmentFactory.create(programme=world.programme, person=person)
    MembershipFactory.create(learning_set=world.learning_set, enrolment=offline)
    author_email, second_email, third_email = (u.email for u in world.users)
    second_name = world.members[1].person.name
    sharing = f"/learning/sets/{world.learning_set.public_id}/"

    # 1. A member proposes a lesson; a second member approves it.
    author = new_page()
    sign_in(author, author_email, TEST_PASSWORD)
    author.goto(sharing)
    author.get_by_label("Lesson").check()
    author.get_by_label("In words that name nobody").fill(FIRST)
    author.get_by_role("button", name="Propose it to the set").click()
    expect(author.get_by_text("Proposed. It stays in the set")).to_be_visible()
    second = new_page(PHONE)
    sign_in(second, second_email, TEST_PASSWORD)
    second.goto(sharing)
    second.get_by_role("button", name="Approve").click()
    expect(second.get_by_text("Your approval is recorded.")).to_be_visible()

    # 2. The author rewords it: the approval given to the first wording is cleared.
    author.goto(sharing)
    author.get_by_role("link", name="Change the wording").click()
    expect(author.get_by_text("1 approval was given to the current wording")).to_be_visible()
    author.get_by_label("In words that name nobody").fill(REWORDED)
    check_page(author, "learning-room-1-reword")
    author.get_by_role("button", name="Save the new wording").click()
    expect(author.get_by_text("Reworded.")).to_be_visible()
    expect(author.locator(".item-text")).to_have_text(REWORDED)
    expect(author.get_by_text("approvals given to the earlier wording were cleared")).to_be_visible()
    assert not Decision.objects.filter(enrolment=world.members[1]).exists()

    # 3. At the next meeting the facilitator records what each member said aloud.
    facilitator = new_page()
    sign_in(facilitator, world.facilitator.email, TEST_PASSWORD)
    facilitator.goto(sharing)
    facilitator.get_by_role("link", name="Record decisions given in the room").click()
    expect(facilitator.get_by_role("heading", name="Record decisions given in the room")).to_be_visible()
    expect(facilitator.get_by_text("No login: their decision can only be recorded here.")).to_be_visible()
    facilitator.get_by_role("group", name="Grace Okafor").get_by_label("Approves").check()
    facilitator.get_by_role("group", name=second_name).get_by_label("Objects").check()
    check_page(facilitator, "learning-room-2-record")
    facilitator.get_by_role("button", name="Record these decisions").click()
    expect(facilitator.get_by_text("Recorded. Each member sees that you recorded it for them")).to_be_visible()
    recorder = world.facilitator.name or world.facilitator.email
    expect(facilitator.get_by_text(f"said in the room, recorded by {recorder}").first).to_be_visible()
    expect(facilitator.get_by_test_id("tally")).to_contain_text("Held back")
    check_page(facilitator, "learning-room-3-recorded")
    phone = new_page(PHONE)
    sign_in(phone, world.facilitator.email, TEST_PASSWORD)
    phone.goto(sharing)
    phone.get_by_role("link", name="Record decisions given in the room").click()
    check_page(phone, "learning-room-2-record-phone")

    # 4. The second member sees what was recorded for them, and says otherwise online.
    second.goto(sharing)
    note = second.get_by_test_id("recorded-for-you")
    expect(note).to_contain_text(f"{recorder} recorded in the room")
    expect(note).to_contain_text("that you object")
    check_page(second, "learning-room-4-recorded-for-you-phone")
    second.get_by_role("button", name="Approve").click()
    expect(second.get_by_text("Your approval is recorded.")).to_be_visible()
    expect(second.get_by_test_id("recorded-for-you")).to_have_count(0)
    assert SharedItem.objects.get().is_proposed

    # 5. The last member approves online: every member present has agreed, and it leaves the set.
    third = new_page()
    sign_in(third, third_email, TEST_PASSWORD)
    third.goto(sharing)
    third.get_by_role("button", name="Approve").click()
    expect(third.get_by_text("Agreed: it is now shared outside the set.")).to_be_visible()
    expect(third.get_by_role("region", name="Shared outside the set")).to_contain_text(REWORDED)
    item = SharedItem.objects.get()
    assert item.is_released
    assert item.text == REWORDED
