from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actionset.core.models import BaseModel
from actionset.programmes.library import LibraryInstrument, library
from actionset.programmes.slots import SLOT_LABELS, SLOT_SHORT

if TYPE_CHECKING:
    from actionset.accounts.models import User


class Method(models.TextChoices):
    UK = "uk", "UK / Revans"
    WIAL = "wial", "WIAL (single problem)"
    INCIDENT = "incident", "Intervision incident method"
    TROIKA = "troika", "Troika consulting"


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


def _count_per_programme(rows: models.QuerySet[Any]) -> Coalesce:
    """How many of `rows` (filtered to `programme=OuterRef("pk")`) each programme has, as a correlated subquery.

    Two counts over joins to enrolments and to sets would multiply into enrolments times sets rows per programme (64,510
    rows for five programmes of a 10,000-person client, issue #21); a subquery each reads only its own table."""
    counted = rows.order_by().values("programme").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def for_listing(self) -> ProgrammeQuerySet:
        # Sets live in an app above this one: their model is found through the relation rather than imported.
        learning_set = Programme._meta.get_field("sets").related_model
        assert learning_set is not None
        assert not isinstance(learning_set, str)
        return self.select_related("organisation", "designer").annotate(
            participant_count=_count_per_programme(
                Enrolment.objects.filter(programme=models.OuterRef("pk"), withdrawn_at__isnull=True)
            ),
            set_count=_count_per_programme(learning_set._default_manager.filter(programme=models.OuterRef("pk"))),
        )


class Venue(BaseModel):
    """A place sets meet, as a resource: how many sets it can hold at once.

    A client's own premises belong to that organisation (offered for its programmes only); a venue without one is the
    provider's, offered for every programme. Scheduling never puts more of its meetings at one time than `rooms`.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    rooms = models.PositiveSmallIntegerField(
        _("sets at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many sets can meet here at the same time: one per room."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def where(self) -> str:
        """What a calendar invitation's location says."""
        return f"{self.name}, {self.address}" if self.address else self.name


class Programme(BaseModel):
    """A bespoke action learning programme designed for one client organisation."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECRUITING = "recruiting", "Recruiting"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    class Mandate(models.TextChoices):
        RECOMMEND = "recommend", "Sets recommend; others decide and implement"
        IMPLEMENT = "implement", "Sets recommend and also implement"

    #: The lifecycle only moves forward, one step at a time (a closed programme can be reopened to running).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("recruiting",),
        "recruiting": ("draft", "running"),
        "running": ("closed",),
        "closed": ("running",),
    }

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(max_length=200)
    aims = models.TextField(blank=True, help_text="What the programme is for, in a few sentences.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    designer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="designed_programmes"
    )
    sponsors = models.ManyToManyField("organisations.Person", blank=True, related_name="sponsored_programmes")

    # The sponsor brief.
    brief_context = models.TextField("Context and history", blank=True)
    brief_why = models.TextField("Why it matters", blank=True)
    brief_tried = models.TextField("What has been tried", blank=True)
    brief_success = models.TextField("What success would look like", blank=True)
    mandate = models.CharField(max_length=20, choices=Mandate.choices, default=Mandate.RECOMMEND)

    # The shape of the programme.
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.UK)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    set_size_min = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(2), MaxValueValidator(12)])
    set_size_max = models.PositiveSmallIntegerField(default=7, validators=[MinValueValidator(2), MaxValueValidator(12)])
    number_of_meetings = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        "Weeks between meetings", default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        "Meeting length (minutes)", default=180, validators=[MinValueValidator(30), MaxValueValidator(480)]
    )
    start_date = models.DateField("First meetings from", null=True, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Venue, or how to join online.")
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        help_text=_("Where the sets meet, if at one of the venues: scheduling keeps to its rooms."),
    )
    time_zone = models.CharField(max_length=64, default="Europe/London")
    #: Run-sheet phase key → minutes, where the programme departs from its method's defaults.
    phase_minutes: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    max_sets_per_facilitator = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="A facilitator's capacity."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="When the sets were published to members.")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(set_size_min__lte=models.F("set_size_max")), name="set_size_bounds"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def sets_without_facilitator(self) -> int:
        """How many of its sets have no facilitator: publishing, scheduling and starting ask to confirm them."""
        return int(self.sets.filter(facilitators__isnull=True).count())

    def is_sponsored_by(self, user: User) -> bool:
        """Whether `user` is one of the programme's sponsors (never someone signed out)."""
        return bool(getattr(user, "is_authenticated", False)) and self.sponsors.filter(user=user).exists()

    @property
    def meeting_length(self) -> str:
        """How long each meeting lasts, in words: "3 hours", "1 hour 30 minutes", "45 minutes"."""
        hours, rest = divmod(self.meeting_minutes, 60)
        if not hours:
            return f"{rest} minutes"
        text = f"{hours} hour{'s' if hours != 1 else ''}"
        return f"{text} {rest} minutes" if rest else text


