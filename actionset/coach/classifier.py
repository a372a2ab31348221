"""The question coach's classifier: open, closed, advice posing as a question, leading, or not a question.

Pure Python and rules only: no Django, no network, no model. Every verdict carries the rule that decided it,
so a facilitator (and a member) can see why, and disagree. Advice is flagged only on a clear cue — a false
accusation costs a member's trust more than a missed one — so anything doubtful falls back to open or closed.

The labels are defined in `data/GUIDELINES.md`; this module follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSED, ADVICE, LEADING, NOT_QUESTION = "open", "closed", "advice", "leading", "not_question"
LABELS = (OPEN, CLOSED, ADVICE, LEADING, NOT_QUESTION)
#: The labels that hand the presenter the questioner's own answer: what a facilitator talks about.
FLAGGED = frozenset({ADVICE, LEADING})


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
        "anything", "everything", "something", "any", "my", "his", "her", "their", "our", "these", "those", "all",
    }
)  # fmt: skip
# Words after which a wh-word starts a clause about someone, not a question: "What I'm hearing is…",
# "Who you tell is up to you", "What a week".
WH_STATEMENT_NEXT = frozenset(
    {"i", "you", "we", "they", "he", "she", "it", "one", "a", "an", "the", "this", "that", "my", "your", "our",
     "his", "her", "their", "people", "someone", "somebody", "everyone"}
)  # fmt: skip
# Words that open a turn without changing what the question asks: spoken questions often start with several
# ("Okay so um what happened next").
DISCOURSE = frozenset(
    {"so", "and", "but", "or", "ok", "okay", "alright", "right", "well", "then", "also", "now", "um", "umm", "erm",
     "er", "uh", "oh", "mm", "mmm", "hmm", "yeah", "yes"}
)  # fmt: skip
# Requests that only wrap an open question: "Can you tell us more…?", "Could you walk us through…?"
REQUEST_VERBS = frozenset({"tell", "explain", "describe", "walk", "talk", "expand", "share", "give", "help"})
IMPERATIVES = {
    "tell": frozenset({"me", "us"}),
    "talk": frozenset({"me", "us"}),
    "walk": frozenset({"me", "us"}),
    "take": frozenset({"me", "us"}),
    "fill": frozenset({"me", "us"}),
    "give": frozenset({"me", "us"}),
    "help": frozenset({"me", "us"}),
    "describe": frozenset(),
    "explain": frozenset(),
    "say": frozenset({"more", "a", "something"}),
}
# "How about you?", "How about your mum?" ask about someone; "How about a trial period?" proposes one.
ABOUT_THEM = frozenset({"you", "yourself", "your", "him", "her", "them", "they", "he", "she", "it", "that", "now"})
HOW_FACT = frozenset({"many", "much", "long", "often", "old", "far", "big", "soon"})
FACT_VERBS_BE = frozenset({"is", "are", "was", "were", "did", "will", "does"})
SUGGEST_VERBS = frozenset({"thought", "considered", "tried", "looked", "explored"})
NEGATIVE_MODALS = frozenset({"would", "could", "should", "might", "must", "can"})
SOFTENERS = frozenset({"just", "maybe", "perhaps", "simply", "always"})
# "Could you try…?", "Could you set up…?": an action the questioner has in mind (issue 17). Only after "could":
# "Can you move the date?" may ask what is possible.
ACTION_VERBS = frozenset(
    {"try", "set", "start", "arrange", "book", "ask", "use", "bring", "get", "delegate", "offer", "suggest",
     "propose", "involve", "invite", "speak", "call", "ring", "email", "write", "put", "move", "change", "switch",
     "swap", "split", "go", "meet", "agree", "push", "escalate", "hand"}
)  # fmt: skip
# After "Could you tell / talk…", who hears it decides: "tell us" asks for an answer, "tell her" proposes an action.
TO_THE_ASKERS = frozenset({"me", "us", "more", "a", "something", "what", "how", "why", "about"})
# "Do you want to / would you like to / are you happy to …" wraps a request in the same way "Can you…" does.
WILLING = frozenset({"want", "like", "mind", "able", "happy", "willing", "prepared"})
PERMISSION = re.compile(
    r"^(can|could|may|might) i (ask|check|just ask|just check|come in|add)\b|^does that make sense\b|^is that ok\b"
    r"|^(is|would) (it|that) (be )?(ok|okay|alright|all right) if (i|we)\b|^(do you )?mind if i\b"
)
TAG = re.compile(
    r"(?:,|\s-)\s*(?:(?:is|are|was|were|do|does|did|have|has|had|can|could|will|would|should|must)n'?t "
    r"(?:it|you|they|he|she|we|there|i|that)|(?:do not|does not) (?:you|it) think|don'?t you think"
    r"|right|yes|yeah|correct|true|is that (?:right|correct|true|so)|am i right)\s*\??\s*$",
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


def _has_a_sense(w: list[str]) -> bool:
    """ "…have a sense of why…", "…have any thoughts about…": a polite wrap of an open question."""
    head = " ".join(w[:5])
    return bool(re.match(r"(have|got) (a|any) (sense|feel|feeling|thoughts|ideas) (of|about|on|for|as to)\b", head))


_LEADING_VERBS = frozenset({"think", "agree", "feel", "want", "see", "reckon", "believe", "find", "wish"})
_JUDGEMENTS = frozenset(
    {"time", "obvious", "clear", "better", "easier", "true", "fair", "right", "wrong", "simpler", "best", "worse",
     "just", "really", "possible", "because", "about", "likely"}
)  # fmt: skip
_THE_ANSWER = frozenset({"real", "answer", "problem", "issue", "solution", "obvious", "point", "truth", "reason"})
_POINTS = frozenset({"tell", "show", "mean", "suggest", "say", "prove", "sound", "strike"})
_FEELINGS = frozenset({"worried", "concerned", "afraid", "scared", "angry", "tired", "fed"})


def _leading_cue(w: list[str]) -> str | None:
    """The cue of a leading question: one built to get a "yes" to the questioner's own view (see GUIDELINES.md)."""
    n = len(w)
    first = w[0] if w else ""
    second = w[1] if n > 1 else ""
    third = w[2] if n > 2 else ""
    fourth = w[3] if n > 3 else ""
    if first == "surely":
        return "'Surely…?' asserts the answer"
    # "Don't you think…", "Do you not agree…", "Wouldn't you agree…", "Don't you want…"
    negated_you = (second == "not" and third == "you" and fourth in _LEADING_VERBS) or (
        second == "you" and third == "not" and fourth in _LEADING_VERBS
    )
    if first in {"do", "does", "would", "did"} and negated_you:
        return f"'{first.capitalize()}n't you {fourth}…?' asks them to agree with an answer already given"
    if first in {"should", "must"} and "not" in w[1:4]:
        return f"'{first.capitalize()}n't…?' tells them what they ought to do or think"
    if first in {"do", "does"} and w[1:3] == ["not", "you"] and fourth not in {"need", "have"}:
        return "'Don't you…?' asks them to agree with an answer already given"
    if first in NEGATIVE_MODALS and "not" in w[1:4] and "you" not in w[1:4]:
        return f"a negative '{first}…not…?' question asks them to agree with a judgement already made"
    if first in {"is", "was", "would", "will"} and second == "not" and third == "it":
        judged = w[4:5] if fourth == "be" else w[3:4]
        if judged and judged[0] in _JUDGEMENTS:
            return f"'{first.capitalize()}n't it {' '.join(w[3:5])}…?' asks them to agree with a judgement already made"
    if (
        first == "is"
        and second == "not"
        and third in {"the", "that", "this"}
        and fourth in _THE_ANSWER | {"what", "why"}
    ):
        return "'Isn't the real…?' asserts the answer"
    if first in {"does", "did", "is"} and second == "not" and third in {"that", "this", "it"} and fourth in _POINTS:
        return f"'{first.capitalize()}n't that {fourth}…?' points to a conclusion already drawn"
    if first in {"are", "were"} and second == "not" and third == "you" and fourth in _FEELINGS:
        return f"'Aren't you {fourth}…?' supplies the feeling"
    return None


