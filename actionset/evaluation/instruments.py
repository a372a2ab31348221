"""Instrument definitions: the JSON import format, its validation, and the built-in instruments.

One format serves both: the built-ins below are written in it, and providers upload files in it
(documented with an example in docs/evaluation.md). Validation is complete before anything is written,
and every error names the field it is about (`items[3].scale`), so an import is all or nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_POINTS = 11
TOP_LEVEL = {"code", "name", "purpose", "kirkpatrick_level", "licence", "credit", "scoring", "scales", "items"}
SCALE_KEYS = {"code", "low", "high", "anchors"}
ITEM_KEYS = {"code", "text", "kind", "scale", "reverse", "subscale"}


@dataclass
class ScaleDef:
    code: str
    low: int
    high: int
    anchors: dict[str, str]


@dataclass
class ItemDef:
    code: str
    text: str
    kind: str
    scale: str | None
    reverse: bool
    subscale: str


@dataclass
class InstrumentDef:
    code: str
    name: str
    purpose: str
    kirkpatrick_level: int
    licence: str
    credit: str
    scoring: str
    scales: list[ScaleDef] = field(default_factory=list)
    items: list[ItemDef] = field(default_factory=list)


class DefinitionInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _text(errors: list[str], where: str, value: Any, *, required: bool, limit: int | None = None) -> str:
    if value is None or value == "":
        if required:
            errors.append(f"{where}: required")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: must be text")
        return ""
    value = value.strip()
    if limit and len(value) > limit:
        errors.append(f"{where}: at most {limit} characters")
    return value


def _slug(errors: list[str], where: str, value: Any, *, limit: int) -> str:
    text = _text(errors, where, value, required=True, limit=limit)
    if text and not SLUG.match(text):
        errors.append(f"{where}: use lower-case letters, digits, '-' and '_' only (got {text!r})")
    return text


def _integer(errors: list[str], where: str, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(f"{where}: must be a whole number")
        return None
    return value


def _unknown_keys(errors: list[str], where: str, data: dict[str, Any], known: set[str]) -> None:
    for key in sorted(set(data) - known):
        errors.append(f"{where}{key}: not a field of this format")


def parse(data: Any) -> InstrumentDef:
    """Check a decoded definition and return it, or raise DefinitionInvalid listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionInvalid(["The file must hold one JSON object describing one instrument"])
    _unknown_keys(errors, "", data, TOP_LEVEL)
    level = data.get("kirkpatrick_level")
    checked_level = _integer(errors, "kirkpatrick_level", level)
    if checked_level is not None and not 1 <= checked_level <= 4:
        errors.append("kirkpatrick_level: must be 1, 2, 3 or 4")
    scoring = data.get("scoring", "mean")
    if scoring not in ("mean", "sum"):
        errors.append("scoring: must be 'mean' or 'sum'")
    definition = InstrumentDef(
        code=_slug(errors, "code", data.get("code"), limit=60),
        name=_text(errors, "name", data.get("name"), required=True, limit=200),
        purpose=_text(errors, "purpose", data.get("purpose"), required=False),
        kirkpatrick_level=level if isinstance(level, int) else 0,
        licence=_text(errors, "licence", data.get("licence"), required=False),
        credit=_text(errors, "credit", data.get("credit"), required=False),
        scoring=scoring if isinstance(scoring, str) else "mean",
    )

    scales = data.get("scales")
    if not isinstance(scales, list):
        errors.append("scales: must be a list (it may be empty when every item is free text)")
        scales = []
    for index, raw in enumerate(scales, start=1):
        where = f"scales[{index}]"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be an object")
            continue
        _unknown_keys(errors, f"{where}.", raw, SCALE_KEYS)
        code = _slug(errors, f"{where}.code", raw.get("code"), limit=40)
        low = _integer(errors, f"{where}.low", raw.get("low"))
        high = _integer(errors, f"{where}.high", raw.get("high"))
        if low is not None and high is not None:
            if low >= high:
                errors.append(f"{where}.high: must be above low ({low})")
            elif high - low + 1 > MAX_POINTS:
                errors.append(f"{where}: at most {MAX_POINTS} points")
        anchors_raw = raw.get("anchors", {})
        anchors: dict[str, str] = {}
        if not isinstance(anchors_raw, dict):
            errors.append(f"{where}.anchors: must be an object of point → words")
        else:
            for point, words in anchors_raw.items():
                try:
                    number = int(point)
                except (TypeError, ValueError):
                    errors.append(f"{where}.anchors: {point!r} is not a point of the scale")
                    continue
                if low is not None and high is not None and not low <= number <= high:
                    errors.append(f"{where}.anchors: {number} is outside {low} to {high}")
                anchors[str(number)] = _text(errors, f"{where}.anchors.{point}", words, required=True, limit=80)
        if code in {s.code for s in definition.scales}:
            errors.append(f"{where}.code: {code!r} is used twice")
        definition.scales.append(ScaleDef(code=code, low=low or 0, high=high or 0, anchors=anchors))

    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors.append("items: must be a list of at least one item")
        items = []
    scale_codes = {s.code: s for s in definition.scales}
    for index, raw in enumerate(items, start=1):
        where = f"items[{index}]"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be an object")
            continue
        _unknown_keys(errors, f"{where}.", raw, ITEM_KEYS)
        kind = raw.get("kind", "rating")
        if kind not in ("rating", "free_text"):
            errors.append(f"{where}.kind: must be 'rating' or 'free_text'")
        scale = raw.get("scale")
        if kind == "rating" and scale not in scale_codes:
            errors.append(
                f"{where}.scale: {scale!r} is not one of the scales above" if scale else f"{where}.scale: required"
            )
        if kind == "free_text" and scale:
            errors.append(f"{where}.scale: a free-text item has no scale")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            errors.append(f"{where}.reverse: must be true or false")
        code = _slug(errors, f"{where}.code", raw.get("code"), limit=40)
        if code in {i.code for i in definition.items}:
            errors.append(f"{where}.code: {code!r} is used twice")
        definition.items.append(
            ItemDef(
                code=code,
                text=_text(errors, f"{where}.text", raw.get("text"), required=True, limit=500),
                kind=kind if isinstance(kind, str) else "rating",
                scale=scale if kind == "rating" and isinstance(scale, str) else None,
                reverse=reverse is True,
                subscale=_text(errors, f"{where}.subscale", raw.get("subscale"), required=False, limit=80),
            )
        )

    # A score mixes items, so they must be on the same range for the numbers to mean anything.
    ranges = {(scale_codes[i.scale].low, scale_codes[i.scale].high) for i in definition.items if i.scale in scale_codes}
    if len(ranges) > 1:
        errors.append(
            "items: every rating item must use a scale with the same low and high, so they can be scored together"
        )
    if errors:
        raise DefinitionInvalid(errors)
    return definition


