"""Evidence portfolios, assessment and verifiable certificates.

An `Award` states its requirements as data (`Requirement` rows). A candidate keeps one `Portfolio` per award: hours
logged elsewhere (`EvidenceEntry`), a reflective log (`Reflection`), observations of their facilitation
(`Observation`). Hours from meetings they facilitated in actionset are not copied in: they are read from the meetings
app whenever progress is worked out (see `evidence.py`), so they are always current and carry nothing of the set's
content. Submitting makes a `Submission`; an assessor's decision is recorded on it; a pass issues a `Credential`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from actionset.accreditation.feedback import AREA_LABELS, RATING_LABELS
from actionset.core.models import BaseModel


class Award(BaseModel):
    """An award the provider gives, e.g. the foundation award in action learning facilitation."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    #: The training courses that lead to this award: every course of this kind (see training.Course.Kind).
    course_kind = models.CharField(max_length=20, blank=True)
    summary = models.TextField()
    criteria = models.TextField(help_text="What a candidate must show, in words: the criteria narrative.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    HOURS = "hours", "Hours"
    PERIOD_MONTHS = "period_months", "Months of practice"
    REFLECTION_WORDS = "reflection_words", "Words of reflective log"
    OBSERVATIONS = "observations", "Observations"
    SUPERVISION_SESSIONS = "supervision_sessions", "Supervision sessions"


class EntryKind(models.TextChoices):
    FACILITATING = "facilitating", "Facilitating"
    CO_FACILITATING = "co_facilitating", "Co-facilitating"
    OBSERVING = "observing", "Observing a set"
    SUPERVISION = "supervision", "Supervision"


#: Practice hours: what counts as time with sets (supervision is counted in sessions, not hours).
PRACTICE_KINDS = (EntryKind.FACILITATING, EntryKind.CO_FACILITATING, EntryKind.OBSERVING)


class Requirement(models.Model):
    """One requirement of an award: at least `target` of `measure` (for hours, of `kinds`, or all practice hours)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=30, choices=Measure.choices)
    #: For hours: the entry kinds that count. Empty: every kind of practice hour.
    kinds: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    target = models.PositiveIntegerField()
    label = models.CharField(max_length=150)

    class Meta:
        ordering = ["award", "position"]
        constraints = [models.UniqueConstraint(fields=["award", "position"], name="accreditation_requirement_order")]

    def __str__(self) -> str:
        return f"{self.award}: {self.label}"


@dataclass(frozen=True)
class Counted:
    """A portfolio's reflective-log words and observations, where the caller has them already (read with the
    portfolio by `with_counted`, or counted from the reflections and observations a page lists)."""

    words: int
    observations: int


class PortfolioQuerySet(models.QuerySet["Portfolio"]):
    def with_counted(self) -> PortfolioQuerySet:
        """Each portfolio's reflective-log words and observations in the same read (`Portfolio.counted`): progress
        towards an award needs both, and reading them a portfolio at a time cost two queries each."""
        return self.annotate(
            counted_words=_per_portfolio(Reflection, Sum("words")),
            counted_observations=_per_portfolio(Observation, Count("pk")),
        )


def _per_portfolio(model: type[models.Model], figure: Any) -> Coalesce:
    """One figure (a sum, a count) of each portfolio's rows of `model`, as a subquery."""
    rows = model._default_manager.filter(portfolio=OuterRef("pk")).order_by().values("portfolio")
    return Coalesce(Subquery(rows.annotate(figure=figure).values("figure")), 0)