def _flag(w: list[str]) -> tuple[str, str] | None:
    """Leading or advice, with the reason, when the question's words plainly hand over the questioner's answer."""
    advice = _advice_cue(w)
    if advice and advice.startswith("'Why"):
        return ADVICE, advice  # "Why don't you…" proposes an action even though it is negative
    leading = _leading_cue(w)
    if leading:
        return LEADING, leading
    return (ADVICE, advice) if advice else None


def _advice_cue(w: list[str]) -> str | None:
    """The advice cue at the start of a question, if there is a clear one."""
    n = len(w)
    first = w[0] if w else ""
    second = w[1] if n > 1 else ""
    third = w[2] if n > 2 else ""
    head = " ".join(w[:6])
    if first == "have" and second == "you":
        rest = w[2:5]
        if rest[:1] == ["ever"] or rest[:1] == ["not"]:
            rest = rest[1:]
        if rest and rest[0] in SUGGEST_VERBS:
            return f"'Have you {rest[0]}…?' proposes a course of action"
    if first == "why":
        if second == "not" and n > 2:
            return "'Why not…?' proposes a course of action"
        if second in {"do", "would", "could", "can", "will"} and third == "not" and n > 3 and w[3] in {"you", "we"}:
            return f"'Why {second}n't {w[3]}…?' proposes a course of action"
        if second in {"do", "would", "could", "can", "will", "did"} and "just" in w[2:6]:
            return "'Why … just…?' proposes a course of action"
    if first in NEGATIVE_MODALS and "not" in w[1:4] and "you" in w[1:4]:
        return f"a negative '{first}…not…?' question proposes a course of action"
    if first in {"do", "does"} and w[1:3] == ["not", "you"] and w[3:4] in (["need"], ["have"]):
        return f"'Don't you {w[3]} to…?' proposes a course of action"
    if first in {"what", "how"} and second == "about" and n > 2 and third.endswith("ing"):
        return f"'{first.capitalize()} about {third}…?' proposes a course of action"
    if first == "how" and second == "about" and third not in ABOUT_THEM:
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
    if first in {"could", "can"} and second == "you" and third in SOFTENERS and not _is_request(w[2:]):
        return f"'{first.capitalize()} you {third}…?' proposes a course of action"
    if second == "you" and (
        (third == "try" and first in {"could", "can"}) or (first == "could" and third in ACTION_VERBS)
    ):
        return f"'{first.capitalize()} you {third}…?' proposes a course of action"
    if first == "could" and second == "you" and third in {"tell", "talk"} and not _is_request(w[2:]):
        return f"'Could you {third} {w[3] if n > 3 else ''}…?' proposes a course of action".replace(" …", "…")
    if "if you just" in " ".join(w):
        return "'…if you just…?' proposes a course of action"
    return None


