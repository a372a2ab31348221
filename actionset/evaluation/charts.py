"""Charts as server-rendered SVG: no JavaScript, nothing fetched. Each chart on a page sits beside a table
with the same figures, which is the text alternative; the SVG carries a title and a short description."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#0f5c6e", "#b4490f", "#1f6b3a", "#4b3a8a", "#8a5a00")
INK = "#1c2430"
SOFT = "#4a5566"
LINE = "#d9dee6"
#: Two widths of each chart: the page shows the narrow one on a phone, so its words stay readable at 1:1.
WIDTH = 560
NARROW = 320


@dataclass
class ChangeRow:
    label: str
    mean: float
    #: e.g. "4 up, 2 stayed, 1 down"
    detail: str


@dataclass
class BarRow:
    label: str
    values: list[float | None]


def _text(
    x: float, y: float, body: str, *, size: int = 13, anchor: str = "start", fill: str = INK, weight: str = "400"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}">{escape(body)}</text>'
    )


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )


def bars(
    *,
    title: str,
    description: str,
    rows: list[BarRow],
    groups: list[str],
    low: int,
    high: int,
    width: int = WIDTH,
    legend: bool = False,
) -> SafeString:
    """Horizontal bars on the scale's range, one per group in each row; the row's words above its bars."""
    left, right = 8, width - 44
    wrap = 72 if width >= WIDTH else 40
    span = right - left
    body: list[str] = []
    y = 4.0
    if len(groups) > 1 or legend:
        x = left
        for index, name in enumerate(groups):
            colour = COLOURS[index % len(COLOURS)]
            body.append(f'<rect x="{x}" y="{y + 3}" width="12" height="12" rx="2" fill="{colour}"/>')
            body.append(_text(x + 17, y + 13, name, size=12, fill=SOFT))
            x += 30 + 7 * len(name)
            if x > right - 60 and index < len(groups) - 1:
                x = left
                y += 20
        y += 26
    for row in rows:
        for line in textwrap.wrap(row.label, wrap) or [""]:
            y += 16
            body.append(_text(left, y, line))
        y += 6
        for index, value in enumerate(row.values):
            colour = COLOURS[index % len(COLOURS)]
            body.append(f'<rect x="{left}" y="{y:.1f}" width="{span}" height="14" rx="3" fill="#eef1f5"/>')
            if value is None:
                body.append(_text(left + 6, y + 11, "fewer than 5 answers", size=11, fill=SOFT))
            else:
                filled = max(span * (value - low) / (high - low), 2)
                body.append(f'<rect x="{left}" y="{y:.1f}" width="{filled:.1f}" height="14" rx="3" fill="{colour}"/>')
                body.append(_text(right + 6, y + 12, f"{value:.1f}", size=12, weight="600"))
            y += 18
        y += 8
    y += 4
    body.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{LINE}"/>')
    for point in range(low, high + 1):
        tick = left + span * (point - low) / (high - low)
        body.append(f'<line x1="{tick:.1f}" y1="{y}" x2="{tick:.1f}" y2="{y + 4}" stroke="{SOFT}"/>')
        body.append(_text(tick, y + 17, str(point), size=11, anchor="middle", fill=SOFT))
    return _svg(width, y + 24, title, description, body)


def trend(
    *,
    title: str,
    description: str,
    points: list[tuple[str, float | None]],
    low: int,
    high: int,
    width: int = WIDTH,
) -> SafeString:
    """Columns for each point in time (e.g. after each meeting) on the scale's range; a gap where too few answered."""
    top, bottom, left = 14, 170, 34
    right = width - 8
    height = bottom - top
    body: list[str] = []
    for point in range(low, high + 1):
        y = bottom - height * (point - low) / (high - low)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(_text(left - 8, y + 4, str(point), size=11, anchor="end", fill=SOFT))
    slot = (right - left) / max(len(points), 1)
    column = min(slot * 0.55, 64)
    caption = ""
    words = [label.rsplit(" ", 1) for label, _ in points]
    if slot < 70 and all(len(w) == 2 for w in words) and len({w[0] for w in words}) == 1:
        # Too narrow for "Meeting 1": number the columns and name them once, under the axis.
        caption = words[0][0]
        points = [(w[1], value) for w, (_, value) in zip(words, points, strict=True)]
    for index, (label, value) in enumerate(points):
        centre = left + slot * (index + 0.5)
        if value is None:
            body.append(
                f'<rect x="{centre - column / 2:.1f}" y="{bottom - 28}" width="{column:.1f}" height="28" rx="3" '
                f'fill="none" stroke="{SOFT}" stroke-dasharray="4 3"/>'
            )
            body.append(_text(centre, bottom - 10, "< 5", size=11, anchor="middle", fill=SOFT))
        else:
            bar = max(height * (value - low) / (high - low), 2)
            body.append(
                f'<rect x="{centre - column / 2:.1f}" y="{bottom - bar:.1f}" width="{column:.1f}" '
                f'height="{bar:.1f}" rx="3" fill="{COLOURS[0]}"/>'
            )
            body.append(_text(centre, bottom - bar - 5, f"{value:.1f}", size=12, anchor="middle", weight="600"))
        body.append(_text(centre, bottom + 18, label, size=12, anchor="middle", fill=SOFT))
    if caption:
        body.append(_text((left + right) / 2, bottom + 36, caption, size=12, anchor="middle", fill=SOFT))
        return _svg(width, bottom + 44, title, description, body)
    return _svg(width, bottom + 28, title, description, body)