def parse_json(content: bytes) -> InstrumentDef:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DefinitionInvalid(["The file is not UTF-8 text"]) from None
    except json.JSONDecodeError as error:
        raise DefinitionInvalid([f"Line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"]) from None
    return parse(data)


def install(definition: InstrumentDef, *, models: dict[str, Any], built_in: bool = False) -> Any:
    """Write a checked definition. `models` are the Instrument, Scale and Item classes, so a data migration can
    pass its historical models."""
    instrument = models["Instrument"].objects.create(
        code=definition.code,
        name=definition.name,
        purpose=definition.purpose,
        kirkpatrick_level=definition.kirkpatrick_level,
        licence=definition.licence,
        credit=definition.credit,
        scoring=definition.scoring,
        built_in=built_in,
    )
    scales = {
        s.code: models["Scale"].objects.create(
            instrument=instrument, code=s.code, low=s.low, high=s.high, anchors=s.anchors
        )
        for s in definition.scales
    }
    models["Item"].objects.bulk_create(
        [
            models["Item"](
                instrument=instrument,
                position=position,
                code=i.code,
                text=i.text,
                kind=i.kind,
                scale=scales[i.scale] if i.scale else None,
                reverse=i.reverse,
                subscale=i.subscale,
            )
            for position, i in enumerate(definition.items, start=1)
        ]
    )
    return instrument