def _opener(w: list[str]) -> str | None:
    """What kind of question the clause opens with, if any: 'wh', 'aux', 'imperative' ("Tell me about…"), 'curious'
    ("I wonder what…"), 'prompt' ("Like what?") or 'fragment' ("Anything else?")."""
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
        if first == "tell" and w[2:3] in (["if"], ["whether"]):
            return None  # "Tell me if it gets too much" asks them to speak up later, not now
        if not nxt or (len(w) > 1 and w[1] in nxt):
            return "imperative"
    if first == "please" and len(w) > 1 and w[1] in IMPERATIVES and w[1] not in {"tell"}:
        return "imperative"
    # "I'm curious what…", "I wonder how…" — but not a bare "I'm curious," before the real question.
    if first == "i" and _embedded(w) is not None:
        return "curious"
    if first == "i" and w[1:2] in (["guess"], ["suppose"], ["think"]) and _embedded(w[2:]) is not None:
        return "curious"  # "I guess I'm wondering what…"
    # A prompt for an example or for what comes next: "Like what?", "Meaning what", "And then what", "Such as?"
    if len(w) <= 3 and (
        w[-1] in {"what", "how", "why"} or w in (["such", "as"], ["for", "example"], ["for", "instance"])
    ):
        return "prompt"
    # Spoken fragments that ask: "Anything else you wanted to ask?", "Any thoughts so far?"
    if first in {"any", "anything", "anyone", "anybody"} and len(w) > 1 and w[1] in FRAGMENT_NEXT:
        return "fragment"
    return None