def change_axis(rows: list[ChangeRow]) -> float:
    """Half the axis: at least one point either side of no change, wider in whole points if a change needs it."""
    return float(max(1, *(int(abs(r.mean)) + 1 for r in rows))) if rows else 1.0


def change(*, title: str, description: str, rows: list[ChangeRow], width: int = WIDTH) -> SafeString:
    """Bars either side of a line at no change: right for an average rise, left for a fall; who moved beneath."""
    left, right = 8, width - 8
    centre = (left + right) / 2
    reach = change_axis(rows)
    half = (right - left) / 2 - 40
    wrap = 72 if width >= WIDTH else 40
    body: list[str] = []
    y = 4.0
    for row in rows:
        for line in textwrap.wrap(row.label, wrap) or [""]:
            y += 16
            body.append(_text(left, y, line, weight="600"))
        y += 6
        body.append(
            f'<rect x="{centre - half:.1f}" y="{y:.1f}" width="{2 * half:.1f}" height="14" rx="3" fill="#eef1f5"/>'
        )
        length = max(half * abs(row.mean) / reach, 2)
        colour = COLOURS[0] if row.mean >= 0 else COLOURS[1]
        x = centre if row.mean >= 0 else centre - length
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="14" rx="2" fill="{colour}"/>')
        label = f"{row.mean:+.1f}"
        if label in ("+0.0", "-0.0"):
            label = "0.0"
        if row.mean >= 0:
            body.append(_text(centre + length + 5, y + 12, label, size=12, weight="600"))
        else:
            body.append(_text(centre - length - 5, y + 12, label, size=12, anchor="end", weight="600"))
        # The line at no change runs through the bars only, so it never strikes through the words beneath.
        body.append(f'<line x1="{centre:.1f}" y1="{y - 4:.1f}" x2="{centre:.1f}" y2="{y + 18:.1f}" stroke="{SOFT}"/>')
        y += 18
        body.append(_text(left, y + 12, row.detail, size=12, fill=SOFT))
        y += 26
    body.append(f'<line x1="{centre - half:.1f}" y1="{y}" x2="{centre + half:.1f}" y2="{y}" stroke="{LINE}"/>')
    step = 0.5 if reach <= 1 else 1.0
    for index in range(int(2 * reach / step) + 1):
        value = -reach + index * step
        tick = centre + half * value / reach
        body.append(f'<line x1="{tick:.1f}" y1="{y}" x2="{tick:.1f}" y2="{y + 4}" stroke="{SOFT}"/>')
        body.append(_text(tick, y + 17, f"{value:+g}" if value else "0", size=11, anchor="middle", fill=SOFT))
    body.append(_text(centre - 6, y + 34, "lower than at the start", size=11, anchor="end", fill=SOFT))
    body.append(_text(centre + 6, y + 34, "higher than at the start", size=11, fill=SOFT))
    return _svg(width, y + 42, title, description, body)
