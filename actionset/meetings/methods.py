"""Action learning methods as data: the run sheet a facilitator follows in a meeting.

Each method is an ordered tuple of phases. A programme picks its method (`Programme.method`) and may
change how long any phase lasts (`Programme.phase_minutes`, phase key → minutes); nothing else about a
method changes per programme, so that "a WIAL meeting" means the same thing everywhere.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

#: Every kind of phase. A kind names what happens, so that the same panel (`meetings/panels/<kind>.html`)
#: serves every method that has that kind of phase.
KINDS = (
    "checkin",
    "ground_rules",
    "progress",
    "bids",
    "airtime",
    "presentation",
    "questions",
    "consensus",
    "actions",
    "coach",
    "reflection",
    "review",
    "checkout",
    "case",
    "clarifying",
    "takes",
    "response",
    "round",
)

#: Phases in which the presenter is the one given the set's time: what the fairness record counts as airtime.
AIRTIME_KINDS = frozenset({"airtime", "presentation", "case", "round"})

#: Bounds for a programme's own durations: long enough to be a phase, short enough to fit a full day.
MIN_MINUTES, MAX_MINUTES = 1, 240


@dataclass(frozen=True)
class Phase:
    key: str
    kind: str
    title: str
    minutes: int
    guidance: str
    #: Repeats for each presenter: the clock restarts when the facilitator hands airtime to the next one.
    per_presenter: bool = False
    skippable: bool = True
    #: Runs as numbered rounds, each with the clock restarted (Troika: in round n, each trio's n-th member is its
    #: client), rather than handing the set's time to one presenter after another.
    in_rounds: bool = False
    #: How the round's time divides, in minutes at the default length (Troika's 2/6/2): the live page shows which
    #: part the room is in, scaled to the round's actual length.
    rhythm: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown phase kind {self.kind!r}")

    @property
    def seconds(self) -> int:
        return self.minutes * 60

    @property
    def gives_airtime(self) -> bool:
        return self.kind in AIRTIME_KINDS


def _progress(minutes: int) -> Phase:
    """The progress round every method has: actions come back whatever the method, until done or dropped."""
    return Phase(
        "progress",
        "progress",
        "Progress round",
        minutes,
        "Each member reports on the actions they took away from earlier meetings: what they did, what they did "
        "not, and what they learned either way. Keep it to reporting; anything that needs the set's time can be "
        "brought as today's problem or case.",
    )


UK = (
    Phase(
        "checkin",
        "checkin",
        "Check-in",
        15,
        "Invite each member in turn to say how they are arriving today. Re-read the ground rules if the set "
        "has new faces or has been drifting from them.",
    ),
    Phase(
        "progress",
        "progress",
        "Progress round",
        20,
        "Each member reports on the actions they took away last time: what they did, what they did not, and "
        "what they learned either way. Keep it to reporting; problems that need work can bid for airtime.",
    ),
    Phase(
        "bids",
        "bids",
        "Bids for airtime",
        10,
        "Ask who needs time today and how much. Agree an order, bearing in mind who has had little airtime so "
        "far in the programme.",
    ),
    Phase(
        "airtime",
        "airtime",
        "Airtime",
        40,
        "The presenter outlines the issue in a few minutes, then the set asks clarifying questions and then "
        "deeper, open ones. Notice advice dressed up as a question and invite the member to reframe it. Close "
        "with the presenter's summary and the actions they will take, with dates.",
        per_presenter=True,
    ),
    Phase(
        "review",
        "review",
        "Process review",
        15,
        "How did we work as a set today? What helped, what got in the way, and what will we do differently next time?",
    ),
    Phase(
        "checkout",
        "checkout",
        "Check-out",
        10,
        "A word or a sentence from each member on how they are leaving. Confirm the date of the next meeting.",
    ),
)

WIAL = (
    Phase(
        "ground_rules",
        "ground_rules",
        "Ground rules restated",
        5,
        "Restate the two ground rules: statements are made only in response to questions, and the coach may "
        "step in whenever there is a chance to learn.",
        skippable=False,
    ),
    _progress(10),
    Phase(
        "presentation",
        "presentation",
        "Problem presentation",
        10,
        "The presenter describes the problem briefly, as they see it now. The set listens; questions come next.",
    ),
    Phase(
        "questions",
        "questions",
        "Questions",
        30,
        "Members ask questions and answer only with statements that respond to a question. Watch for the "
        "moment the set starts solving a problem it has not yet agreed on.",
    ),
    Phase(
        "consensus",
        "consensus",
        "Problem consensus",
        10,
        "Each member writes down what they now think the real problem is. The presenter answers each: yes, "
        "no, or close. Without consensus, go back to questions.",
    ),
    Phase(
        "actions",
        "actions",
        "Actions",
        20,
        "With the problem agreed, the set questions its way to strategies, and the presenter names the actions "
        "they will take, with dates.",
    ),
    Phase(
        "coach",
        "coach",
        "Coach intervention",
        10,
        "Ask: how are we doing as a team, from 1 to 10? What are we doing well? What could we do better? "
        "Use the answers to shape the rest of the session.",
    ),
    Phase(
        "reflection",
        "reflection",
        "Learning reflection",
        15,
        "Close with learning: what did each of us learn about ourselves, the set and the problem, and how will "
        "we apply it? This phase is never dropped, however late the session runs.",
        skippable=False,
    ),
)

INCIDENT = (
    _progress(10),
    Phase(
        "case",
        "case",
        "The case",
        10,
        "The case-giver describes a recent incident from their own work, and the question they have about it.",
    ),
    Phase(
        "clarifying",
        "clarifying",
        "Clarifying questions",
        10,
        "Questions of fact only, to understand what happened. Interpretation and advice wait for the next round.",
    ),
    Phase(
        "takes",
        "takes",
        "Each member's take",
        20,
        "Each member in turn says how they see the case and what they would consider. The case-giver listens "
        "without replying.",
    ),
    Phase(
        "response",
        "response",
        "Case-giver's response",
        10,
        "The case-giver says what struck them, what they will take from it, and what they will do next.",
    ),
    Phase(
        "review",
        "review",
        "Process review",
        10,
        "How did the round go? Did the set stay with the case-giver's question?",
    ),
)

TROIKA = (
    Phase(
        "checkin",
        "checkin",
        "Check-in",
        3,
        "A quick word from each member on how they are arriving. The set splits into trios for the rounds.",
    ),
    _progress(10),
    Phase(
        "round",
        "round",
        "Consulting round",
        10,
        "Every trio works at once. In each round one member of each trio is the client: they state their "
        "challenge and question (two minutes), then turn their back while the two consultants talk about it "
        "together (six minutes); the client turns back and says what was useful and what they will do (two "
        "minutes). Start the next round when the trios are ready, until each member has been the client once.",
        in_rounds=True,
        rhythm=(2, 6, 2),
    ),
    Phase(
        "checkout",
        "checkout",
        "Check-out",
        3,
        "What will each of you do with what you heard?",
    ),
)

METHODS: dict[str, tuple[Phase, ...]] = {"uk": UK, "wial": WIAL, "incident": INCIDENT, "troika": TROIKA}


def phases_for(method: str) -> tuple[Phase, ...]:
    """A method's phases with their default durations; an unknown method falls back to the common UK form."""
    return METHODS.get(method, UK)


def apply_minutes(phases: tuple[Phase, ...], overrides: dict[str, Any] | None) -> list[Phase]:
    """Phases with a programme's own durations. Values out of range or not numbers are ignored, not trusted:
    the JSON field can be edited in places other than our form."""
    result = []
    for phase in phases:
        minutes = (overrides or {}).get(phase.key)
        if isinstance(minutes, int) and not isinstance(minutes, bool) and MIN_MINUTES <= minutes <= MAX_MINUTES:
            phase = dataclasses.replace(phase, minutes=minutes)
        result.append(phase)
    return result


def run_sheet(programme: Any, method: str | None = None) -> list[Phase]:
    """The run sheet for a programme's meetings: its method's phases with the programme's durations.

    `method` overrides the programme's, for a meeting already running under the method it started with.
    """
    return apply_minutes(phases_for(method or programme.method), programme.phase_minutes)
