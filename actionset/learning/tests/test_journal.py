"""The learning journal: the author's own, linked only to their own meetings and actions, exportable by them."""

from __future__ import annotations

import pytest

from actionset.learning import services
from actionset.learning.models import JournalEntry
from actionset.learning.services import LearningError
from actionset.learning.tests.factories import set_world, user_of
from actionset.room.actions import action_commit
from actionset.room.models import Action
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_links_to_the_authors_meeting_and_own_actions() -> None:
    world = set_world(size=2)
    me, other = world.members
    mine = action_commit(meeting=world.meeting, owner=me, text="Ask the ward sisters", due_on=None)
    theirs = action_commit(meeting=world.meeting, owner=other, text="Call finance", due_on=None)
    entry = services.journal_save(
        author=user_of(me), meeting=world.meeting, actions=[mine], about_problem="It is not about rotas."
    )
    assert entry.meeting == world.meeting
    assert list(entry.actions.all()) == [mine]
    with pytest.raises(LearningError, match="your own actions"):
        services.journal_save(author=user_of(me), actions=[theirs], about_myself="I rush.")
    assert list(Action.objects.owned_by(user_of(me))) == [mine]


def test_an_entry_cannot_link_to_a_meeting_of_someone_elses_set() -> None:
    world = set_world(size=1)
    stranger = UserFactory.create()
    with pytest.raises(LearningError):
        services.journal_save(author=stranger, meeting=world.meeting, about_problem="x")
    # A free entry, linked to nothing, is fine.
    assert services.journal_save(author=stranger, notes="A thought on the train.").meeting is None


def test_an_empty_entry_is_refused_and_only_the_author_changes_or_deletes_one() -> None:
    world = set_world(size=2)
    me, other = (user_of(e) for e in world.members)
    with pytest.raises(LearningError):
        services.journal_save(author=me, title="Just a title")
    entry = services.journal_save(author=me, about_myself="I listen better when I write.")
    with pytest.raises(LearningError):
        services.journal_save(author=other, entry=entry, about_myself="overwritten")
    with pytest.raises(LearningError):
        services.journal_delete(author=other, entry=entry)
    services.journal_delete(author=me, entry=entry)
    assert not JournalEntry.objects.exists()


def test_the_markdown_export_holds_the_authors_entries_and_nobody_elses() -> None:
    world = set_world(size=2)
    me, other = (user_of(e) for e in world.members)
    action = action_commit(meeting=world.meeting, owner=world.members[0], text="Ask the ward sisters", due_on=None)
    services.journal_save(
        author=me,
        meeting=world.meeting,
        actions=[action],
        title="# After the\nfirst meeting",
        about_problem="Line one\nline two",
    )
    services.journal_save(author=other, about_problem="Someone else's secret")
    text = services.journal_markdown(author=me)
    assert "## After the first meeting" in text
    assert "### What I learned about my problem\n\nLine one\nline two" in text
    assert "- Ask the ward sisters (open)" in text
    assert "secret" not in text


def test_the_pdf_export_holds_the_authors_entries_and_nobody_elses() -> None:
    import pypdfium2

    from actionset.learning.pdf import journal_pdf

    world = set_world(size=2)
    me, other = (user_of(e) for e in world.members)
    services.journal_save(author=me, meeting=world.meeting, about_problem="The delay starts on Wednesday.")
    services.journal_save(author=other, about_problem="Someone else's secret")
    document = pypdfium2.PdfDocument(journal_pdf(author=me))
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "What I learned about my problem" in text
    assert "The delay starts on Wednesday." in text
    assert "secret" not in text
