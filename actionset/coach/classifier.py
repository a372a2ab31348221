"""The question coach's classifier: open, closed, advice posing as a question, or not a question.

Pure Python and rules only: no Django, no network, no model. Every verdict carries the rule that decided it,
so a facilitator (and a member) can see why, and disagree. Advice is flagged only on a clear cue — a false
accusation costs a member's trust more than a missed one — so anything doubtful falls back to open or closed.

The labels are defined in `data/GUIDELINES.md`; this module follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSED, ADVICE, NOT_QUESTION = "open", "closed", "advice", "not_question"
LABELS = (OPEN, CLOSED, ADVICE, NOT_QUESTION)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One question (or non-question) with its label, how sure the rules are, and the rule that decided."""

    text: str
    label: str
    confidence: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "label": self.label, "confidence": self.confidence, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Turn:
    """A whole turn: labelled by its main question, with every question found in it."""

    text: str
    label: str
    confidence: float
    reason: str
    questions: tuple[Verdict, ...]

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "confidence": self.confidence, "reason": self.reason}


# --- normalising -------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_CONTRACTIONS = [
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'s\b"), " is"),
]
_WORD = re.compile(r"[a-z]+")


def tokens(text: str) -> list[str]:
    """Lower-case words with contractions expanded ("wouldn't" → "would not"), punctuation dropped."""
    text = text.lower().translate(_QUOTES)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _WORD.findall(text)


# --- vocabulary --------------------------------------------------------------------------------------------

WH = frozenset({"what", "how", "why", "who", "when", "where", "which", "whose", "whom"})
AUX = frozenset(
    {
        "do", "does", "did", "is", "are", "was", "were", "am", "have", "has", "had",
        "can", "could", "will", "would", "shall", "should", "may", "might", "must",
    }
)  # fmt: skip
SUBJECTS = frozenset(
    {
        "you", "we", "they", "he", "she", "it", "i", "there", "that", "this", "the", "your", "a", "an",
        "anyone", "anybody", "someone", "everyone", "things", "people",
    }
)  # fmt: skip
# Words that open a turn without changing what the question asks.
DISCOURSE = frozenset({"so", "and", "but", "ok", "okay", "right", "well", "then", "also", "now", "um", "er", "oh"})
# Requests that only wrap an open question: "Can you tell us more…?", "Could you walk us through…?"
REQUEST_VERBS = frozenset({"tell", "explain", "describe", "walk", "talk", "expand", "share", "give", "help"})
IMPERATIVES = {
    "tell": frozenset({"me", "us"}),
    "talk": frozenset({"me", "us"}),
    "walk": frozenset({"me", "us"}),
    "help": frozenset({"me", "us"}),
    "describe": frozenset(),
    "explain": frozenset(),
    "say": frozenset({"more", "a", "something"}),
}
HOW_FACT = frozenset({"many", "much", "long", "often", "old", "far", "big", "soon"})
FACT_VERBS_BE = frozenset({"is", "are", "was", "were", "did", "will", "does"})
SUGGEST_VERBS = frozenset({"thought", "considered", "tried", "looked", "explored"})
NEGATIVE_MODALS = frozenset({"would", "could", "should", "might", "must", "can"})
SOFTENERS = frozenset({"just", "maybe", "perhaps", "simply", "always"})
PERMISSION = re.compile(
    r"^(can|could|may|might) i (ask|check|just ask|just check|come in|add)\b|^does that make sense\b|^is that ok\b"
)
TAG = re.compile(
    r"(,|-)\s*(is|are|was|were|do|does|did|have|has|had|can|could|will|would|should)n'?t "
    r"(it|you|they|he|she|we|there|i|that)\s*\?\s*$|,\s*(right|yes|no|correct|true)\s*\?\s*$",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[?!.])[\"')\u201d\u2019]*\s+(?=\S)")
_CLAUSE = re.compile(r"\s*(?:[,;:(]|\s[-\u2013\u2014]\s|\u2014)\s*")


# --- one question ------------------------------------------------------------------------------------------


