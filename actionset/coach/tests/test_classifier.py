from __future__ import annotations

import pytest

from actionset.coach.classifier import (
    ADVICE,
    CLOSED,
    LEADING,
    NOT_QUESTION,
    OPEN,
    classify,
    questions,
    split,
    tokens,
)


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
        "Could you not bring the teams together?",
        "Have you tried moving the meeting?",
        "Have you considered a job share?",
        "Why not ask HR?",
        "How about a trial period?",
        "What if you split the role?",
        "Could you try moving the meeting to Mondays?",
        "Could you set up a weekly call with her?",
        "Could you maybe ask the night shift first?",
        "Could you tell her how you feel?",
        "Can you try a smaller pilot?",
        "I wonder if you could ask the night shift first",
    ],
)
def test_advice_with_a_clear_cue_is_flagged(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == ADVICE
    assert verdict.reason


@pytest.mark.parametrize(
    "text",
    [
        "Don\u2019t you think you should speak to legal?",
        "Don't you think you're being hard on yourself?",
        "Wouldn't it be better to wait for the new director?",
        "Isn't it true that the team never liked the plan?",
        "Isn't the real problem that you haven't set expectations?",
        "Surely you could push back?",
        "Wouldn't you agree the budget is the real issue?",
        "Doesn't that tell you something about her?",
        "Shouldn't you be putting yourself first?",
    ],
)
def test_leading_questions_get_their_own_label(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == LEADING, verdict
    assert verdict.reason


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Wouldn't it be better to wait, don't you think?", LEADING),
        ("Don't you think she knows, right?", LEADING),
        ("It's really about trust, isn't it?", LEADING),
        ("You must have been furious, weren't you", LEADING),
        ("Have you tried asking HR, right?", ADVICE),
        ("Why don't you just ask her, don't you think?", ADVICE),
        ("You could ring the helpline, couldn't you?", ADVICE),
        ("You should talk to your sponsor, shouldn't you?", ADVICE),
        # A fact with a tag only asks to confirm it.
        ("It's a new team, isn't it?", CLOSED),
        ("So you've got two children, is that right", CLOSED),
        ("That was last year, wasn't it", CLOSED),
    ],
)
def test_a_tag_does_not_turn_advice_or_a_leading_question_into_a_closed_one(text: str, label: str) -> None:
    assert classify(text).label == label


@pytest.mark.parametrize(
    "text",
    [
        "Could you say more about what happened?",
        "Could you maybe say a bit more about that?",
        "Could you tell us what happened next?",
        "Could you walk us through the rota?",
        "Do you want to say a bit more about that",
        "Would you like to tell me what happened",
        "How about you?",
        "Why not?",
    ],
)
def test_requests_for_more_stay_open(text: str) -> None:
    assert classify(text).label == OPEN


@pytest.mark.parametrize(
    "text",
    [
        "So what made you choose that",
        "I'm curious. What made you choose that",
        "okay so what happened after the meeting",
        "And then what",
        "But what stopped you",
        "Um what do you think is keeping it going",
        "What sort of support have you had",
        "Who else knows about this",
        "How come you stopped going",
        "Right so why engineering",
        "Tell me about the first time it happened",
        "Talk me through a normal morning",
        "Take me through the day it went wrong",
        "I wonder what your team would say",
        "I was wondering what you made of the feedback",
        "I'd be interested to hear how you got through it",
        "I'd like to understand more about the night shift",
        "Give me an example",
        "Do you have a sense of why it keeps happening",
        "Okay so you've been off for two weeks how has that been",
        "Like what",
        "Which would you prefer",
        "I guess I'm wondering what you make of it",
    ],
)
def test_spoken_open_questions_without_a_question_mark_are_open(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == OPEN, verdict


@pytest.mark.parametrize(
    "text",
    [
        "So did you go in the end",
        "And is he still working there",
        "Has anything changed since the meeting",
        "Okay and does your manager know",
        "Are things any better with your brother",
        "Anything else you wanted to ask",
        "Any thoughts so far",
        "I wonder if she knows how you feel",
        "I'm curious whether anyone asked them directly",
    ],
)
def test_spoken_closed_questions_without_a_question_mark_are_closed(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == CLOSED, verdict


@pytest.mark.parametrize(
    "text",
    [
        "So you're feeling stuck at the moment",
        "And that was really hard for you",
        "What I'm hearing is that you want things calmer",
        "What a week you've had",
        "When I was your age I didn't know either",
        "How brave of you to go back",
        "How you feel about it matters",
        "Why I ask is that the school rang",
        "Who you tell is up to you",
        "Where you live now sounds safer",
        "Who knows, it might work",
        "Okay, so let's come back to that",
        "Tell me if it gets too much",
        "Must be hard",
        "I know what you mean",
        "Which means you'll need to go back",
        "Which is why I asked",
        "What happened was really upsetting",
        "What worries me is the timing",
        "Have a think about it",
        "Why, that's brilliant",
    ],
)
def test_spoken_statements_stay_statements(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == NOT_QUESTION, verdict


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
        "Do you know what grades you need?",
        "What would you like to try next?",
    ],
)
def test_advice_is_never_flagged_without_a_clear_cue(text: str) -> None:
    assert classify(text).label not in {ADVICE, LEADING}


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
