"""The programme's results: ONE data function for the sponsor dashboard, the PDF and the CSV.

Confidentiality is applied here, once: no figure computed from answers leaves this module unless at least
`MIN_RESPONSES` people gave it. Whatever renders a `ProgrammeResults` cannot show a small group by mistake,
because the numbers for a small group are never put into it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import FilteredRelation, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from actionset.evaluation.models import Answer, Instrument, Item, Occasion, Response, Scale, Timing
from actionset.evaluation.services import occasions_as_planned
from actionset.learning import selectors
from actionset.meetings.models import Attendance, Meeting
from actionset.programmes.models import Enrolment, Programme
from actionset.room.models import Action
from actionset.sets.models import LearningSet

#: The fewest people whose answers may be shown, as any aggregate, anywhere: dashboard, charts, PDF, CSV.
MIN_RESPONSES = 5


def shown(count: int) -> bool:
    """Whether a figure drawn from `count` people's answers may be shown."""
    return count >= MIN_RESPONSES


def counted_answers(answered: int) -> int:
    """Figures move in whole steps of five answers (the first 5, 10, 15… to arrive), never one at a time.

    Otherwise a reader who saw the figures at 5 answers and again at 6 could work out the sixth person's
    answers from the difference. With steps, any two versions of a figure differ by at least five people.
    """
    return (answered // MIN_RESPONSES) * MIN_RESPONSES


@dataclass
class Figure:
    label: str
    mean: float
    n: int


@dataclass
class OccasionResult:
    occasion: Occasion
    label: str
    instrument: Instrument
    kirkpatrick_level: int
    state: str
    opens_on: dt.date
    closes_on: dt.date
    #: Invited (has a login, so can answer) or answered anyway; never fewer than `answered`, even after withdrawals.
    asked: int
    answered: int
    #: Asked by the plan but not invited, their login being switched off: shown apart, not in the rate.
    not_invited: int = 0
    #: How many of the answers the figures are drawn from: the first whole steps of five (see `counted_answers`).
    counted: int = 0
    #: Filled only when `shown(answered)`; otherwise empty and None.
    score: float | None = None
    subscales: list[Figure] = field(default_factory=list)
    items: list[Figure] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def suppressed(self) -> bool:
        return not shown(self.answered)

    @property
    def needed(self) -> int:
        return max(MIN_RESPONSES - self.answered, 0)


#: A person whose score moved by less than this (on the instrument's scale) counts as having stayed where they were.
STEADY_BAND = 0.5


@dataclass
class Change:
    """The average change of the same people between two points, and how many moved up, stayed or moved down."""

    label: str
    mean: float
    up: int
    same: int
    down: int

    @property
    def n(self) -> int:
        return self.up + self.same + self.down


@dataclass
class PairedChange:
    """People who answered both at the start and at a later point: their own change, only ever as an aggregate."""

    instrument: Instrument
    before: str
    after: str
    #: How many people answered both (a count of people, like "answered"; not drawn from what they answered).
    paired: int
    #: How many of them the overall figures are drawn from: whole steps of five, in the order the later answers came.
    counted: int = 0
    #: Filled only when at least `MIN_RESPONSES` people answered both.
    overall: Change | None = None
    subscales: list[Change] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.overall is None

    @property
    def needed(self) -> int:
        return max(MIN_RESPONSES - self.paired, 0)


@dataclass
class Series:
    """One instrument across the points of the programme: a trend (after each meeting) or a before-and-after."""

    instrument: Instrument
    kind: str  # "trend" or "comparison"
    points: list[OccasionResult]
    low: int
    high: int
    #: For a before-and-after: the same people's change from the start to each later point.
    changes: list[PairedChange] = field(default_factory=list)

    @property
    def visible(self) -> list[OccasionResult]:
        return [p for p in self.points if not p.suppressed]


@dataclass
class Health:
    sets: int
    participants: int
    meetings_planned: int
    meetings_due: int
    meetings_held: int
    attendance_recorded: int
    attendance_present: int
    actions_committed: int
    actions_done: int
    actions_open: int

    @property
    def attendance_rate(self) -> float | None:
        return self.attendance_present / self.attendance_recorded if self.attendance_recorded else None

    @property
    def done_rate(self) -> float | None:
        return self.actions_done / self.actions_committed if self.actions_committed else None


@dataclass
class ProgrammeResults:
    programme: Programme
    generated_at: dt.datetime
    health: Health
    occasions: list[OccasionResult]
    series: list[Series]
    themes: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    learning_available: bool
    min_responses: int = MIN_RESPONSES

    @property
    def asked(self) -> int:
        return sum(o.asked for o in self.occasions if o.state != "upcoming")

    @property
    def answered(self) -> int:
        return sum(o.answered for o in self.occasions if o.state != "upcoming")

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def not_invited(self) -> int:
        """The most members left out of any one survey so far (mostly the same people, survey to survey)."""
        return max((o.not_invited for o in self.occasions if o.state != "upcoming"), default=0)

    @property
    def changes(self) -> list[PairedChange]:
        return [c for s in self.series for c in s.changes]


def _health_sql() -> str:
    """Every count of a programme's health in one statement, written out once: made with the ORM it took five queries,
    and building them cost the application more than the database spent answering (issue #21). Counts only: what an
    action says is set content and never leaves the set. The names come from the models, as in `sets/rules.py`, so a
    renamed table or column cannot leave it behind."""
    learning_set, enrolment, meeting = LearningSet._meta, Enrolment._meta, Meeting._meta
    attendance, action = Attendance._meta, Action._meta

    def column(meta: Any, name: str) -> str:
        return str(meta.get_field(name).column)

    def of_programme(meta: Any, alias: str) -> str:
        """Join the set of `alias` (a meeting or an action) and keep the programme's (the parameter)."""
        return (
            f"JOIN {learning_set.db_table} s ON s.{learning_set.pk.column} = {alias}.{column(meta, 'learning_set')} "
            f"WHERE s.{column(learning_set, 'programme')} = %s"
        )

    status, starts_at = column(meeting, "status"), column(meeting, "starts_at")
    return (
        "SELECT "
        f"(SELECT COUNT(*) FROM {learning_set.db_table} ls WHERE ls.{column(learning_set, 'programme')} = %s), "
        f"(SELECT COUNT(*) FROM {enrolment.db_table} e WHERE e.{column(enrolment, 'programme')} = %s "
        f"AND e.{column(enrolment, 'withdrawn_at')} IS NULL), "
        "m.due, m.held, a.recorded, a.present, x.committed, x.done, x.still_open FROM "
        f"(SELECT COUNT(CASE WHEN m.{starts_at} <= %s THEN 1 END) AS due, "
        f"COUNT(CASE WHEN m.{status} = %s THEN 1 END) AS held "
        f"FROM {meeting.db_table} m {of_programme(meeting, 'm')} AND m.{status} <> %s) m, "
        # Only meetings that were held: ticks recorded in a start later undone wait for the meeting to happen.
        f"(SELECT COUNT(*) AS recorded, COUNT(CASE WHEN a.{column(attendance, 'status')} = %s THEN 1 END) AS present "
        f"FROM {attendance.db_table} a "
        f"JOIN {meeting.db_table} m ON m.{meeting.pk.column} = a.{column(attendance, 'meeting')} "
        f"{of_programme(meeting, 'm')} AND m.{status} = %s) a, "
        f"(SELECT COUNT(*) AS committed, COUNT(CASE WHEN x.{column(action, 'status')} = %s THEN 1 END) AS done, "
        f"COUNT(CASE WHEN x.{column(action, 'status')} IN ({', '.join(['%s'] * len(Action.OPEN_STATUSES))}) "
        f"THEN 1 END) AS still_open FROM {action.db_table} x {of_programme(action, 'x')}) x"
    )


_HEALTH_SQL = _health_sql()


def _health(programme: Programme) -> Health:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        *(programme.pk, programme.pk),
        *(now, Meeting.Status.HELD, programme.pk, Meeting.Status.CANCELLED),
        *(Attendance.Status.PRESENT, programme.pk, Meeting.Status.HELD),
        *(Action.Status.DONE, *Action.OPEN_STATUSES, programme.pk),
    ]
    with connection.cursor() as cursor:
        # Choices as their plain values: a driver may write an enumeration by its name.
        cursor.execute(_HEALTH_SQL, [str(p) if isinstance(p, str) else p for p in params])
        sets, participants, due, held, recorded, present, committed, done, still_open = cursor.fetchone()
    sets = sets if programme.is_published else 0
    return Health(
        sets=sets,
        participants=participants,
        meetings_planned=sets * programme.number_of_meetings,
        meetings_due=due,
        meetings_held=held,
        attendance_recorded=recorded,
        attendance_present=present,
        actions_committed=committed,
        actions_done=done,
        actions_open=still_open,
    )


