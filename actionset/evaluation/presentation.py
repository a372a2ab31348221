"""Turning `ProgrammeResults` into the charts and tables the dashboard shows; the PDF draws the same blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString

from actionset.evaluation import charts
from actionset.evaluation.results import STEADY_BAND, Change, OccasionResult, PairedChange, ProgrammeResults, Series


@dataclass
class ChartBlock:
    title: str
    intro: str
    #: The chart's own title and a one-line description, for the SVG's <title> and <desc>.
    chart_title: str = ""
    description: str = ""
    #: The text alternative: column headings and rows of the same figures.
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    #: What to draw: "trend" (points) or "bars" (rows in groups); "" when there is nothing to show yet.
    kind: str = ""
    points: list[tuple[str, float | None]] = field(default_factory=list)
    bar_rows: list[charts.BarRow] = field(default_factory=list)
    change_rows: list[charts.ChangeRow] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    low: int = 1
    high: int = 5
    #: Name the groups even when there is one: "At the start" says what a before-and-after chart shows so far.
    legend: bool = False

    def _draw(self, width: int) -> SafeString | None:
        if self.kind == "trend":
            return charts.trend(
                title=self.chart_title,
                description=self.description,
                points=self.points,
                low=self.low,
                high=self.high,
                width=width,
            )
        if self.kind == "bars":
            return charts.bars(
                title=self.chart_title,
                description=self.description,
                rows=self.bar_rows,
                groups=self.groups,
                low=self.low,
                high=self.high,
                width=width,
                legend=self.legend,
            )
        if self.kind == "change":
            return charts.change(
                title=self.chart_title, description=self.description, rows=self.change_rows, width=width
            )
        return None

    # Kept once drawn: the dashboard asks whether there is a chart, then draws it.
    @cached_property
    def svg(self) -> SafeString | None:
        return self._draw(charts.WIDTH)

    @cached_property
    def svg_narrow(self) -> SafeString | None:
        return self._draw(charts.NARROW)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _answered(point: OccasionResult) -> str:
    text = f"{point.answered} of {point.asked}" if point.asked else str(point.answered)
    if point.counted and point.counted < point.answered:
        text += f" (figures from the first {point.counted})"
    return text


def latest_visible(series: Series) -> OccasionResult | None:
    visible = [p for p in series.visible if p.items]
    return visible[-1] if visible else None


def short_label(point: OccasionResult) -> str:
    return f"Meeting {point.occasion.meeting_number}" if point.occasion.meeting_number else point.label


def _trend_blocks(series: Series, min_responses: int) -> list[ChartBlock]:
    scale = f"{series.low} to {series.high}"
    name = series.instrument.name
    # Meetings no set has held yet are not part of the story so far.
    points = [p for p in series.points if p.asked or p.answered]
    rows = [
        [short_label(p), _answered(p), _fmt(p.score) if not p.suppressed else f"Fewer than {min_responses} answers"]
        for p in points
    ]
    blocks = [
        ChartBlock(
            title=f"{name}: how each meeting went",
            intro=f"The average of every rating on the sheet, from {scale}, after each round of meetings.",
            chart_title=f"{name}: average rating after each meeting",
            description="; ".join(f"{r[0]}: {r[2]}" for r in rows),
            head=["Meeting", "Answered", f"Average ({scale})"],
            rows=rows,
            empty=f"Results appear when {min_responses} people have answered after a meeting.",
            kind="trend" if any(p.score is not None for p in points) else "",
            points=[(short_label(p), p.score) for p in points],
            low=series.low,
            high=series.high,
        )
    ]
    latest = latest_visible(series)
    if latest is not None:
        rows = [[f.label, _fmt(f.mean), str(f.n)] for f in latest.items]
        blocks.append(
            ChartBlock(
                title=f"{name}: each question, {latest.label.lower()}",
                intro=f"The latest round of meetings with at least {min_responses} answers. "
                "For questions marked “scored in reverse”, disagreeing is the better answer and counts high.",
                chart_title=f"{name}, {latest.label.lower()}: average for each question",
                description="; ".join(f"{r[0]}: {r[1]}" for r in rows),
                head=["Question", f"Average ({scale})", "Answered"],
                rows=rows,
                kind="bars",
                bar_rows=[charts.BarRow(label=f.label, values=[f.mean]) for f in latest.items],
                groups=[latest.label],
                low=series.low,
                high=series.high,
            )
        )
    return blocks


def _comparison_block(series: Series, min_responses: int) -> ChartBlock:
    scale = f"{series.low} to {series.high}"
    name = series.instrument.name
    visible = series.visible
    labels = [p.label for p in visible]
    names = list(dict.fromkeys(f.label for p in visible for f in p.subscales))
    table_rows: list[list[str]] = [["Overall", *[_fmt(p.score) for p in visible]]]
    bar_rows = [charts.BarRow(label="Overall", values=[p.score for p in visible])]
    for subscale in names:
        values = [next((f.mean for f in p.subscales if f.label == subscale), None) for p in visible]
        bar_rows.append(charts.BarRow(label=subscale, values=values))
        table_rows.append([subscale, *[_fmt(v) for v in values]])
    waiting = [p for p in series.points if p.suppressed]
    same = (
        "how the same people moved is shown separately."
        if series.changes
        else f"how the same people moved appears once {min_responses} of those who answered at the start have "
        "answered at a later point."
    )
    note = ""
    if waiting:
        note = (
            " Not shown yet: "
            + "; ".join(f"{p.label.lower()} ({p.answered} answered, {p.needed} more needed)" for p in waiting)
            + "."
        )
    return ChartBlock(
        title=f"{name}: before and after",
        intro=f"Average self-ratings from {scale}, overall and by theme, at each point of the programme so far. "
        "Later points (the end, and months after) appear here as they are answered. Each point averages whoever "
        f"answered then; {same}{note}",
        chart_title=f"{name}: average ratings at each point",
        description="; ".join(f"{r[0]}: " + ", ".join(r[1:]) for r in table_rows),
        head=["", *labels],
        rows=table_rows if visible else [],
        empty=f"Results appear when {min_responses} people have answered.{note}",
        kind="bars" if visible else "",
        bar_rows=bar_rows,
        groups=labels,
        low=series.low,
        high=series.high,
        legend=True,
    )


def signed(value: float) -> str:
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def moved(figure: Change) -> str:
    return f"{figure.up} moved up, {figure.same} stayed, {figure.down} moved down"


def change_title(change: PairedChange) -> str:
    return f"{change.instrument.name}: the same people, {change.before.lower()} and {change.after.lower()}"


def _change_block(change: PairedChange, series: Series, min_responses: int) -> ChartBlock:
    people = "person has" if change.paired == 1 else "people have"
    band = "half a point" if STEADY_BAND == 0.5 else f"{STEADY_BAND:g} points"
    figures = [f for f in [change.overall, *change.subscales] if f is not None]
    rows = [[f.label, str(f.n), signed(f.mean), str(f.up), str(f.same), str(f.down)] for f in figures]
    counted = ""
    if change.counted and change.counted < change.paired:
        counted = f" Figures from the first {change.counted}; the others join at the next step of five."
    return ChartBlock(
        title=change_title(change),
        intro=f"{change.paired} {people} answered both. The average change in their own self-rating "
        f"(from {series.low} to {series.high}), overall and by theme, and how many moved up or down by {band} or more. "
        f"Nobody's own answers are shown.{counted}",
        chart_title=f"{change.instrument.name}: average change, {change.before.lower()} to {change.after.lower()}",
        description="; ".join(f"{f.label}: {signed(f.mean)} ({moved(f)})" for f in figures),
        head=["", "People", "Average change", "Moved up", "Stayed", "Moved down"],
        rows=rows,
        empty=f"{change.paired} {people} answered both; the change appears when {min_responses} have "
        f"({change.needed} more).",
        kind="change" if figures else "",
        change_rows=[charts.ChangeRow(label=f.label, mean=f.mean, detail=moved(f)) for f in figures],
        low=series.low,
        high=series.high,
    )


def blocks_for(series: Series, min_responses: int) -> list[ChartBlock]:
    if series.kind == "trend":
        return _trend_blocks(series, min_responses)
    return [
        _comparison_block(series, min_responses),
        *(_change_block(c, series, min_responses) for c in series.changes),
    ]


def asked_text(results: ProgrammeResults) -> str:
    """What "asked" means, in the words the page and the PDF both use."""
    text = (
        "Asked means invited: members who can sign in, and members without a login yet, who are emailed a link "
        "of their own that works once, for that survey only. Anyone who answered counts as asked, even if they "
        "have since left the programme."
    )
    n = results.not_invited
    if n == 1:
        text += " 1 member whose login is switched off was not asked and is left out of the response rate."
    elif n:
        text += f" {n} members whose login is switched off were not asked and are left out of the response rate."
    return text


@dataclass
class RateRow:
    """One survey's row of "Who answered the surveys", worked out once: its status, its dates as the row shows them,
    and how full its meter is (as `widthratio` would draw it), so that the template reads values, not rules."""

    label: str
    instrument: str
    level: int
    #: "upcoming", "waiting" (open, nobody asked yet: its meeting not held), "open" or "closed".
    status: str
    opens: str
    closes: str
    answered: int
    asked: int
    #: The meter's width in per cent, or None when there is no meter (not open yet, or nobody asked).
    meter: int | None
    #: How many more answers its results need, or 0 when they are shown or nobody has been asked.
    needed: int


def rate_rows(results: ProgrammeResults) -> list[RateRow]:
    rows = []
    for o in results.occasions:
        if o.state == "upcoming":
            status = "upcoming"
        elif not o.asked and o.state == "open":
            status = "waiting"
        else:
            status = o.state if o.state == "open" else "closed"
        rows.append(
            RateRow(
                label=o.label,
                instrument=o.instrument.name,
                level=o.kirkpatrick_level,
                status=status,
                opens=date_format(o.opens_on, "j M Y"),
                closes=date_format(o.closes_on, "j M"),
                answered=o.answered,
                asked=o.asked,
                meter=round(o.answered / o.asked * 100) if o.state != "upcoming" and o.asked else None,
                needed=o.needed if o.asked and o.suppressed else 0,
            )
        )
    return rows


def dashboard_context(results: ProgrammeResults) -> dict[str, Any]:
    blocks = [b for s in results.series for b in blocks_for(s, results.min_responses)]
    return {
        "results": results,
        "health": results.health,
        "blocks": blocks,
        "rates": rate_rows(results),
        "key_messages": key_messages(results),
        "asked_text": asked_text(results),
    }


def _trend_word(before: float, after: float) -> str:
    if after - before >= 0.1:
        return "up from"
    if before - after >= 0.1:
        return "down from"
    return "much as"


def key_messages(results: ProgrammeResults) -> list[str]:
    """A few sentences in plain words, drawn only from figures already cleared for showing."""
    messages: list[str] = []
    for series in results.series:
        visible = [p for p in series.visible if p.score is not None]
        scale = f"out of {series.high}"
        name = series.instrument.name
        if series.kind == "trend" and visible:
            last = visible[-1]
            assert last.score is not None
            sentence = f"Participants rate their meetings {last.score:.1f} {scale} {last.label.lower()}"
            if len(visible) > 1 and visible[-2].score is not None:
                before = visible[-2]
                assert before.score is not None
                sentence += f", {_trend_word(before.score, last.score)} {before.score:.1f} {before.label.lower()}"
            messages.append(sentence + ".")
            if last.items:
                best = max(last.items, key=lambda f: f.mean)
                messages.append(f"Highest rated {last.label.lower()}: “{best.label}” ({best.mean:.1f}).")
        elif series.kind == "comparison" and visible:
            first, last = visible[0], visible[-1]
            assert first.score is not None
            assert last.score is not None
            if first is last:
                messages.append(
                    f"{first.label}, participants rated themselves {first.score:.1f} {scale} ({name.lower()})."
                )
            else:
                messages.append(
                    f"{name}: {last.score:.1f} {scale} {last.label.lower()}, "
                    f"{_trend_word(first.score, last.score)} {first.score:.1f} {first.label.lower()}."
                )
    for change in results.changes:
        if change.overall is not None:
            figure = change.overall
            direction = "rose" if figure.mean >= 0.05 else "fell" if figure.mean <= -0.05 else "stayed much the same"
            amount = f" by {abs(figure.mean):.1f}" if direction != "stayed much the same" else ""
            messages.append(
                f"Of {figure.n} people who answered both {change.before.lower()} and {change.after.lower()}, "
                f"their own {change.instrument.name.lower()} {direction}{amount} on average: {moved(figure)}."
            )
    upcoming = [o for o in results.occasions if o.state == "upcoming" and o.occasion.meeting_number is None]
    if upcoming:
        nxt = upcoming[0]
        messages.append(
            f"Next: the {nxt.instrument.name.lower()} {nxt.label.lower()}, opening {nxt.opens_on:%-d %B %Y}."
        )
    return messages
