"""Turning `ProgrammeResults` into the charts and tables the dashboard shows; the PDF draws the same blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from actionset.evaluation import charts
from actionset.evaluation.results import OccasionResult, ProgrammeResults, Series


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
        return None

    @property
    def svg(self) -> SafeString | None:
        return self._draw(charts.WIDTH)

    @property
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
        f"Later points (the end, and months after) appear here as they are answered.{note}",
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


def blocks_for(series: Series, min_responses: int) -> list[ChartBlock]:
    if series.kind == "trend":
        return _trend_blocks(series, min_responses)
    return [_comparison_block(series, min_responses)]


def dashboard_context(results: ProgrammeResults) -> dict[str, Any]:
    blocks = [b for s in results.series for b in blocks_for(s, results.min_responses)]
    return {"results": results, "health": results.health, "blocks": blocks, "key_messages": key_messages(results)}


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
    upcoming = [o for o in results.occasions if o.state == "upcoming" and o.occasion.meeting_number is None]
    if upcoming:
        nxt = upcoming[0]
        messages.append(
            f"Next: the {nxt.instrument.name.lower()} {nxt.label.lower()}, opening {nxt.opens_on:%-d %B %Y}."
        )
    return messages
