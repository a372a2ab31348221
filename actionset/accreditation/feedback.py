"""The areas an observer gives feedback on, each with a rating and a comment."""

from __future__ import annotations

AREAS: tuple[tuple[str, str, str], ...] = (
    ("contracting", "Contracting", "Agreeing how the set works: ground rules, confidentiality, time and roles."),
    ("questioning", "Questioning", "Asking and modelling open, helpful questions; keeping advice at bay."),
    (
        "holding",
        "Holding the process",
        "Keeping time and order, giving each presenter their airtime, staying out of the content.",
    ),
    ("review", "Review", "Helping the set reflect on how it worked, and on what it learned."),
)

RATINGS: tuple[tuple[str, str], ...] = (
    ("not_yet", "Not yet shown"),
    ("developing", "Developing"),
    ("secure", "Secure"),
)

RATING_LABELS = dict(RATINGS)
AREA_LABELS = {key: label for key, label, _ in AREAS}