FRAGMENT_NEXT = frozenset(
    {"else", "other", "more", "further", "questions", "thoughts", "news", "luck", "ideas", "idea", "plans",
     "problems", "worries", "concerns", "symptoms", "changes", "joy", "update", "updates"}
)  # fmt: skip
# The words that, after "I", say a question is coming as a wondering: "I'm curious (about)", "I wonder",
# "I was wondering", "I'd be interested to hear", "I'd like to understand", "I want to know".
_WONDERING = re.compile(
    r"^i (?:am (?:just )?curious(?: to (?:know|hear|understand))?|(?:just )?wonder|am (?:just )?wondering"
    r"|was (?:just )?wondering|would (?:be )?(?:really )?(?:interested|like|love|be interested) (?:to|in)"
    r"(?: (?:know|hear|understand|learn))?(?: (?:a bit )?more)?|want to (?:know|understand|hear)"
    r"|am interested (?:to (?:know|hear)|in))(?: (?:about|in))? "
)


def _embedded(w: list[str]) -> list[str] | None:
    """What "I'm curious…" / "I wonder…" goes on to ask, if the clause is such a wondering and asks something."""
    match = _WONDERING.match(" ".join(w) + " ")
    if match is None:
        return None
    rest = " ".join(w)[match.end() :].split()
    return rest or None


def _is_request(w: list[str]) -> bool:
    """Whether words after "…you" ask for an open answer: "tell us", "say more", "walk me through"."""
    if not w:
        return False
    if w[0] in SOFTENERS | {"please"}:
        w = w[1:]
    if not w:
        return False
    verb = w[0]
    if verb == "say":
        return "more" in w[1:5] or w[1:2] in (["what"], ["how"], ["why"])
    if verb in {"tell", "talk"}:
        return len(w) > 1 and w[1] in TO_THE_ASKERS
    return verb in REQUEST_VERBS


def _label_clause(text: str, w: list[str], kind: str, has_mark: bool) -> Verdict:
    """Label a clause known to open like a question (`kind` from `_opener`)."""
    sure = 0.9 if has_mark else 0.65
    flagged = _flag(w)
    if flagged:
        return Verdict(text, flagged[0], 0.9 if has_mark else 0.7, flagged[1])
    first = w[0]
    second = w[1] if len(w) > 1 else ""
    third = w[2] if len(w) > 2 else ""
    if kind == "imperative":
        return Verdict(text, OPEN, 0.85, f"an invitation ('{first.capitalize()} …') works as an open question")
    if kind == "prompt":
        return Verdict(text, OPEN, 0.7, "a short prompt for more ('Like what?') works as an open question")
    if kind == "fragment":
        return Verdict(text, CLOSED, 0.6, f"'{first.capitalize()} {second}…' asks whether there is any")
    if kind == "curious":
        rest = _embedded(w) or _embedded(w[2:]) or []
        if rest[:1] in (["if"], ["whether"]) and rest[1:3] in (["you", "could"], ["you", "might"], ["we", "could"]):
            return Verdict(text, ADVICE, 0.7, f"'I wonder {rest[0]} you could…' proposes a course of action, gently")
        if rest[:1] in (["if"], ["whether"]):
            return Verdict(text, CLOSED, 0.65, f"'I wonder {rest[0]}…' asks a yes-or-no question, gently")
        if rest and rest[0] in WH:
            inner = _label_clause(text, rest, "wh", True)
            if inner.label == CLOSED:
                return Verdict(text, CLOSED, 0.6, f"'I wonder {rest[0]}…' asks for a single fact, gently")
        return Verdict(text, OPEN, 0.75, "'I'm curious / I wonder…' works as an open question")
    if kind == "aux":
        polite = first in {"can", "could", "would", "will"} and second == "you"
        if polite and _is_request(w[2:]):
            return Verdict(
                text, OPEN, 0.8, f"a polite request ('{first.capitalize()} you {third}…') for an open answer"
            )
        if second == "you" and third in WILLING and _is_request(w[4:] if w[3:4] in (["to"], ["if"]) else w[3:]):
            return Verdict(
                text, OPEN, 0.8, f"a polite request ('{first.capitalize()} you {third}…') for an open answer"
            )
        if second == "you" and _has_a_sense(w[2:]):
            return Verdict(text, OPEN, 0.7, "asks for their sense of it ('Do you have a sense of…'): an open question")
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