def _score(values: list[tuple[Item, int]], scoring: str) -> float:
    scored = [item.score(value) for item, value in values]
    return sum(scored) if scoring == Instrument.Scoring.SUM else sum(scored) / len(scored)


@dataclass
class _Reads:
    """What every occasion's result is drawn from, read for all of a programme's occasions at once, so that the
    results page makes as many queries with twenty occasions as with two (issue #21)."""

    #: Active enrolments of the programme, and whether each can be invited (`EnrolmentQuerySet.invitable`).
    active: dict[int, bool]
    #: Each active enrolment's set.
    set_of: dict[int, int]
    #: Meeting number → the sets that held it, and the enrolments recorded as not present at it.
    held_by: dict[int, set[int]]
    away_from: dict[int, set[int]]
    #: Occasion → its responses as (when submitted, as the database writes it; pk; enrolment), oldest first.
    responses: dict[int, list[tuple[str, int, int]]]

    @classmethod
    def read(cls, programme_id: int) -> _Reads:
        enrolments = Enrolment.objects.active().filter(programme_id=programme_id)
        # `EnrolmentQuerySet.invitable` in the same read: no login yet (nothing joined), or a login not switched off;
        # and each one's set (none yet: nothing joined), in the same read too.
        active: dict[int, bool] = {}
        set_of: dict[int, int] = {}
        logins = enrolments.values_list("pk", "person__user__is_active", "membership__learning_set")
        for pk, is_active, set_id in logins:
            active[pk] = is_active is None or bool(is_active)
            if set_id is not None:
                set_of[pk] = set_id
        # Each held meeting with the people recorded as not present at it (none: one row, with nothing joined).
        held = Meeting.objects.filter(learning_set__programme_id=programme_id, status=Meeting.Status.HELD).annotate(
            away=FilteredRelation("attendance", condition=~Q(attendance__status=Attendance.Status.PRESENT))
        )
        held_by: dict[int, set[int]] = defaultdict(set)
        away_from: dict[int, set[int]] = defaultdict(set)
        for number, set_id, enrolment_id in held.values_list("number", "learning_set_id", "away__enrolment_id"):
            held_by[number].add(set_id)
            if enrolment_id is not None:
                away_from[number].add(enrolment_id)
        responses: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        # When each was submitted only names it in a key (`_figures_key`): read as text, since turning a programme's
        # hundreds of times into date-times cost most of the whole read.
        answered = (
            Response.objects.filter(occasion__programme_id=programme_id)
            .order_by("submitted_at", "pk")
            .annotate(submitted=Cast("submitted_at", TextField()))
        )
        for occasion_id, submitted, pk, enrolment_id in answered.values_list(
            "occasion_id", "submitted", "pk", "enrolment_id"
        ):
            responses[occasion_id].append((submitted, pk, enrolment_id))
        return cls(active, set_of, held_by, away_from, responses)

    def eligible(self, occasion: Occasion) -> set[int]:
        """`services.eligible_enrolments`, from what was read."""
        if occasion.timing != Timing.EACH_MEETING:
            return set(self.active)
        number = occasion.meeting_number or 0
        held, away = self.held_by.get(number, set()), self.away_from.get(number, set())
        return {e for e in self.active if self.set_of.get(e) in held and e not in away}


