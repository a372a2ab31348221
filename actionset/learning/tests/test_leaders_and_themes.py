"""Questions to leaders and themes across sets: only released items, answered by the programme's sponsors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from actionset.learning import selectors, services
from actionset.learning.services import LearningError
from actionset.learning.tests.factories import set_world, user_of

pytestmark = pytest.mark.django_db


def test_a_sponsor_answers_a_released_question_and_the_set_is_told(django_capture_on_commit_callbacks: Any) -> None:
    world = set_world(size=2)
    item = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="question", text="Why two rotas?"
    )
    with pytest.raises(LearningError):
        services.answer_add(actor=world.sponsor, item=item, text="Too early")
    services.item_decide(actor=user_of(world.members[1]), item=item, verdict="approve")
    item.refresh_from_db()
    with pytest.raises(LearningError):
        services.answer_add(actor=user_of(world.members[0]), item=item, text="Members do not answer")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_add(actor=world.sponsor, item=item, text="We will merge them by March.")
    (question,) = selectors.leader_questions(world.programme)
    assert question.answers[0].text == "We will merge them by March."
    assert selectors.leader_questions(world.programme, answered=False) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.person.email for m in world.members)
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "We will merge them by March." in mail.outbox[0].body


def test_a_sponsor_of_another_programme_cannot_answer() -> None:
    world = set_world(size=1)
    other = set_world(size=1)
    item = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="question", text="Why?"
    )
    with pytest.raises(LearningError):
        services.answer_add(actor=other.sponsor, item=item, text="Not mine to answer")


def test_only_released_items_can_be_tagged_and_themes_count_across_sets() -> None:
    world = set_world(size=2)
    neighbour = set_world(size=1, programme=world.programme)
    pending = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="theme", text="Silos"
    )
    with pytest.raises(LearningError):
        services.item_themes_set(actor=world.facilitator, item=pending, themes=[], new_theme="Silos")
    released = services.item_propose(
        actor=user_of(neighbour.members[0]), learning_set=neighbour.learning_set, kind="lesson", text="Ask first"
    )
    services.item_themes_set(actor=world.facilitator, item=released, themes=[], new_theme="Working across  sites")
    theme = services.theme_get_or_create(actor=world.facilitator, name="working across sites")
    assert theme.name == "Working across sites"
    (summary,) = selectors.themes_for_programme(world.programme)
    assert (summary.name, summary.count, summary.items[0].text) == ("Working across sites", 1, "Ask first")


def test_themes_and_questions_are_the_programme_s_themes_and_questions_to_leaders_from_one_read(
    django_assert_max_num_queries: Any,
) -> None:
    world = set_world(size=2)
    question = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="question", text="Why two rotas?"
    )
    services.item_decide(actor=user_of(world.members[1]), item=question, verdict="approve")
    lesson = services.item_propose(
        actor=user_of(world.members[0]), learning_set=world.learning_set, kind="lesson", text="Ask first"
    )
    services.item_decide(actor=user_of(world.members[1]), item=lesson, verdict="approve")
    lesson.refresh_from_db()
    services.item_themes_set(actor=world.facilitator, item=lesson, themes=[], new_theme="Working across sites")
    services.item_propose(actor=user_of(world.members[0]), learning_set=world.learning_set, kind="question", text="?")
    # The released items, their answers and themes, and the themes' descriptions.
    with django_assert_max_num_queries(4):
        themes, questions = selectors.themes_and_questions(world.programme)
    assert themes == selectors.themes_for_programme(world.programme)
    assert questions == selectors.leader_questions(world.programme)
    assert [q.text for q in questions] == ["Why two rotas?"]