AGREE = {
    "code": "agree",
    "low": 1,
    "high": 5,
    "anchors": {"1": "Strongly disagree", "2": "Disagree", "3": "Neither", "4": "Agree", "5": "Strongly agree"},
}
CONFIDENT = {
    "code": "confidence",
    "low": 1,
    "high": 5,
    "anchors": {
        "1": "Not at all confident",
        "2": "A little confident",
        "3": "Fairly confident",
        "4": "Very confident",
        "5": "Completely confident",
    },
}

#: Written for this product in our own words. Reflections in words go to the private learning journal,
#: so these ask for ratings only: nothing that would then have to be hidden from the people who read results.
BUILT_IN: list[dict[str, Any]] = [
    {
        "code": "review_sheet",
        "name": "After-meeting review sheet",
        "purpose": "A two-minute rating at the end of each meeting: was it worth the time, did the questions help, "
        "does each person leave with a next step, and could people speak freely. What people learned, in their own "
        "words, goes to their private learning journal instead.",
        "kirkpatrick_level": 1,
        "credit": "Written for actionset.",
        "scoring": "mean",
        "scales": [AGREE],
        "items": [
            {
                "code": "useful",
                "text": "Today's meeting was a good use of my time.",
                "scale": "agree",
                "subscale": "The meeting",
            },
            {
                "code": "questions",
                "text": "The questions asked today helped people think for themselves, rather "
                "than telling them what to do.",
                "scale": "agree",
                "subscale": "How the set worked",
            },
            {
                "code": "next-actions",
                "text": "I leave knowing what I will do next about my problem.",
                "scale": "agree",
                "subscale": "Action",
            },
            {
                "code": "safe",
                "text": "I could say what I really thought in the set.",
                "scale": "agree",
                "subscale": "How the set worked",
            },
            {
                "code": "held-back",
                "text": "I held back something I wanted to say.",
                "scale": "agree",
                "reverse": True,
                "subscale": "How the set worked",
            },
            {
                "code": "others",
                "text": "Working on other members' problems taught me something I can use.",
                "scale": "agree",
                "subscale": "The meeting",
            },
        ],
    },
    {
        "code": "self_rating",
        "name": "Pre/post self-rating",
        "purpose": "Each participant rates their own confidence in the things action learning sets out to build, "
        "at the start, at the end and months later, so the programme can see what changed.",
        "kirkpatrick_level": 2,
        "credit": "Written for actionset.",
        "scoring": "mean",
        "scales": [CONFIDENT, AGREE],
        "items": [
            {
                "code": "open-questions",
                "text": "How confident are you asking open questions that help someone "
                "think a problem through for themselves?",
                "scale": "confidence",
                "subscale": "Questioning",
            },
            {
                "code": "listening",
                "text": "How confident are you listening to a colleague without planning what you will say next?",
                "scale": "confidence",
                "subscale": "Questioning",
            },
            {
                "code": "complex-action",
                "text": "How confident are you taking action on a complex problem that has no obvious answer?",
                "scale": "confidence",
                "subscale": "Acting",
            },
            {
                "code": "decisions",
                "text": "How confident are you making a decision when the information is incomplete?",
                "scale": "confidence",
                "subscale": "Acting",
            },
            {
                "code": "boundaries",
                "text": "How confident are you getting things done across team and department boundaries?",
                "scale": "confidence",
                "subscale": "Connecting",
            },
            {
                "code": "alone",
                "text": "I often feel on my own with the hardest parts of my job.",
                "scale": "agree",
                "reverse": True,
                "subscale": "Connecting",
            },
            {
                "code": "stuck",
                "text": "There is a problem at work I feel stuck on.",
                "scale": "agree",
                "reverse": True,
                "subscale": "Acting",
            },
        ],
    },
]