def _strip_discourse(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in DISCOURSE:
        i += 1
    return words[i:]


def _advice_cue(w: list[str]) -> str | None:
    """The advice cue at the start of a question, if there is a clear one."""
    n = len(w)
    first = w[0] if w else ""
    second = w[1] if n > 1 else ""
    third = w[2] if n > 2 else ""
    head = " ".join(w[:6])
    if first == "surely":
        return "'Surely…?' asserts the answer"
    if first == "have" and second == "you":
        rest = w[2:5]
        if rest[:1] == ["ever"] or rest[:1] == ["not"]:
            rest = rest[1:]
        if rest and rest[0] in SUGGEST_VERBS:
            return f"'Have you {rest[0]}…?' proposes a course of action"
    if first == "why":
        if second == "not":
            return "'Why not…?' proposes a course of action"
        if second in {"do", "would", "could", "can", "will"} and third == "not" and n > 3 and w[3] in {"you", "we"}:
            return f"'Why {second}n't {w[3]}…?' proposes a course of action"
        if second in {"do", "would", "could", "can", "will", "did"} and "just" in w[2:6]:
            return "'Why … just…?' proposes a course of action"
    if first in NEGATIVE_MODALS and "not" in w[1:4]:
        return f"a negative '{first}…not…?' question leans towards its own answer"
    if first in {"do", "does"} and (head.startswith(f"{first} you not think") or head.startswith(f"{first} not you")):
        return "'Don't you think…?' leads towards its own answer"
    if first == "is" and second == "not":
        if third == "it" and n > 3 and w[3] in {"time", "obvious", "clear", "better", "easier"}:
            return f"'Isn't it {w[3]}…?' leads towards its own answer"
        if third == "the" and n > 3 and w[3] in {"real", "answer", "problem", "issue", "solution", "obvious", "point"}:
            return "'Isn't the…?' asserts the answer"
    if first in {"what", "how"} and second == "about" and n > 2 and third.endswith("ing"):
        return f"'{first.capitalize()} about {third}…?' proposes a course of action"
    if first == "how" and second == "about":
        return "'How about…?' proposes a course of action"
    if first == "what" and second == "if" and third in {"you", "we"}:
        return f"'What if {third}…?' proposes a course of action"
    if first in {"would", "might"} and second == "it" and third in {"help", "be"}:
        if third == "help" and n > 3 and w[3] in {"to", "if"}:
            return f"'{first.capitalize()} it help to…?' proposes a course of action"
        if third == "be" and n > 3 and w[3] in {"worth", "better", "easier", "simpler", "fairer", "wise", "sensible"}:
            return f"'{first.capitalize()} it be {w[3]}…?' proposes a course of action"
    if head.startswith("do you think you should") or head.startswith("do you think you need to"):
        return "'Do you think you should…?' proposes a course of action"
    if first in {"could", "can"} and second == "you" and third in SOFTENERS:
        return f"'{first.capitalize()} you {third}…?' proposes a course of action"
    if "if you just" in " ".join(w):
        return "'…if you just…?' proposes a course of action"
    return None


def _opener(w: list[str]) -> str | None:
    """What kind of question the clause opens with, if any: 'wh', 'aux' or 'imperative'."""
    if not w:
        return None
    first = w[0]
    if first in WH:
        return "wh"
    if first in AUX:
        return "aux"
    if first == "surely":
        return "aux"
    if first in IMPERATIVES:
        nxt = IMPERATIVES[first]
        if not nxt or (len(w) > 1 and w[1] in nxt):
            return "imperative"
    if first == "please" and len(w) > 1 and w[1] in IMPERATIVES and w[1] not in {"tell"}:
        return "imperative"
    # "I'm curious what…", "I wonder how…" — but not a bare "I'm curious," before the real question.
    if first == "i" and w[1:3] == ["am", "curious"] and len(w) > 3:
        return "curious"
    if first == "i" and w[1:2] == ["wonder"] and len(w) > 2:
        return "curious"
    return None


def _label_clause(text: str, w: list[str], kind: str, has_mark: bool) -> Verdict:
    """Label a clause known to open like a question (`kind` from `_opener`)."""
    sure = 0.9 if has_mark else 0.65
    cue = _advice_cue(w)
    if cue:
        return Verdict(text, ADVICE, 0.9 if has_mark else 0.7, cue)
    first = w[0]
    second = w[1] if len(w) > 1 else ""
    third = w[2] if len(w) > 2 else ""
    if kind == "imperative":
        return Verdict(text, OPEN, 0.85, f"an invitation ('{first.capitalize()} …') works as an open question")
    if kind == "curious":
        return Verdict(text, OPEN, 0.75, "'I'm curious / I wonder…' works as an open question")
    if kind == "aux":
        polite = first in {"can", "could", "would", "will"} and second == "you"
        if polite and (third in REQUEST_VERBS or (third == "say" and "more" in w[3:6])):
            return Verdict(
                text, OPEN, 0.8, f"a polite request ('{first.capitalize()} you {third}…') for an open answer"
            )
        if polite and third == "please" and len(w) > 3 and w[3] in REQUEST_VERBS:
            return Verdict(text, OPEN, 0.8, "a polite request for an open answer")
        return Verdict(text, CLOSED, round(sure * 0.95, 2), f"opens with '{first}': can be answered yes or no")
    # wh-openers: open, unless they ask for a single fact.
    if first == "how":
        if second in HOW_FACT and not (second == "much" and third == "of"):
            return Verdict(text, CLOSED, 0.8, f"'How {second}…?' asks for a single figure")
        return Verdict(text, OPEN, sure, "opens with 'how'")
    if first == "when" and second in FACT_VERBS_BE:
        return Verdict(text, CLOSED, 0.75, f"'When {second}…?' asks for a date")
    if first == "where" and second in {"is", "are", "was", "were"}:
        return Verdict(text, CLOSED, 0.7, f"'Where {second}…?' asks for a place")
    if first == "who" and (second in {"is", "are", "was", "were"} or (second.endswith("s") and second != "else")):
        return Verdict(text, CLOSED, 0.7, "'Who …?' asks for a name")
    if first == "which" and (" or " in text.lower() or second in {"one", "option"}):
        return Verdict(text, CLOSED, 0.75, "'Which…?' asks to pick between options")
    return Verdict(text, OPEN, sure, f"opens with '{first}'")


def classify_sentence(sentence: str) -> Verdict:
    """Label one sentence: find where its question starts (after any preface) and apply the rules."""
    text = sentence.strip()
    has_mark = text.rstrip("\"'\u201d\u2019) ").endswith("?")
    if has_mark and TAG.search(text.translate(_QUOTES)):
        return Verdict(text, CLOSED, 0.8, "a tag question asks to confirm a statement")
    clauses = [c for c in _CLAUSE.split(text) if c]
    for i, clause in enumerate(clauses):
        w = _strip_discourse(tokens(clause))
        if w[:2] == ["in", "what"] or w[:2] == ["in", "which"]:
            w = w[1:]
        if i < len(clauses) - 1 and PERMISSION.match(" ".join(w)):
            continue  # "Sorry, can I check something — what do you mean…?": the question comes after
        kind = _opener(w)
        if kind is None:
            continue
        if kind in {"wh", "aux"} and not has_mark:
            # Without a question mark, only a clear inversion counts: "What would you…", "Did you…".
            nxt = w[1] if len(w) > 1 else ""
            if kind == "wh" and nxt not in AUX and nxt not in {"else", "about", "if"}:
                continue
            if kind == "aux" and (nxt not in SUBJECTS or nxt == "i"):
                continue
        return _label_clause(text, w, kind, has_mark)
    if has_mark:
        w = _strip_discourse(tokens(text))
        cue = _advice_cue(w)
        if cue:
            return Verdict(text, ADVICE, 0.8, cue)
        return Verdict(text, CLOSED, 0.6, "a statement with a question mark asks to confirm it")
    return Verdict(text, NOT_QUESTION, 0.8, "no question mark and no question opener")


def split(text: str) -> list[str]:
    """The sentences of a turn, in order."""
    return [s for s in (part.strip() for part in _SENTENCE.split(text.strip())) if s]


def questions(text: str) -> list[Verdict]:
    """Every question found in a turn, labelled, in order."""
    verdicts = (classify_sentence(sentence) for sentence in split(text))
    return [v for v in verdicts if v.label != NOT_QUESTION]


def classify(text: str) -> Turn:
    """Label a turn by its main question (see `data/GUIDELINES.md`): advice if any is, else the last one asked."""
    found = questions(text)
    if not found:
        return Turn(text, NOT_QUESTION, 0.8, "no question found", ())
    substantive = [v for v in found if not PERMISSION.match(" ".join(tokens(v.text)))] or found
    advice = [v for v in substantive if v.label == ADVICE]
    main = advice[0] if advice else substantive[-1]
    reason = main.reason
    if len(found) > 1:
        reason = f"{reason} (main question of {len(found)}: {'advice' if advice else 'the last asked'})"
    return Turn(text, main.label, main.confidence, reason, tuple(found))
