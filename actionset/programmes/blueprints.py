"""Programme templates: starting points a designer adjusts, not rules.

Each blueprint gives the shape of a programme (method, format, set sizes, cadence, meeting length),
its whole-programme events, and an evaluation plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actionset.programmes.models import EvaluationPoint, Format, Method, ProgrammeEvent

Instrument = EvaluationPoint.Instrument
Timing = EvaluationPoint.Timing


@dataclass(frozen=True)
class Blueprint:
    key: str
    label: str
    summary: str
    method: str = Method.UK
    format: str = Format.IN_PERSON
    set_size_min: int = 5
    set_size_max: int = 7
    number_of_meetings: int = 6
    cadence_weeks: int = 4
    meeting_minutes: int = 210
    events: tuple[str, ...] = (ProgrammeEvent.Kind.LAUNCH, ProgrammeEvent.Kind.CLOSING)
    evaluation: tuple[tuple[str, str], ...] = field(default_factory=tuple)


_STANDARD_EVALUATION = (
    (Instrument.SELF_RATING, Timing.START),
    (Instrument.REVIEW_SHEET, Timing.EACH_MEETING),
    (Instrument.SELF_RATING, Timing.END),
    (Instrument.SELF_RATING, Timing.FOLLOW_UP_3),
)

BLUEPRINTS: dict[str, Blueprint] = {
    b.key: b
    for b in (
        Blueprint(
            key="six-monthly-half-days",
            label="Six monthly half-days",
            summary="The classic programme: sets of five to seven meet in person for a half-day every four weeks, "
            "with a launch event and a closing conference where sets share what they have learned.",
            evaluation=_STANDARD_EVALUATION,
        ),
        Blueprint(
            key="online-three-hour-monthly",
            label="Online three-hour monthly",
            summary="For people spread across sites: three hours online every four weeks, six meetings, "
            "with an online launch and close.",
            format=Format.ONLINE,
            meeting_minutes=180,
            evaluation=_STANDARD_EVALUATION,
        ),
        Blueprint(
            key="wial-single-problem",
            label="WIAL single-problem",
            summary="One urgent organisational problem worked by a set over four sessions a fortnight apart, "
            "with a certified coach and the WIAL ground rules.",
            method=Method.WIAL,
            format=Format.HYBRID,
            set_size_min=4,
            set_size_max=6,
            number_of_meetings=4,
            cadence_weeks=2,
            meeting_minutes=120,
            events=(ProgrammeEvent.Kind.CLOSING,),
            evaluation=(
                (Instrument.PSYCHOLOGICAL_SAFETY, Timing.START),
                (Instrument.REVIEW_SHEET, Timing.EACH_MEETING),
                (Instrument.PSYCHOLOGICAL_SAFETY, Timing.END),
                (Instrument.SPONSOR_INTERVIEW, Timing.FOLLOW_UP_3),
            ),
        ),
        Blueprint(
            key="blank",
            label="Start from a blank page",
            summary="Set everything yourself.",
            events=(),
        ),
    )
}
