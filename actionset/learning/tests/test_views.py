"""The pages, end to end through HTTP: journal (with and without htmx), the set's sharing page, answers, themes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from actionset.learning.models import JournalEntry, LeaderAnswer, SharedItem
from actionset.learning.tests.factories import SetWorld, set_world, user_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> SetWorld:
    return set_world(size=3)


def test_a_member_writes_an_entry_after_a_meeting_and_finds_it_in_their_journal(world: SetWorld) -> None:
    me = client_for(world.users[0])
    response = me.get(reverse("learning:journal_meeting", kwargs={"meeting": world.meeting.public_id}))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?meeting={world.meeting.public_id}")
    page = me.get(response["Location"])
    assert "selected>" in page.content.decode()
    response = me.post(
        reverse("learning:journal_new"),
        {"meeting": world.meeting.pk, "about_problem": "It is a Wednesday problem.", "title": ""},
    )
    entry = JournalEntry.objects.get()
    assert response["Location"] == reverse("learning:journal_entry", kwargs={"entry": entry.public_id})
    assert entry.meeting == world.meeting
    assert "It is a Wednesday problem." in me.get(reverse("learning:journal")).content.decode()
    # The link after the meeting now opens that entry rather than a second one.
    again = me.get(reverse("learning:journal_meeting", kwargs={"meeting": world.meeting.public_id}))
    assert again["Location"] == reverse("learning:journal_entry", kwargs={"entry": entry.public_id})


def test_an_empty_entry_is_refused_and_keeps_what_was_typed(world: SetWorld) -> None:
    response = client_for(world.users[0]).post(reverse("learning:journal_new"), {"title": "Half a thought"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Write something in at least one of the prompts." in body
    assert 'value="Half a thought"' in body
    assert not JournalEntry.objects.exists()


def test_htmx_saves_swap_the_editor_in_place_and_push_the_entrys_address(world: SetWorld) -> None:
    response = client_for(world.users[0]).post(
        reverse("learning:journal_new"), {"about_myself": "I rush."}, HTTP_HX_REQUEST="true"
    )
    entry = JournalEntry.objects.get()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("learning:journal_entry", kwargs={"entry": entry.public_id})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="journal-main">')
    assert "Saved in your journal" in body


def test_a_meeting_of_another_set_cannot_be_chosen(world: SetWorld) -> None:
    other = set_world(size=1)
    response = client_for(world.users[0]).post(
        reverse("learning:journal_new"), {"meeting": other.meeting.pk, "about_myself": "x"}
    )
    assert response.status_code == 422
    assert not JournalEntry.objects.exists()


def test_the_export_is_a_markdown_file_of_ones_own_entries(world: SetWorld) -> None:
    me = client_for(world.users[0])
    me.post(reverse("learning:journal_new"), {"about_myself": "I listen better now."})
    response = me.get(reverse("learning:journal_export"))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="learning-journal-' in response["Content-Disposition"]
    assert "I listen better now." in response.content.decode()


def test_the_set_agrees_a_question_the_sponsor_answers_and_the_set_reads_the_answer(
    world: SetWorld, django_capture_on_commit_callbacks: Any
) -> None:
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    first = client_for(world.users[0])
    response = first.post(sharing, {"kind": "question", "text": "Who owns weekend flow?"})
    assert response.status_code == 302
    item = SharedItem.objects.get()
    programme_page = reverse("learning:programme", kwargs={"programme": world.programme.public_id})
    sponsor = client_for(world.sponsor)
    assert "Who owns weekend flow?" not in sponsor.get(programme_page).content.decode()
    for user in world.users[1:]:
        client_for(user).post(reverse("learning:decide", kwargs={"item": item.public_id}), {"verdict": "approve"})
    item.refresh_from_db()
    assert item.is_released
    assert "Who owns weekend flow?" in sponsor.get(programme_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = sponsor.post(
            reverse("learning:answer", kwargs={"item": item.public_id}), {"text": "I do, from May."}
        )
    assert response.status_code == 302
    assert LeaderAnswer.objects.get().text == "I do, from May."
    assert "I do, from May." in first.get(sharing).content.decode()
    assert len(mail.outbox) == 3


def test_a_facilitator_cannot_propose_for_the_set(world: SetWorld) -> None:
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    response = client_for(world.facilitator).post(sharing, {"kind": "lesson", "text": "Mine, not theirs"})
    assert response.status_code == 403
    assert not SharedItem.objects.exists()


def test_a_blank_proposal_re_renders_with_the_error(world: SetWorld) -> None:
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    response = client_for(world.users[0]).post(sharing, {"kind": "lesson", "text": ""})
    assert response.status_code == 422
    assert not SharedItem.objects.exists()


def test_a_developer_tags_a_released_item_and_sees_it_under_the_theme(world: SetWorld) -> None:
    world_one = set_world(size=1)
    client_for(world_one.users[0]).post(
        reverse("learning:sharing", kwargs={"learning_set": world_one.learning_set.public_id}),
        {"kind": "lesson", "text": "Ask the porters"},
    )
    item = SharedItem.objects.get()
    assert item.is_released
    developer = client_for(UserFactory.create(staff_roles=["developer"]))
    assert "Ask the porters" in developer.get(reverse("learning:themes")).content.decode()
    developer.post(reverse("learning:tag", kwargs={"item": item.public_id}), {"new_theme": "Ask the front line"})
    theme = item.themes.get()
    page = developer.get(reverse("learning:theme", kwargs={"theme": theme.public_id})).content.decode()
    assert "Ask the porters" in page
    assert "Ask the front line" in page


def test_home_prompts_for_the_journal_and_for_items_awaiting_agreement(world: SetWorld) -> None:
    client_for(world.users[0]).post(
        reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id}),
        {"kind": "theme", "text": "Silos"},
    )
    home = client_for(world.users[1]).get("/").content.decode()
    assert "Write in your journal about meeting 1" in home
    assert "1 item awaiting your agreement" in home
    sponsor_home = client_for(world.sponsor).get("/").content.decode()
    assert "Questions from the sets" in sponsor_home
    assert user_of(world.members[0]) is not None


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # once to warm what every page loads the first time (the provider's row, sessions)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_query_per_item(world: SetWorld) -> None:
    from actionset.learning import services

    member = client_for(world.users[0])
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    programme_page = reverse("learning:programme", kwargs={"programme": world.programme.public_id})
    sponsor = client_for(world.sponsor)

    def add(n: int) -> None:
        for i in range(n):
            item = services.item_propose(
                actor=world.users[0], learning_set=world.learning_set, kind="question", text=f"Question {i}"
            )
            if i % 2:
                for user in world.users[1:]:
                    services.item_decide(actor=user, item=item, verdict="approve")
                item.refresh_from_db()
                services.answer_add(actor=world.sponsor, item=item, text="An answer")

    add(2)
    few = (_queries(member, sharing), _queries(sponsor, programme_page))
    add(6)
    assert (_queries(member, sharing), _queries(sponsor, programme_page)) == few


def _statements(client: Client, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_proposal_form_offers_the_sets_meetings_and_members_read_once_and_refuses_any_other() -> None:
    from actionset.sets.models import SharingRule
    from tests.factories import MeetingFactory

    world = set_world(size=3, rule=SharingRule.FACILITATOR_AND_PRESENTER)
    elsewhere = MeetingFactory.create(status="held")
    member = client_for(world.users[0])
    sharing = reverse("learning:sharing", kwargs={"learning_set": world.learning_set.public_id})
    statements = _statements(member, sharing)
    body = member.get(sharing).content.decode()
    assert f'<option value="{world.meeting.pk}" selected>Meeting {world.meeting.number} (' in body
    for enrolment in world.members:
        assert f'<option value="{enrolment.pk}">{enrolment.person.name}</option>' in body
    # The choices are the meetings and members the page read: not asked for again to be rendered.
    assert sum('FROM "meetings_meeting"' in sql for sql in statements) == 1
    assert sum('FROM "sets_contractversion"' in sql for sql in statements) == 1
    # What is submitted is still looked up among the set's own.
    response = member.post(sharing, {"kind": "lesson", "text": "Something learned", "meeting": elsewhere.pk})
    assert response.status_code == 422
    assert not SharedItem.objects.exists()


def test_the_programme_page_asks_once_whether_its_reader_sponsors_it(world: SetWorld) -> None:
    page = reverse("learning:programme", kwargs={"programme": world.programme.public_id})
    statements = _statements(client_for(world.sponsor), page)
    # The one question (the list of released items names the sponsored programmes in its own filter).
    asked = [
        sql for sql in statements if sql.startswith('SELECT 1 AS "a"') and '"programmes_programme_sponsors"' in sql
    ]
    assert len(asked) == 1
    assert "your answer goes back to the set that asked" in client_for(world.sponsor).get(page).content.decode()
