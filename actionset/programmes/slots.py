"""Meeting slots: the weekday half-days people say they can attend.

Availability is a set of slot codes such as ``"tue-am"``. A meeting longer than a half-day
(more than four hours) needs both halves of one weekday. Start times are local to the
programme's time zone, so that a 09:30 meeting stays at 09:30 across a change of clocks.
"""

from __future__ import annotations

from datetime import time

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKDAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday"}
PARTS = {"am": ("morning", time(9, 30)), "pm": ("afternoon", time(13, 30))}

SLOTS: list[tuple[str, str]] = [
    (f"{day}-{part}", f"{WEEKDAY_NAMES[day]} {name}") for day in WEEKDAYS for part, (name, _) in PARTS.items()
]
SLOT_CODES = frozenset(code for code, _ in SLOTS)
#: "Tue am": for tables, where the full label would wrap.
SLOT_SHORT = {code: f"{code[:3].title()} {code[4:]}" for code, _ in SLOTS}
SLOT_LABELS = dict(SLOTS)
HALF_DAY_MINUTES = 240


def weekday_index(slot: str) -> int:
    return WEEKDAYS.index(slot.split("-")[0])


def start_time(slot: str) -> time:
    return PARTS[slot.split("-")[1]][1]


def meeting_slots(meeting_minutes: int) -> list[tuple[str, frozenset[str]]]:
    """Each way a meeting of this length can be placed, with the half-day slots it needs."""
    if meeting_minutes > HALF_DAY_MINUTES:
        return [(f"{day}-am", frozenset({f"{day}-am", f"{day}-pm"})) for day in WEEKDAYS]
    return [(code, frozenset({code})) for code, _ in SLOTS]


def parse_availability(text: str) -> tuple[list[str], list[str]]:
    """Slot codes from text such as ``"mon-am; Tue-PM"``. Returns (codes, unknown entries)."""
    codes: list[str] = []
    unknown: list[str] = []
    for raw in text.replace(",", ";").replace(" ", ";").split(";"):
        item = raw.strip().lower()
        if not item:
            continue
        if item in SLOT_CODES:
            if item not in codes:
                codes.append(item)
        else:
            unknown.append(raw.strip())
    return codes, unknown