def _asked(occasion: Occasion, reads: _Reads) -> tuple[int, int]:
    """(asked, not invited) for an occasion that has opened.

    Asked means invited: people who can sign in, and people with no login yet, who are sent a link of their own.
    Everyone who did answer counts as asked too, so that a person who withdraws (or is recorded as away
    afterwards) never makes "answered" exceed "asked". A person whose login is switched off is not invited and
    is counted apart.
    """
    eligible = reads.eligible(occasion)
    reached = {e for e in eligible if reads.active[e]}
    responders = {enrolment for _, _, enrolment in reads.responses.get(occasion.pk, [])}
    left_out = len(eligible - reached - responders)
    return len(reached | responders), left_out


def occasion_result(occasion: Occasion, today: dt.date | None = None) -> OccasionResult:
    return occasion_results([occasion], today)[0]


def occasion_results(occasions: list[Occasion], today: dt.date | None = None) -> list[OccasionResult]:
    """Each occasion's result, read together: a fixed number of queries however many occasions there are."""
    if not occasions:
        return []
    reads = _Reads.read(occasions[0].programme_id)
    assert all(o.programme_id == occasions[0].programme_id for o in occasions), "occasions of one programme"
    results = []
    counted_ids: dict[int, list[int]] = {}
    for occasion in occasions:
        answered = len(reads.responses.get(occasion.pk, []))
        opened = occasion.state(today) != "upcoming"
        asked, not_invited = _asked(occasion, reads) if opened else (0, 0)
        result = OccasionResult(
            occasion=occasion,
            label=occasion.label,
            instrument=occasion.instrument,
            kirkpatrick_level=occasion.kirkpatrick_level,
            state=occasion.state(today),
            opens_on=occasion.opens_on,
            closes_on=occasion.closes_on,
            asked=asked,
            answered=answered,
            not_invited=not_invited,
        )
        results.append(result)
        if shown(answered):
            result.counted = counted_answers(answered)
            counted_ids[occasion.pk] = [pk for _, pk, _ in reads.responses[occasion.pk][: result.counted]]
    if not counted_ids:
        return results
    instruments = {r.instrument.pk for r in results if r.occasion.pk in counted_ids}
    items_of: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(instrument__in=instruments, kind=Item.Kind.RATING).select_related("scale"):
        items_of[item.instrument_id].append(item)
    for items in items_of.values():
        items.sort(key=lambda i: (i.position, i.pk))
    keys = {
        result.occasion.pk: _figures_key(
            result, items_of[result.instrument.pk], reads.responses[result.occasion.pk][: result.counted]
        )
        for result in results
        if result.occasion.pk in counted_ids
    }
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in kept]
    answers: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if missing:
        # By occasion, not by a list of thousands of response ids (which costs more to send than to answer); the
        # few answers past the last whole step of five are read and left out below.
        rows = Answer.objects.filter(response__occasion__in=missing, value__isnull=False)
        for response_id, item_id, raw in rows.values_list("response_id", "item_id", "value"):
            answers[response_id].append((item_id, int(raw or 0)))
    fresh = {}
    for result in results:
        key = keys.get(result.occasion.pk)
        if key is None:
            continue
        figures = kept.get(key)
        if figures is None:
            figures = _figures(
                result.instrument.scoring,
                items_of[result.instrument.pk],
                {pk: answers.get(pk, []) for pk in counted_ids[result.occasion.pk]},
            )
            fresh[key] = figures
        result.score = figures[0]
        result.items = [Figure(*figure) for figure in figures[1]]
        result.subscales = [Figure(*figure) for figure in figures[2]]
    if fresh:
        cache.set_many(fresh, FIGURES_KEPT_SECONDS)
    return results