class ProgrammeEvent(BaseModel):
    """A launch event, closing conference or other whole-programme gathering."""

    class Kind(models.TextChoices):
        LAUNCH = "launch", "Launch event"
        CLOSING = "closing", "Closing conference"
        OTHER = "other", "Other event"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class EvaluationPoint(models.Model):
    """One line of the evaluation plan: an instrument used at a point in the programme.

    `instrument` is the code of an instrument in the evaluation library (`evaluation.Instrument.code`), so a
    plan can name a licensed scale before the provider has imported it; the evaluation app schedules a point
    once its instrument is in the library.
    """

    class Instrument(models.TextChoices):
        """Codes the blueprints use; the library decides what is available (see `instrument_choices`)."""

        REVIEW_SHEET = "review_sheet", "After-meeting review sheet"
        SELF_RATING = "self_rating", "Pre/post self-rating"
        PSYCHOLOGICAL_SAFETY = "psychological_safety", "Team psychological safety scale"
        REFLECTIVE_THINKING = "reflective_thinking", "Reflective thinking questionnaire"
        SPONSOR_INTERVIEW = "sponsor_interview", "Sponsor interview on results"

    class Timing(models.TextChoices):
        START = "start", "At the start"
        EACH_MEETING = "each_meeting", "After each meeting"
        END = "end", "At the end"
        FOLLOW_UP_3 = "follow_up_3", "3 months after"
        FOLLOW_UP_6 = "follow_up_6", "6 months after"

    #: Kirkpatrick's level of the codes above, for a plan naming an instrument not (yet) in the library.
    KIRKPATRICK: dict[str, int] = {
        "review_sheet": 1,
        "self_rating": 2,
        "psychological_safety": 1,
        "reflective_thinking": 2,
        "sponsor_interview": 4,
    }

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evaluation_points")
    instrument = models.CharField(max_length=60, help_text="The code of an instrument in the evaluation library.")
    timing = models.CharField(max_length=20, choices=Timing.choices)

    class Meta:
        ordering = ["instrument", "timing"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "instrument", "timing"], name="unique_evaluation_point")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_name} — {self.get_timing_display()}"

    @classmethod
    def instrument_choices(cls, *, also: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
        """The library's instruments as (code, name); then the well-known codes above and any in `also` that the
        library lacks, so a plan can name a licensed scale before it is imported (it is scheduled once it is)."""
        held = [(i.code, i.name) for i in library().instruments()]
        known = {code for code, _ in held}
        legacy = dict(cls.Instrument.choices)
        wanted = [code for code in legacy if code not in known] + sorted(set(also) - known - set(legacy))
        return held + [(code, f"{legacy.get(code, code)} (not in the library yet)") for code in wanted]

    @classmethod
    def with_library(cls, points: Iterable[EvaluationPoint]) -> list[EvaluationPoint]:
        """The points with their instruments read from the library together: one query for a plan, not one a point."""
        points = list(points)
        found = library().instruments_with_codes({p.instrument for p in points})
        for point in points:
            point._instrument_cache = found.get(point.instrument)
        return points

    @property
    def _library_instrument(self) -> LibraryInstrument | None:
        if not hasattr(self, "_instrument_cache"):
            self._instrument_cache = library().instrument(self.instrument)
        return self._instrument_cache

    @property
    def instrument_name(self) -> str:
        found = self._library_instrument
        if found is not None:
            return found.name
        return dict(self.Instrument.choices).get(self.instrument, self.instrument)

    @property
    def kirkpatrick_level(self) -> int:
        found = self._library_instrument
        level = found.kirkpatrick_level if found is not None else self.KIRKPATRICK.get(self.instrument, 1)
        # The same self-rating taken months later speaks to behaviour, not just learning.
        if self.timing in ("follow_up_3", "follow_up_6") and level < 3:
            return 3
        return level


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def active(self) -> EnrolmentQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def invitable(self) -> EnrolmentQuerySet:
        """Those who can be invited to answer a survey: people who can sign in, and people with no login yet, who get
        a link of their own by email. A person whose login has been switched off is not invited."""
        return self.filter(models.Q(person__user__isnull=True) | models.Q(person__user__is_active=True))


class Enrolment(BaseModel):
    """A person in a programme's participant pool, with their availability.

    `keep_apart` names people this person should not share a set with. It is confidential to the
    programme's designers: never shown to the person named, the organisation, or the set.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("organisations.Person", on_delete=models.CASCADE, related_name="enrolments")
    availability: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    keep_apart = models.ManyToManyField("organisations.Person", blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["person__name"]
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="unique_enrolment")]

    def __str__(self) -> str:
        return f"{self.person} in {self.programme}"

    @property
    def availability_labels(self) -> list[str]:
        return [SLOT_LABELS[s] for s in SLOT_LABELS if s in self.availability]

    @property
    def availability_short(self) -> list[str]:
        return [SLOT_SHORT[s] for s in SLOT_SHORT if s in self.availability]


def uncovered_text(count: int, then: str = "") -> str:
    """The warning publishing, scheduling and starting a programme give while sets have no facilitator."""
    text = ngettext(
        "%(count)s set has no facilitator: its members would meet without one.",
        "%(count)s sets have no facilitator: their members would meet without one.",
        count,
    ) % {"count": count}
    return f"{text} {then}".strip()