# Statements that propose an action ("You could ask her…") or give the questioner's view ("It's really about
# trust…"): with a tag on the end, they ask the presenter to agree.
_PROPOSAL = re.compile(r"^(you|we) (could|can|might|should|ought|need|have to|must (?!have been))\b")
_VIEW = re.compile(
    r"^(you|we) (would|will) be better\b|^(you|we) must have\b|\b(the real|the answer|the problem is|the issue is"
    r"|really about|really is|is really|obviously|clearly|surely|your fault|not your fault|time to|better off)\b"
)
# How sure a verdict is without a question mark: the words alone have to carry it.
_UNMARKED = 0.65


_PSEUDO_CLEFT = frozenset({"is", "was"})
# "Which is why / when / a shame / fine…": a comment on what was just said, not a choice to make.
_RELATIVE_AFTER = WH | frozenset(
    {"a", "an", "the", "fine", "great", "good", "ok", "okay", "fair", "interesting", "understandable", "natural",
     "normal", "hard", "tough", "difficult", "really", "just", "also", "exactly", "probably", "partly", "kind",
     "sort", "what", "not"}
)  # fmt: skip
# After "Which", verbs that carry on the sentence before rather than ask: "Which means…", "Which makes sense".
_CARRY_ON = frozenset(
    {"means", "meant", "makes", "made", "sounds", "explains", "leaves", "gives", "puts", "brings", "tells", "shows",
     "suggests", "says", "reminds", "happens", "happened"}
)  # fmt: skip


def _asks_without_a_mark(w: list[str], kind: str) -> bool:
    """Without a question mark, whether a clause that opens like a question is one: spoken questions often have no
    mark ("So what made you choose that"), but "What I'm hearing is…" and "When I was your age…" are statements."""
    first = w[0]
    nxt = w[1] if len(w) > 1 else ""
    if kind != "wh" and kind != "aux":
        return True
    if kind == "aux":
        if first == "have" and nxt in {"a", "an"}:
            return False  # "Have a think about it"
        if nxt == "not" and len(w) > 2:
            nxt = w[2]  # "Don't you think…", "Isn't it…"
        return nxt in SUBJECTS and nxt != "i"
    if not nxt:
        return True  # "Why", "And then what"
    if first == "which" and (nxt in _CARRY_ON or (nxt in AUX and w[2:3] and w[2] in _RELATIVE_AFTER)):
        return False  # "Which means…", "Which is why…" carry on a statement; "Which would be easier" asks
    if (
        first in {"what", "who"}
        and nxt not in AUX | {"else"}
        and (nxt.endswith(("ed", "s")) or nxt in {"struck", "hurt", "stood", "got", "made"})
        and _PSEUDO_CLEFT.intersection(w[2:4])
    ):
        return False  # "What happened was…", "What helps is…", "What worries me is…"
    if nxt in AUX or nxt in {"else", "about", "if"}:
        return True
    if first == "how":
        return nxt == "come" or nxt in HOW_FACT
    if first in {"when", "where"}:
        return False
    if first == "who" and w[1:] == ["knows"]:
        return False  # "Who knows, it might work"
    # what / who / which / why followed by a verb or a noun: "What made you…", "Who helped?", "Which part…",
    # "Why now" — but not by a subject, which makes it a clause inside a statement.
    return (nxt not in WH_STATEMENT_NEXT and nxt != "not") or (first == "why" and nxt == "not")