class Portfolio(BaseModel):
    """A candidate's evidence towards one award, and where it stands in assessment."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted for assessment"
        REFERRED = "referred", "Referred: more evidence asked for"
        PASSED = "passed", "Passed"

    #: While the portfolio is with an assessor, or passed, its evidence is fixed.
    EDITABLE = (Status.DRAFT, Status.REFERRED)

    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolios")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="portfolios")
    cohort = models.ForeignKey(
        "training.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="portfolios"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["award", "candidate__name"]
        constraints = [models.UniqueConstraint(fields=["candidate", "award"], name="accreditation_one_portfolio")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.award}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def counted(self) -> Counted | None:
        """The words and observations `PortfolioQuerySet.with_counted` read with this portfolio, if it did."""
        if "counted_words" not in self.__dict__:
            return None
        return Counted(words=self.__dict__["counted_words"], observations=self.__dict__["counted_observations"])

    @property
    def organisation(self) -> None:
        # Provider-level records: the audit log files them under no client organisation.
        return None


class EvidenceEntry(BaseModel):
    """Time spent with a set outside actionset, or in supervision. Never names a member or says what was said."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    happened_on = models.DateField()
    minutes = models.PositiveIntegerField()
    set_size = models.PositiveSmallIntegerField(null=True, blank=True)
    organisation_name = models.CharField(max_length=150, blank=True)
    #: For supervision: who supervised (a professional, not a set member).
    supervisor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="accreditation_entry_minutes")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class Reflection(BaseModel):
    """One entry of the reflective log. Read by the candidate and the provider's assessors only."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="reflections")
    written_on = models.DateField()
    title = models.CharField(max_length=150)
    text = models.TextField()
    words = models.PositiveIntegerField()

    class Meta:
        ordering = ["-written_on", "-created_at"]

    def __str__(self) -> str:
        # The reflective log is the candidate's and their assessors': its titles are not labels for anyone else.
        return f"Reflection {self.public_id.hex[:8]}"


class Observation(BaseModel):
    """An assessor or a buddy watched the candidate facilitate, and gave feedback area by area."""

    class Role(models.TextChoices):
        ASSESSOR = "assessor", "Assessor"
        BUDDY = "buddy", "Buddy"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    observer_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    observed_on = models.DateField()
    minutes = models.PositiveIntegerField()
    set_size = models.PositiveSmallIntegerField(null=True, blank=True)
    #: {area key: {"rating": ..., "comment": ...}} for every area in `feedback.AREAS`.
    feedback: models.JSONField[Any, Any] = models.JSONField(default=dict)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-observed_on", "-created_at"]

    def __str__(self) -> str:
        return f"Observation on {self.observed_on} by {self.observer_name}"

    @property
    def feedback_rows(self) -> list[dict[str, str]]:
        """The feedback area by area, in words: each area's name, the rating's label and the comment."""
        return [
            {
                "area": AREA_LABELS.get(key, key),
                "rating": RATING_LABELS.get(value.get("rating", ""), ""),
                "comment": value.get("comment", ""),
            }
            for key, value in self.feedback.items()
        ]


class Buddy(BaseModel):
    """Someone the candidate has asked to observe them: they may record observations, and see nothing else."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="buddies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buddy_of")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portfolio", "user"], name="accreditation_buddy_once")]

    def __str__(self) -> str:
        return f"{self.user} observes for {self.portfolio}"


class Submission(BaseModel):
    """One submission of a portfolio for assessment, and the assessor's decision on it."""

    class Outcome(models.TextChoices):
        PASS = "pass", "Pass"
        REFER = "refer", "Refer"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()
    requirements_met = models.BooleanField()
    #: Progress against every requirement as it stood when submitted: what the assessor judged.
    snapshot: models.JSONField[Any, Any] = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    feedback = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["portfolio", "-number"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "number"], name="accreditation_submission_number")]

    def __str__(self) -> str:
        return f"Submission {self.number} of {self.portfolio}"


class Credential(BaseModel):
    """A certificate issued on a pass. `public_id` is the credential's id, on its public verification page.

    `token` is the signed Open Badges 3.0 credential (a VC-JWT): public by nature, meant to be shared by its holder.
    """

    portfolio = models.OneToOneField(Portfolio, on_delete=models.PROTECT, related_name="credential")
    recipient_name = models.CharField(max_length=150)
    award_name = models.CharField(max_length=150)
    issued_at = models.DateTimeField()
    #: The credential's place in the published revocation status list.
    status_index = models.PositiveIntegerField(unique=True)
    token = models.TextField()
    key_id = models.CharField(max_length=100)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.award_name} — {self.recipient_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_signed(self) -> bool:
        """False while it waits for a signing key to be configured (the certificate itself is recorded)."""
        return bool(self.token)

    @property
    def organisation(self) -> None:
        return None
