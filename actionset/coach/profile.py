"""A question profile: how a group's (or one person's) questions land, for the process review.

Pure: it takes question texts and the classifier's verdicts, and knows nothing of who may see it —
the callers show a set's profile to the set and a person's own profile to them and their facilitator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from actionset.coach.classifier import FLAGGED, classify


@dataclass(frozen=True)
class QuestionProfile:
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    #: A few questions the coach read as advice or leading, for the facilitator to talk about if they choose.
    advice_examples: tuple[str, ...] = ()

    @property
    def questions(self) -> int:
        """Questions only: a note that is not a question does not count for or against anyone."""
        return self.total - self.counts.get("not_question", 0)

    @property
    def open_percent(self) -> int | None:
        return round(100 * self.counts.get("open", 0) / self.questions) if self.questions else None

    def share(self, label: str) -> int:
        return round(100 * self.counts.get(label, 0) / self.questions) if self.questions else 0


def label_of(text: str) -> tuple[str, str]:
    """The label and reason for one captured question (its main question, as the coach reads it)."""
    turn = classify(text)
    return turn.label, turn.reason


def profile(labelled: Iterable[tuple[str, str]], *, examples: int = 3) -> QuestionProfile:
    """`labelled` is (text, label) pairs, labelled when the question was captured."""
    counts: dict[str, int] = {}
    advice: list[str] = []
    total = 0
    for text, label in labelled:
        total += 1
        counts[label] = counts.get(label, 0) + 1
        if label in FLAGGED and len(advice) < examples:
            advice.append(text)
    return QuestionProfile(total=total, counts=counts, advice_examples=tuple(advice))