#: How long an occasion's figures are kept. Their key names everything they are drawn from, so they never go stale:
#: this only bounds how long figures no page asks for any more take up room.
FIGURES_KEPT_SECONDS = 7 * 24 * 3600

#: (score, item figures, theme figures), each figure (label, mean, n): plain values, as kept in the shared cache.
_Figures = tuple[float | None, list[tuple[str, float, int]], list[tuple[str, float, int]]]


def _figures_key(result: OccasionResult, items: list[Item], counted: list[tuple[str, int, int]]) -> str:
    """Where an occasion's figures are kept: a digest of everything they are drawn from.

    An answer is never changed once given (erasure blanks only free text, which no figure reads), so the counted
    responses (each by id, time and enrolment: ids are given out again after a database is emptied) and the items
    they are scored on decide the figures. A new answer past the next whole step of five, a response deleted, an
    item changed, and the key is another one: nothing to invalidate, and no figure kept for one occasion can be
    shown for another, or for a group other than the one it was drawn from."""
    drawn_from = (
        result.occasion.pk,
        result.instrument.pk,
        result.instrument.scoring,
        [(i.pk, i.text, i.reverse, i.subscale, _flip(i)) for i in items],
        [(pk, submitted, enrolment) for submitted, pk, enrolment in counted],
    )
    return "evaluation:figures:" + hashlib.sha256(repr(drawn_from).encode()).hexdigest()