def _tagged(text: str, has_mark: bool) -> Verdict | None:
    """A tag question ("…, isn't it?", "…, right?"): closed when it asks to confirm a fact, but a tag added to
    advice or a leading question leaves it advice or leading, and a proposal or a view with a tag asks for assent."""
    plain = text.translate(_QUOTES)
    match = TAG.search(plain)
    if match is None or (not has_mark and "," not in plain[match.start() : match.start() + 2]):
        return None
    base = plain[: match.start()].strip()
    if not base:
        return None
    inner = classify_sentence(base + "?")
    if inner.label in FLAGGED:
        return Verdict(text, inner.label, inner.confidence, f"{inner.reason}; the tag on the end does not change it")
    w = _strip_discourse(tokens(base))
    head = " ".join(w)
    if _VIEW.search(head):
        return Verdict(text, LEADING, 0.7, "a view of the questioner's with a tag asks them to agree with it")
    if _PROPOSAL.match(head):
        return Verdict(text, ADVICE, 0.75, "an action proposed with a tag asks them to agree to it")
    if inner.label == OPEN and _opener(w) is not None:
        return Verdict(text, OPEN, round(inner.confidence * 0.9, 2), inner.reason)
    return Verdict(text, CLOSED, 0.8 if has_mark else _UNMARKED, "a tag question asks to confirm a statement")


RUN_ON_SUBJECTS = frozenset({"you", "we", "they", "he", "she", "your", "things", "that", "it", "this", "everything"})
_EMBEDDING = frozenset({"know", "see", "understand", "is", "was", "that", "ask", "wonder", "tell"})


def _run_on(w: list[str]) -> list[str] | None:
    """A question run on after a statement without a full stop: "…off for two weeks how has that been"."""
    for k in range(2, len(w) - 2):
        # Not after "know", "is", "that"…, where the wh-clause belongs to the statement: "that is what did it".
        if w[k] in WH and w[k + 1] in AUX and w[k + 2] in RUN_ON_SUBJECTS and w[k - 1] not in _EMBEDDING:
            return w[k:]
    return None


def classify_sentence(sentence: str) -> Verdict:
    """Label one sentence: find where its question starts (after any preface) and apply the rules."""
    text = sentence.strip()
    has_mark = text.rstrip("\"'\u201d\u2019) ").endswith("?")
    tagged = _tagged(text, has_mark)
    if tagged is not None:
        return tagged
    clauses = [c for c in _CLAUSE.split(text) if c]
    for i, clause in enumerate(clauses):
        w = _strip_discourse(tokens(clause))
        if w[:2] == ["in", "what"] or w[:2] == ["in", "which"]:
            w = w[1:]
        if i < len(clauses) - 1 and PERMISSION.match(" ".join(w)):
            continue  # "Sorry, can I check something — what do you mean…?": the question comes after
        kind = _opener(w)
        if kind is None and not has_mark:
            run_on = _run_on(w)
            if run_on is not None:
                return _label_clause(text, run_on, "wh", False)
        if kind is None:
            continue
        if not has_mark and not _asks_without_a_mark(w, kind):
            continue
        if not has_mark and kind == "wh" and len(w) == 1 and i < len(clauses) - 1:
            continue  # "Why, that's brilliant": an exclamation before a statement
        return _label_clause(text, w, kind, has_mark)
    if has_mark:
        w = _strip_discourse(tokens(text))
        flagged = _flag(w)
        if flagged:
            return Verdict(text, flagged[0], 0.8, flagged[1])
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
    flagged = [v for v in substantive if v.label in FLAGGED]
    main = flagged[0] if flagged else substantive[-1]
    reason = main.reason
    if len(found) > 1:
        why = "it hands over an answer" if flagged else "the last asked"
        reason = f"{reason} (main question of {len(found)}: {why})"
    return Turn(text, main.label, main.confidence, reason, tuple(found))
