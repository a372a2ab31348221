from __future__ import annotations

import pytest

from actionset.coach.classifier import ADVICE, CLOSED, NOT_QUESTION, OPEN, classify, questions, split, tokens


@pytest.mark.parametrize(
    "text",
    [
        "What would success look like for you?",
        "How did the team take the news?",
        "Why does this matter to you?",
        "Who else cares about how this turns out?",
        "Tell me more about your director.",
        "Walk us through the last board meeting.",
        "Help me understand what the night shift does.",
        "Could you say more about that?",
        "I'm curious what you noticed in yourself.",
        "In what ways has the merger changed your role?",
        "And what happened then?",
    ],
)
def test_open_questions_are_open(text: str) -> None:
    assert classify(text).label == OPEN


@pytest.mark.parametrize(
    "text",
    [
        "Did you tell her?",
        "Is the deadline fixed?",
        "Have you spoken to your sponsor?",
        "How many people report to you?",
        "When is the board meeting?",
        "Which site is worse, Derby or Nottingham?",
        "It's a new team, isn't it?",
        "So the board already agreed?",
        "Do you think the team knows?",
    ],
)
def test_closed_questions_are_closed(text: str) -> None:
    assert classify(text).label == CLOSED


@pytest.mark.parametrize(
    "text",
    [
        "Have you thought about asking for a secondment?",
        "Why don't you just tell him?",
        "Wouldn't it be better to wait for the new director?",
        "Could you not bring the teams together?",
        "Have you tried moving the meeting?",
        "Have you considered a job share?",
        "Why not ask HR?",
        "How about a trial period?",
        "What if you split the role?",
        "Surely you could push back?",
        "Don\u2019t you think you should speak to legal?",
    ],
)
def test_advice_with_a_clear_cue_is_flagged(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == ADVICE
    assert verdict.reason


@pytest.mark.parametrize(
    "text",
    [
        "Have you spoken to her about it?",
        "What have you tried so far?",
        "What have you thought about doing?",
        "Did you consider anyone else for the role?",
        "Why did you choose that option?",
        "Would you say it's getting worse?",
        "What about the budget?",
        "What would be better for you?",
        "Is it possible the data is wrong?",
        "Can you move the launch date?",
    ],
)
def test_advice_is_never_flagged_without_a_clear_cue(text: str) -> None:
    assert classify(text).label != ADVICE


@pytest.mark.parametrize(
    "text",
    ["That sounds really hard.", "You should talk to your sponsor.", "Thanks.", "", "Please tell us if it's too much."],
)
def test_statements_are_not_questions(text: str) -> None:
    assert classify(text).label == NOT_QUESTION


def test_every_verdict_gives_a_reason_and_a_confidence_between_0_and_1() -> None:
    for text in ["What now?", "Did it work?", "Why not quit?", "Fine."]:
        verdict = classify(text)
        assert verdict.reason
        assert 0 < verdict.confidence <= 1


def test_contractions_and_curly_apostrophes_are_normalised() -> None:
    assert tokens("Wouldn\u2019t it be better? Don't you think?") == [
        "would", "not", "it", "be", "better", "do", "not", "you", "think",
    ]  # fmt: skip


def test_a_turn_is_split_into_its_sentences() -> None:
    assert split("That sounds hard. What support do you have? Did anyone help?") == [
        "That sounds hard.",
        "What support do you have?",
        "Did anyone help?",
    ]


def test_only_the_questions_of_a_turn_are_listed() -> None:
    found = questions("That sounds hard. What support do you have? Did anyone help?")
    assert [(v.text, v.label) for v in found] == [
        ("What support do you have?", OPEN),
        ("Did anyone help?", CLOSED),
    ]


def test_stacked_questions_are_labelled_by_the_last_one_asked() -> None:
    turn = classify("Did you talk to her? What did she say?")
    assert turn.label == OPEN
    assert "main question of 2" in turn.reason


def test_advice_anywhere_in_a_turn_makes_it_advice() -> None:
    assert classify("What are your options? Have you thought about resigning?").label == ADVICE
    assert classify("Have you thought about resigning? What else?").label == ADVICE


def test_a_permission_question_is_not_the_main_question() -> None:
    assert classify("Can I ask a question? What would help?").label == OPEN
    assert classify("Sorry, can I check something - what do you mean by the centre?").label == OPEN


def test_a_preface_before_the_question_is_skipped() -> None:
    assert classify("Thinking about the budget, what are the real constraints?").label == OPEN
    assert classify("I'm curious, did anyone else notice?").label == CLOSED