def _flip(item: Item) -> int | None:
    """What a value is taken from to score it in reverse (`Item.score`), or None for an item scored as answered."""
    assert item.scale is not None
    return item.scale.low + item.scale.high if item.reverse else None


def _figures(scoring: str, items: list[Item], answers: dict[int, list[tuple[int, int]]]) -> _Figures:
    """The occasion's scores, per item and per theme, from its counted responses' answers (response → item, value).

    Scored with plain numbers (`Item.score`'s rule read once per item, not once per answer): an occasion's answers
    run to tens of thousands at an organisation's size."""
    flip = {i.pk: _flip(i) for i in items}
    subscale = {i.pk: i.subscale for i in items}
    total = scoring == Instrument.Scoring.SUM
    scores: list[float] = []
    by_item: dict[int, list[int]] = defaultdict(list)
    groups: dict[str, list[float]] = defaultdict(list)
    for pairs in answers.values():
        scored: list[int] = []
        per_subscale: dict[str, list[int]] = defaultdict(list)
        for item_id, value in pairs:
            if item_id not in flip:
                continue
            reverse = flip[item_id]
            points = value if reverse is None else reverse - value
            scored.append(points)
            by_item[item_id].append(points)
            if subscale[item_id]:
                per_subscale[subscale[item_id]].append(points)
        if scored:
            scores.append(sum(scored) if total else sum(scored) / len(scored))
        for name, subset in per_subscale.items():
            groups[name].append(sum(subset) / len(subset))
    overall = sum(scores) / len(scores) if shown(len(scores)) else None
    item_figures = []
    for item in items:
        item_scores = by_item.get(item.pk, [])
        # An item some people skipped can fall below the threshold on its own.
        if shown(len(item_scores)):
            label = item.text + (" (scored in reverse)" if item.reverse else "")
            item_figures.append((label, sum(item_scores) / len(item_scores), len(item_scores)))
    theme_figures = []
    for name in dict.fromkeys(i.subscale for i in items if i.subscale):
        values_f = groups.get(name, [])
        if shown(len(values_f)):
            theme_figures.append((name, sum(values_f) / len(values_f), len(values_f)))
    return overall, item_figures, theme_figures


def _person_scores(occasion: Occasion, items: list[Item]) -> dict[int, tuple[Any, float | None, dict[str, float]]]:
    """enrolment → (when they answered, their overall score, their score per theme). Stays inside this module."""
    if occasion.pk is None:  # planned, not stored yet: nobody can have answered it
        return {}
    lookup = {i.pk: i for i in items}
    values: dict[int, list[tuple[Item, int]]] = defaultdict(list)
    rows = Answer.objects.filter(response__occasion=occasion, item__in=items, value__isnull=False)
    for enrolment_id, item_id, raw in rows.values_list("response__enrolment_id", "item_id", "value"):
        values[enrolment_id].append((lookup[item_id], int(raw or 0)))
    people: dict[int, tuple[Any, float | None, dict[str, float]]] = {}
    for enrolment_id, submitted_at, pk in occasion.responses.values_list("enrolment_id", "submitted_at", "pk"):
        answered = values.get(enrolment_id, [])
        themes: dict[str, list[tuple[Item, int]]] = defaultdict(list)
        for item, value in answered:
            if item.subscale:
                themes[item.subscale].append((item, value))
        people[enrolment_id] = (
            (submitted_at, pk),
            _score(answered, occasion.instrument.scoring) if answered else None,
            {name: sum(i.score(v) for i, v in subset) / len(subset) for name, subset in themes.items()},
        )
    return people


def _change(label: str, pairs: list[tuple[Any, float, float]]) -> Change | None:
    """The change over the first whole steps of five pairs to be complete (ordered by the later answer)."""
    counted = sorted(pairs, key=lambda p: p[0])[: counted_answers(len(pairs))]
    if not shown(len(counted)):
        return None
    deltas = [after - before for _, before, after in counted]
    return Change(
        label=label,
        mean=sum(deltas) / len(deltas),
        up=sum(1 for d in deltas if d >= STEADY_BAND),
        same=sum(1 for d in deltas if -STEADY_BAND < d < STEADY_BAND),
        down=sum(1 for d in deltas if d <= -STEADY_BAND),
    )


