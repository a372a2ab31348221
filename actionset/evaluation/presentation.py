"""Turning `ProgrammeResults` into the charts and tables the dashboard shows (the PDF draws from the same)."""

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
    svg: SafeString | None
    #: The text alternative: column headings and rows of the same figures.
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    #: What was drawn, so the PDF can draw the same chart: "trend" points or "bars" rows in groups.
    kind: str = ""
    points: list[tuple[str, float | None]] = field(default_factory=list)
    bar_rows: list[charts.BarRow] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    low: int = 1
    high: int = 5


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _answered(point: OccasionResult) -> str:
    return f"{point.answered} of {point.asked}" if point.asked else str(point.answered)


def latest_visible(series: Series) -> OccasionResult | None:
    visible = [p for p in series.visible if p.items]
    return visible[-1] if visible else None


def short_label(point: OccasionResult) -> str:
    return f"Meeting {point.occasion.meeting_number}" if point.occasion.meeting_number else point.label


def blocks_for(series: Series, min_responses: int) -> list[ChartBlock]:
    scale = f"{series.low} to {series.high}"
    name = series.instrument.name
    blocks: list[ChartBlock] = []
    if series.kind == "trend":
        head = ["Meeting", "Answered", f"Average ({scale})"]
        rows = [
            [short_label(p), _answered(p), _fmt(p.score) if not p.suppressed else f"Fewer than {min_responses} answers"]
            for p in series.points
        ]
        has_any = any(p.score is not None for p in series.points)
        blocks.append(
            ChartBlock(
                title=f"{name}: how each meeting went",
                intro=f"The average of every rating on the sheet, from {scale}, after each round of meetings.",
                svg=charts.trend(
                    title=f"{name}: average rating after each meeting",
                    description="; ".join(f"{r[0]}: {r[2]}" for r in rows),
                    points=[(short_label(p), p.score) for p in series.points],
                    low=series.low,
                    high=series.high,
                )
                if has_any
                else None,
                head=head,
                rows=rows,
                empty=f"Results appear when {min_responses} people have answered after a meeting.",
                kind="trend" if has_any else "",
                points=[(short_label(p), p.score) for p in series.points],
                low=series.low,
                high=series.high,
            )
        )
        latest = latest_visible(series)
        if latest is not None:
            rows = [[f.label, _fmt(f.mean), str(f.n)] for f in latest.items]
            bar_rows = [charts.BarRow(label=f.label, values=[f.mean]) for f in latest.items]
            blocks.append(
                ChartBlock(
                    title=f"{name}: each question, {latest.label.lower()}",
                    intro=f"The latest meeting round with at least {min_responses} answers. "
                    "Questions marked “scored in reverse” count disagreement as the better answer.",
                    svg=charts.bars(
                        title=f"{name}, {latest.label.lower()}: average for each question",
                        description="; ".join(f"{r[0]}: {r[1]}" for r in rows),
                        rows=bar_rows,
                        groups=[latest.label],
                        low=series.low,
                        high=series.high,
                    ),
                    head=["Question", f"Average ({scale})", "Answered"],
                    rows=rows,
                    kind="bars",
                    bar_rows=bar_rows,
                    groups=[latest.label],
                    low=series.low,
                    high=series.high,
                )
            )
        return blocks

    visible = series.visible
    labels = [p.label for p in visible]
    names = list(dict.fromkeys(f.label for p in visible for f in p.subscales))
    table_rows: list[list[str]] = [["Overall", *[_fmt(p.score) for p in visible]]]
    chart_rows = [charts.BarRow(label="Overall", values=[p.score for p in visible])]
    for subscale in names:
        values = [next((f.mean for f in p.subscales if f.label == subscale), None) for p in visible]
        chart_rows.append(charts.BarRow(label=subscale, values=values))
        table_rows.append([subscale, *[_fmt(v) for v in values]])
    waiting = [p for p in series.points if p.suppressed]
    note = ""
    if waiting:
        note = (
            " Not shown yet: "
            + "; ".join(
                f"{p.label.lower()} ({p.answered} answered, {p.needed} more needed)"
                if p.state != "upcoming"
                else p.label
                for p in waiting
            )
            + "."
        )
    blocks.append(
        ChartBlock(
            title=f"{name}: before and after" if len(series.points) > 1 else name,
            intro=f"Average self-ratings from {scale}, overall and by theme, at each point of the programme.{note}",
            svg=charts.bars(
                title=f"{name}: average ratings at each point",
                description="; ".join(f"{r[0]}: " + ", ".join(r[1:]) for r in table_rows),
                rows=chart_rows,
                groups=labels,
                low=series.low,
                high=series.high,
            )
            if visible
            else None,
            head=["", *labels],
            rows=table_rows if visible else [],
            empty=f"Results appear when {min_responses} people have answered.{note}",
            kind="bars" if visible else "",
            bar_rows=chart_rows,
            groups=labels,
            low=series.low,
            high=series.high,
        )
    )
    return blocks


def dashboard_context(results: ProgrammeResults) -> dict[str, Any]:
    blocks = [b for s in results.series for b in blocks_for(s, results.min_responses)]
    return {"results": results, "health": results.health, "blocks": blocks}
