"""The provider's awards and their requirements, as data. `awards_load()` makes the database match, idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actionset.accreditation.models import Award, EntryKind, Measure, Requirement


@dataclass(frozen=True)
class RequirementSpec:
    measure: str
    target: int
    label: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwardSpec:
    slug: str
    name: str
    course_kind: str
    summary: str
    criteria: str
    requirements: tuple[RequirementSpec, ...]


LEADING = (EntryKind.FACILITATING.value,)
IN_THE_ROOM = (EntryKind.FACILITATING.value, EntryKind.CO_FACILITATING.value)

AWARDS: tuple[AwardSpec, ...] = (
    AwardSpec(
        slug="foundation",
        name="Foundation Award in Action Learning Facilitation",
        course_kind="foundation",
        summary=(
            "For people who facilitate action learning sets in their own organisation: holding the process, "
            "asking and modelling open questions, and helping a set learn from its own work."
        ),
        criteria=(
            "After the three-day course, the candidate facilitates real sets for at least six months. They keep a "
            "reflective log, are observed facilitating at least once by an assessor or a buddy, and take part in "
            "supervision. An assessor reviews the portfolio and judges that the candidate contracts with a set, "
            "questions well, holds the process and leads a useful review."
        ),
        requirements=(
            RequirementSpec(Measure.HOURS, 20, "Hours facilitating or co-facilitating sets", IN_THE_ROOM),
            RequirementSpec(Measure.HOURS, 10, "Hours as the lead facilitator", LEADING),
            RequirementSpec(Measure.PERIOD_MONTHS, 6, "Months of practice, from first to latest evidence"),
            RequirementSpec(Measure.REFLECTION_WORDS, 1500, "Words of reflective log"),
            RequirementSpec(Measure.OBSERVATIONS, 1, "Observations by an assessor or buddy"),
            RequirementSpec(Measure.SUPERVISION_SESSIONS, 2, "Supervision sessions"),
        ),
    ),
    AwardSpec(
        slug="advanced",
        name="Advanced Practitioner Award in Action Learning",
        course_kind="advanced",
        summary=(
            "For programme designers and organisational developers: designing action learning programmes, "
            "supervising other facilitators and connecting sets' learning to the organisation."
        ),
        criteria=(
            "The candidate documents at least a year of substantial practice, half of it as lead facilitator, "
            "keeps a deep reflective log that draws on theory, is observed at least twice, and meets regularly "
            "with a supervisor. An assessor reviews the portfolio alongside the candidate's programme design "
            "and case study."
        ),
        requirements=(
            RequirementSpec(Measure.HOURS, 100, "Hours of practice with sets (any kind)"),
            RequirementSpec(Measure.HOURS, 50, "Hours as the lead facilitator", LEADING),
            RequirementSpec(Measure.PERIOD_MONTHS, 12, "Months of practice, from first to latest evidence"),
            RequirementSpec(Measure.REFLECTION_WORDS, 5000, "Words of reflective log"),
            RequirementSpec(Measure.OBSERVATIONS, 2, "Observations by an assessor or buddy"),
            RequirementSpec(Measure.SUPERVISION_SESSIONS, 6, "Supervision sessions"),
        ),
    ),
)


def awards_load(award_model: Any = None, requirement_model: Any = None) -> None:
    """Create or update every award in `AWARDS` and replace its requirements; running it twice changes nothing.

    The models may be passed in, so that a data migration can run this with its historical models.
    """
    if award_model is None or requirement_model is None:
        award_model, requirement_model = Award, Requirement
    for position, spec in enumerate(AWARDS):
        award, _ = award_model.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "course_kind": spec.course_kind,
                "summary": spec.summary,
                "criteria": spec.criteria,
                "position": position,
            },
        )
        for index, req in enumerate(spec.requirements):
            requirement_model.objects.update_or_create(
                award=award,
                position=index,
                defaults={
                    "measure": str(req.measure),
                    "target": req.target,
                    "label": req.label,
                    "kinds": list(req.kinds),
                },
            )
        requirement_model.objects.filter(award=award, position__gte=len(spec.requirements)).delete()