def paired_change(start: OccasionResult, later: OccasionResult) -> PairedChange:
    """How the same people moved between the start and a later point of one instrument.

    Each figure (overall, each theme) is drawn from its own first whole steps of five people, in the order their
    later answers arrived, so no two versions of a figure differ by fewer than five people.
    """
    instrument = start.instrument
    items = list(instrument.items.filter(kind=Item.Kind.RATING).select_related("scale"))
    before = _person_scores(start.occasion, items)
    after = _person_scores(later.occasion, items)
    both = sorted(set(before) & set(after))
    result = PairedChange(instrument=instrument, before=start.label, after=later.label, paired=len(both))
    if not shown(len(both)):
        return result
    overall = [
        (after[e][0], before[e][1], after[e][1]) for e in both if before[e][1] is not None and after[e][1] is not None
    ]
    result.overall = _change("Overall", overall)  # type: ignore[arg-type]
    if result.overall is None:
        return result
    result.counted = result.overall.n
    for name in dict.fromkeys(i.subscale for i in items if i.subscale):
        pairs = [
            (after[e][0], before[e][2][name], after[e][2][name])
            for e in both
            if name in before[e][2] and name in after[e][2]
        ]
        figure = _change(name, pairs)
        if figure is not None:
            result.subscales.append(figure)
    return result


def _ranges(instruments: list[Instrument]) -> dict[int, tuple[int, int]]:
    """Instrument id → the (low, high) of its first scale, for all of them in one read: (1, 5) without a scale."""
    ranges: dict[int, tuple[int, int]] = {}
    scales = Scale.objects.filter(instrument__in=instruments).order_by("instrument_id", "id")
    for instrument_id, low, high in scales.values_list("instrument_id", "low", "high"):
        ranges.setdefault(instrument_id, (low, high))
    return {instrument.pk: ranges.get(instrument.pk, (1, 5)) for instrument in instruments}


def programme_results(
    programme: Programme, *, today: dt.date | None = None, with_learning: bool = True
) -> ProgrammeResults:
    """Everything the dashboard, the PDF and the CSV show, with small groups already left out.

    `with_learning` is whether the reader may read what the sets released (the `learning.programme` rule): the
    results are for everyone who oversees a programme, its shared learning only for the people it was shared with.
    """
    # As planned, not synced: a page only reads. The hourly notices job (`notices_send`) stores them.
    results = occasion_results(occasions_as_planned(programme), today)
    series: list[Series] = []
    by_instrument: dict[int, list[OccasionResult]] = defaultdict(list)
    for r in results:
        if r.state != "upcoming":
            by_instrument[r.instrument.pk].append(r)
    ranges = _ranges([points[0].instrument for points in by_instrument.values()])
    for points in by_instrument.values():
        instrument = points[0].instrument
        low, high = ranges[instrument.pk]
        trend = [p for p in points if p.occasion.timing == Timing.EACH_MEETING]
        comparison = [p for p in points if p.occasion.timing != Timing.EACH_MEETING]
        if trend:
            series.append(Series(instrument=instrument, kind="trend", points=trend, low=low, high=high))
        if comparison:
            start = next((p for p in comparison if p.occasion.timing == Timing.START), None)
            changes = (
                [paired_change(start, p) for p in comparison if p is not start and p.state != "upcoming"]
                if start is not None
                else []
            )
            series.append(
                Series(instrument=instrument, kind="comparison", points=comparison, low=low, high=high, changes=changes)
            )
    themes, questions, available = _learning(programme) if with_learning else ([], [], False)
    return ProgrammeResults(
        programme=programme,
        generated_at=timezone.now(),
        health=_health(programme),
        occasions=results,
        series=series,
        themes=themes,
        questions=questions,
        learning_available=available,
    )


def _learning(programme: Programme) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Shared themes and questions to leaders, read only through `learning.selectors`: what sets chose to release.

    Themes and questions come from one read of the programme's released items, not one each."""
    summaries, leader_questions = selectors.themes_and_questions(programme)
    themes = [
        {
            "name": t.name,
            "description": t.description,
            "items": t.count,
            "sets": len({i.set_name for i in t.items}),
            "examples": [i.text for i in t.items[:3]],
        }
        for t in summaries
    ]
    questions = [
        {
            "text": q.text,
            "set": q.set_name,
            "released_at": q.released_at,
            "answer": "\n\n".join(a.text for a in q.answers),
            "answered_by": ", ".join(dict.fromkeys(a.author_name for a in q.answers)),
        }
        for q in leader_questions
    ]
    return themes, questions, True
