"""A set agrees to share a question, the sponsor answers it, the set reads the answer; and a journal entry typed
while offline survives until the server has it. Screenshots of each step at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from actionset.learning.models import JournalEntry, LeaderAnswer, SharedItem
from actionset.learning.tests.factories import set_world
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD

QUESTION = "Who owns patient flow at weekends? Each of us holds a piece of it; nobody holds the whole."
ANSWER = "Nobody does today. From March a named site manager will, and I will take your question to the board."


def check_page(page: Any, name: str) -> None:
    screenshot(page, name)
    assert serious_accessibility_violations(page) == [], name


def test_a_set_shares_a_question_the_sponsor_answers_it_and_the_set_reads_the_answer(
    new_page: Any, transactional_db: Any
) -> None:
    world = set_world(size=3)
    world.learning_set.name = "Harbour set"
    world.learning_set.save()
    emails = [u.email for u in world.users]
    sharing = f"/learning/sets/{world.learning_set.public_id}/"

    # 1. A member proposes the question; it stays in the set.
    page = new_page()
    sign_in(page, emails[0], TEST_PASSWORD)
    page.goto(f"/sets/{world.learning_set.public_id}/")
    page.get_by_role("link", name="Sharing outside the set").click()
    page.get_by_label("Question for leaders").check()
    page.get_by_label("In words that name nobody").fill(QUESTION)
    page.get_by_role("button", name="Propose it to the set").click()
    expect(page.get_by_text("Proposed. It stays in the set")).to_be_visible()
    expect(page.get_by_test_id("tally")).to_contain_text("Waiting for")
    check_page(page, "learning-1-proposed")

    # 2. The second member approves, on a phone.
    phone = new_page(PHONE)
    sign_in(phone, emails[1], TEST_PASSWORD)
    expect(phone.get_by_text("1 item awaiting your agreement")).to_be_visible()
    phone.get_by_text("1 item awaiting your agreement").click()
    phone.get_by_role("button", name="Approve").click()
    expect(phone.get_by_text("Your approval is recorded.")).to_be_visible()
    check_page(phone, "learning-2-approved-phone")
    assert SharedItem.objects.get().is_proposed

    # 3. The last member approves: the rule (every member present) is met and it leaves the set.
    third = new_page()
    sign_in(third, emails[2], TEST_PASSWORD)
    third.goto(sharing)
    third.get_by_role("button", name="Approve").click()
    expect(third.get_by_text("Agreed: it is now shared outside the set.")).to_be_visible()
    expect(third.get_by_role("region", name="Shared outside the set")).to_contain_text(QUESTION)
    check_page(third, "learning-3-released")
    assert SharedItem.objects.get().is_released

    # 4. The sponsor sees it, without a name, and answers.
    sponsor = new_page()
    sign_in(sponsor, world.sponsor.email, TEST_PASSWORD)
    expect(sponsor.get_by_text("1 awaiting your answer")).to_be_visible()
    sponsor.get_by_role("link", name="Shared learning").click()
    expect(sponsor.get_by_role("heading", name="What the sets have shared")).to_be_visible()
    question = sponsor.locator(".question-block", has_text=QUESTION)
    expect(question).to_contain_text("Shared without a name")
    expect(question).not_to_contain_text(world.members[0].person.name)
    question.get_by_label("Your answer to Harbour set").fill(ANSWER)
    check_page(sponsor, "learning-4-sponsor-sees-question")
    question.get_by_role("button", name="Send the answer").click()
    expect(sponsor.get_by_text("Your answer is on its way back to Harbour set.")).to_be_visible()
    check_page(sponsor, "learning-5-sponsor-answered")
    assert LeaderAnswer.objects.get().text == ANSWER

    # 5. The set reads the answer where it shared the question.
    page.goto(sharing)
    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text(ANSWER)
    expect(answer).to_contain_text(world.sponsor.name)
    check_page(page, "learning-6-set-reads-answer")
    phone.goto(sharing)
    expect(phone.get_by_test_id("answer")).to_contain_text(ANSWER)
    screenshot(phone, "learning-6-set-reads-answer-phone")


def test_a_journal_entry_typed_offline_is_kept_and_saved_when_the_connection_returns(
    new_page: Any, transactional_db: Any
) -> None:
    world = set_world(size=2)
    page = new_page(PHONE)
    sign_in(page, world.users[0].email, TEST_PASSWORD)
    page.goto(f"/journal/meetings/{world.meeting.public_id}/")
    words = "The delay starts on Wednesday, when nobody plans the discharges."
    page.get_by_label("What I learned about my problem").fill(words)
    check_page(page, "learning-journal-new-phone")

    page.context.set_offline(True)
    # The save fails in the browser, never reaching the server: wait for that failure, not for a guessed time.
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Save in my journal").click()
    assert not JournalEntry.objects.exists()
    # Queued while offline (static/js/drafts.js), it is sent once by itself when the connection returns.
    with page.expect_response(lambda r: r.request.method == "POST" and "/journal/" in r.url):
        page.context.set_offline(False)
    entry = JournalEntry.objects.get()
    assert entry.about_problem == words
    assert entry.meeting == world.meeting
    page.reload()
    expect(page.get_by_label("What I learned about my problem")).to_have_value("")
    assert JournalEntry.objects.count() == 1
    page.goto(f"/journal/{entry.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("After meeting 1 of " + world.learning_set.name)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('actionset-draft:'))") == []

    page.goto("/journal/")
    expect(page.get_by_text(words)).to_be_visible()
    check_page(page, "learning-journal-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Markdown").click()
    assert words in Path(download.value.path()).read_text(encoding="utf-8")
