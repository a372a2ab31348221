"""Evaluation: instruments as data, the occasions a programme asks them, and the answers people give.

Answers are personal: only the respondent ever sees their own. Everyone else sees aggregates, and only
when at least `MIN_RESPONSES` people have answered (see `results.py`). None of these models is registered
in the admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from actionset.core.models import BaseModel


class Instrument(BaseModel):
    """A questionnaire: its items, the scales they are answered on, and how they are scored."""

    class Scoring(models.TextChoices):
        MEAN = "mean", "Mean of the rating items"
        SUM = "sum", "Sum of the rating items"

    code = models.SlugField(max_length=60, unique=True, help_text="How evaluation plans and imports refer to it.")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    kirkpatrick_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    licence = models.TextField(blank=True, help_text="Terms under which the provider uses it.")
    credit = models.TextField(blank=True, help_text="Authors and source, as the licence asks them to be credited.")
    scoring = models.CharField(max_length=10, choices=Scoring.choices, default=Scoring.MEAN)
    built_in = models.BooleanField(default=False)

    class Meta:
        ordering = ["-built_in", "name"]

    def __str__(self) -> str:
        return self.name


class Scale(models.Model):
    """The points an item is rated on, e.g. 1 to 5, with words for some or all of them."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="scales")
    code = models.SlugField(max_length=40)
    low = models.SmallIntegerField()
    high = models.SmallIntegerField()
    #: Point (as a string, JSON keys being strings) → its words.
    anchors: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="scale_code_once_per_instrument"),
            models.CheckConstraint(condition=models.Q(low__lt=models.F("high")), name="scale_low_below_high"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.low} to {self.high})"

    @property
    def points(self) -> list[tuple[int, str]]:
        return [(value, self.anchors.get(str(value), "")) for value in range(self.low, self.high + 1)]


class Item(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating on a scale"
        FREE_TEXT = "free_text", "Free text"

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RATING)
    scale = models.ForeignKey(Scale, null=True, blank=True, on_delete=models.RESTRICT, related_name="items")
    reverse = models.BooleanField(default=False, help_text="Scored high-to-low: agreeing is the weaker answer.")
    subscale = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_once_per_instrument"),
            models.CheckConstraint(
                condition=models.Q(kind="free_text", scale__isnull=True) | models.Q(kind="rating", scale__isnull=False),
                name="rating_items_have_a_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def score(self, value: int) -> int:
        """The value as it counts towards a score: reverse-scored items are turned round."""
        assert self.scale is not None
        return self.scale.low + self.scale.high - value if self.reverse else value


class Timing(models.TextChoices):
    """The points of a programme at which an instrument can be asked (the evaluation plan's columns)."""

    START = "start", "At the start"
    EACH_MEETING = "each_meeting", "After each meeting"
    END = "end", "At the end"
    FOLLOW_UP_3 = "follow_up_3", "3 months after"
    FOLLOW_UP_6 = "follow_up_6", "6 months after"


TIMING_ORDER = {value: index for index, value in enumerate(Timing.values)}


class Occasion(BaseModel):
    """One time a programme asks its participants to answer an instrument: derived from the evaluation plan."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="evaluation_occasions")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="occasions")
    timing = models.CharField(max_length=20, choices=Timing.choices)
    #: For after-meeting occasions: which meeting of every set (1 for each set's first, and so on).
    meeting_number = models.PositiveSmallIntegerField(null=True, blank=True)
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["programme", "opens_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument", "timing", "meeting_number"], name="one_occasion_per_point"
            ),
            models.UniqueConstraint(
                fields=["programme", "instrument", "timing"],
                condition=models.Q(meeting_number__isnull=True),
                name="one_occasion_per_point_without_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} — {self.label}"

    @property
    def label(self) -> str:
        if self.timing == Timing.EACH_MEETING:
            return f"After meeting {self.meeting_number}"
        return Timing(self.timing).label

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (TIMING_ORDER[self.timing], self.meeting_number or 0, self.instrument.code)

    @property
    def kirkpatrick_level(self) -> int:
        level = self.instrument.kirkpatrick_level
        # The same self-rating asked months later speaks to behaviour back at work, not only to learning.
        if self.timing in (Timing.FOLLOW_UP_3, Timing.FOLLOW_UP_6) and level < 3:
            return 3
        return level

    def state(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return "upcoming"
        if today > self.closes_on:
            return "closed"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state() == "open"


class Response(models.Model):
    """One person's answers on one occasion. Personal: shown to the respondent alone."""

    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="responses")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="evaluation_responses")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occasion", "enrolment"], name="one_response_per_occasion")]

    def __str__(self) -> str:
        return f"Response to {self.occasion_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"Answer to {self.item_id}"


class Notice(models.Model):
    """That an invitation or a reminder to answer went to someone: so the reminder command sends each once."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"

    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="notices")
    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occasion", "enrolment", "kind"], name="one_notice_of_a_kind")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.occasion_id}"
