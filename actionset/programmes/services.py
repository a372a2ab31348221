from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.spreadsheets import FileProblem, normalise_heading, read_rows
from actionset.organisations.models import Organisation, Person
from actionset.programmes.blueprints import BLUEPRINTS
from actionset.programmes.models import Enrolment, EvaluationPoint, Programme, ProgrammeEvent, Venue
from actionset.programmes.slots import parse_availability
from actionset.programmes.transitions import programme_moved


class TransitionRefused(Exception):
    """The programme cannot move to that stage yet; the message says why, in the designer's words."""


def programme_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    blueprint: str,
    request: HttpRequest | None = None,
) -> Programme:
    """A draft programme shaped by a blueprint, with its events and evaluation plan, ready to adjust."""
    shape = BLUEPRINTS[blueprint]
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=organisation,
            title=title,
            designer=actor,
            method=shape.method,
            format=shape.format,
            set_size_min=shape.set_size_min,
            set_size_max=shape.set_size_max,
            number_of_meetings=shape.number_of_meetings,
            cadence_weeks=shape.cadence_weeks,
            meeting_minutes=shape.meeting_minutes,
            start_date=_first_monday_after(timezone.localdate() + dt.timedelta(weeks=6)),
        )
        events_from_template(programme, shape.events)
        EvaluationPoint.objects.bulk_create(
            [EvaluationPoint(programme=programme, instrument=i, timing=t) for i, t in shape.evaluation]
        )
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_CREATED,
            target=programme,
            organisation=organisation,
            detail={"template": blueprint},
            request=request,
        )
    return programme


def _first_monday_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def events_from_template(programme: Programme, kinds: Iterable[str]) -> None:
    """Launch a week before the first meetings; close a few weeks after the last, both 10:00 to 13:00 local."""
    assert programme.start_date is not None
    tz = zoneinfo.ZoneInfo(programme.time_zone)
    last_meeting = programme.start_date + dt.timedelta(
        weeks=programme.cadence_weeks * (programme.number_of_meetings - 1)
    )
    for kind in kinds:
        if kind == ProgrammeEvent.Kind.LAUNCH:
            day, title = programme.start_date - dt.timedelta(days=7), "Launch event"
        else:
            day, title = last_meeting + dt.timedelta(weeks=3), "Closing conference"
        starts = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
        ProgrammeEvent.objects.create(
            programme=programme, kind=kind, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
        )


def programme_update(
    *,
    actor: User,
    programme: Programme,
    data: dict[str, Any],
    sponsors: Iterable[Person] | None = None,
    request: HttpRequest | None = None,
) -> Programme:
    with transaction.atomic():
        changed = sorted(k for k, v in data.items() if getattr(programme, k) != v)
        for key, value in data.items():
            setattr(programme, key, value)
        programme.full_clean()
        programme.save()
        if sponsors is not None:
            before = set(programme.sponsors.values_list("pk", flat=True))
            programme.sponsors.set(sponsors)
            if before != {p.pk for p in sponsors}:
                changed.append("sponsors")
        if changed:
            audit_record(
                actor=actor,
                action=AuditAction.PROGRAMME_UPDATED,
                target=programme,
                detail={"fields": changed},
                request=request,
            )
    return programme


def programme_move(*, actor: User, programme: Programme, status: str, request: HttpRequest | None = None) -> Programme:
    """Move a programme along its lifecycle: draft → recruiting → running → closed."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if not programme.can_move_to(status):
            raise TransitionRefused(
                f"A {programme.get_status_display().lower()} programme cannot become "
                f"{Programme.Status(status).label.lower()}."
            )
        if status == Programme.Status.RECRUITING and not programme.aims.strip():
            raise TransitionRefused("Write the programme's aims before recruiting: people need to know what they join.")
        if status == Programme.Status.RUNNING and not programme.is_published:
            raise TransitionRefused("Publish the sets before the programme starts running.")
        before = programme.status
        programme.status = status
        programme.save(update_fields=["status", "updated_at"])
        programme_moved.send(sender=Programme, programme=programme, before=before, after=status, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_STATUS_CHANGED,
            target=programme,
            detail={"before": before, "after": status},
            request=request,
        )
    return programme


def evaluation_plan_set(
    *, actor: User, programme: Programme, points: Iterable[tuple[str, str]], request: HttpRequest | None = None
) -> None:
    wanted = set(points)
    with transaction.atomic():
        current = set(programme.evaluation_points.values_list("instrument", "timing"))
        for instrument, timing in current - wanted:
            programme.evaluation_points.filter(instrument=instrument, timing=timing).delete()
        EvaluationPoint.objects.bulk_create(
            [EvaluationPoint(programme=programme, instrument=i, timing=t) for i, t in sorted(wanted - current)]
        )
        if wanted != current:
            audit_record(
                actor=actor, action=AuditAction.PROGRAMME_EVALUATION_CHANGED, target=programme, request=request
            )


def event_save(
    *,
    actor: User,
    programme: Programme,
    data: dict[str, Any],
    event: ProgrammeEvent | None = None,
    request: HttpRequest | None = None,
) -> ProgrammeEvent:
    with transaction.atomic():
        event = event or ProgrammeEvent(programme=programme)
        for key, value in data.items():
            setattr(event, key, value)
        event.save()
        audit_record(actor=actor, action=AuditAction.PROGRAMME_EVENT_SAVED, target=programme, request=request)
    return event


def event_delete(*, actor: User, event: ProgrammeEvent, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        programme = event.programme
        event.delete()
        audit_record(actor=actor, action=AuditAction.PROGRAMME_EVENT_DELETED, target=programme, request=request)


# --- the participant pool ------------------------------------------------------------------------


def enrolments_add(
    *, actor: User, programme: Programme, people: Iterable[Person], request: HttpRequest | None = None
) -> int:
    """Enrol people from the organisation's directory; anyone withdrawn earlier is enrolled again."""
    people = [p for p in people if p.organisation_id == programme.organisation_id]
    with transaction.atomic():
        added = 0
        for person in people:
            enrolment, created = Enrolment.objects.get_or_create(programme=programme, person=person)
            if created:
                added += 1
            elif enrolment.withdrawn_at is not None:
                enrolment.withdrawn_at = None
                enrolment.save(update_fields=["withdrawn_at", "updated_at"])
                added += 1
        if added:
            audit_record(
                actor=actor,
                action=AuditAction.PROGRAMME_ENROLLED,
                target=programme,
                detail={"people": added},
                request=request,
            )
    return added


def enrolment_withdraw(*, actor: User, enrolment: Enrolment, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        enrolment.withdrawn_at = timezone.now()
        enrolment.save(update_fields=["withdrawn_at", "updated_at"])
        # A withdrawn person leaves any proposed set too. Through the enrolment's own relation, since the sets app
        # sits above this one.
        with suppress(ObjectDoesNotExist):
            enrolment.membership.delete()
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_WITHDRAWN,
            target=enrolment.programme,
            detail={"person": str(enrolment.person)},
        )


def enrolment_update(
    *,
    actor: User,
    enrolment: Enrolment,
    availability: list[str],
    keep_apart: Iterable[Person] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record availability; `keep_apart` is None when the actor may not see or change it (not a designer)."""
    with transaction.atomic():
        enrolment.availability = availability
        enrolment.save(update_fields=["availability", "updated_at"])
        if keep_apart is not None:
            enrolment.keep_apart.set([p for p in keep_apart if p.pk != enrolment.person_id])


@dataclass
class PoolImportResult:
    enrolled: int = 0
    updated: int = 0
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


POOL_COLUMNS = {"email": "email", "emailaddress": "email", "availability": "availability", "keepapart": "keep_apart"}


def pool_import(
    *,
    actor: User,
    programme: Programme,
    upload: IO[bytes],
    filename: str,
    include_keep_apart: bool,
    request: HttpRequest | None = None,
) -> PoolImportResult:
    """Enrol people listed by email, with their availability (and, for designers, keep-apart lists).

    All or nothing: any bad row and nothing changes; every bad row is reported by number and column.
    """
    result = PoolImportResult()
    try:
        rows = list(read_rows(upload, filename))
    except FileProblem as problem:
        result.errors.append((None, "", str(problem)))
        return result
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        result.errors.append((None, "", "The file is empty."))
        return result
    header_row, header = rows[0]
    columns = [POOL_COLUMNS.get(normalise_heading(h)) for h in header]
    if "email" not in columns:
        result.errors.append((header_row, "Email", "The file needs an Email column."))
        return result
    directory = {p.email: p for p in Person.objects.filter(organisation=programme.organisation)}
    seen: dict[str, int] = {}
    parsed: list[tuple[Person, list[str] | None, list[Person] | None]] = []
    for number, cells in rows[1:]:
        values = {key: (cells[i] if i < len(cells) else "").strip() for i, key in enumerate(columns) if key}
        email = values.get("email", "").lower()
        person = directory.get(email)
        if not email:
            result.errors.append((number, "Email", "The email is missing."))
            continue
        if person is None:
            result.errors.append((number, "Email", f"No one in {programme.organisation}'s directory has {email}."))
            continue
        if email in seen:
            result.errors.append((number, "Email", f"{email} is also on row {seen[email]}."))
            continue
        seen[email] = number
        availability: list[str] | None = None
        if "availability" in values:
            availability, unknown = parse_availability(values["availability"])
            if unknown:
                result.errors.append(
                    (number, "Availability", f"Not a slot: {', '.join(unknown)}. Use codes like mon-am or thu-pm.")
                )
        keep_apart: list[Person] | None = None
        if include_keep_apart and "keep_apart" in values:
            keep_apart = []
            for other in filter(None, (e.strip().lower() for e in values["keep_apart"].replace(",", ";").split(";"))):
                if other not in directory:
                    result.errors.append((number, "Keep apart", f"No one in the directory has {other}."))
                elif other == email:
                    result.errors.append((number, "Keep apart", "A person cannot be kept apart from themselves."))
                else:
                    keep_apart.append(directory[other])
        parsed.append((person, availability, keep_apart))
    if not parsed and not result.errors:
        result.errors.append((None, "", "The file has column headings but no people below them."))
    if result.errors:
        return result
    with transaction.atomic():
        for person, availability, keep_apart in parsed:
            enrolment, created = Enrolment.objects.get_or_create(programme=programme, person=person)
            if created or enrolment.withdrawn_at is not None:
                result.enrolled += 1
            else:
                result.updated += 1
            enrolment.withdrawn_at = None
            if availability is not None:
                enrolment.availability = availability
            enrolment.save()
            if keep_apart is not None:
                enrolment.keep_apart.set(keep_apart)
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_POOL_IMPORTED,
            target=programme,
            detail={"enrolled": result.enrolled, "updated": result.updated, "file": filename},
            request=request,
        )
    return result


# --- the next cohort -----------------------------------------------------------------------------

#: What a programme's design is, and so what its next cohort starts from. Who joins, the sets, the meetings and
#: everything said in them belong to the cohort that ran, and are never copied.
DESIGN_FIELDS = (
    "aims",
    "brief_context",
    "brief_why",
    "brief_tried",
    "brief_success",
    "mandate",
    "method",
    "format",
    "set_size_min",
    "set_size_max",
    "number_of_meetings",
    "cadence_weeks",
    "meeting_minutes",
    "location",
    "venue",
    "time_zone",
    "phase_minutes",
    "max_sets_per_facilitator",
)


def programme_clone(
    *, actor: User, programme: Programme, title: str, start_date: dt.date, request: HttpRequest | None = None
) -> Programme:
    """A draft programme for the next cohort: the design, sponsors, evaluation plan and events of `programme`,
    the events moved by as much as the first meetings move. No participants, sets or meetings."""
    with transaction.atomic():
        clone = Programme.objects.create(
            organisation=programme.organisation,
            title=title,
            designer=actor,
            start_date=start_date,
            **{name: getattr(programme, name) for name in DESIGN_FIELDS},
        )
        clone.sponsors.set(programme.sponsors.all())
        EvaluationPoint.objects.bulk_create(
            [
                EvaluationPoint(programme=clone, instrument=p.instrument, timing=p.timing)
                for p in programme.evaluation_points.all()
            ]
        )
        # Without the original's start there is nothing to move the events by, and dates kept as they were would
        # be in the past: the designer adds them again.
        if programme.start_date is not None:
            shift = start_date - programme.start_date
            ProgrammeEvent.objects.bulk_create(
                [
                    ProgrammeEvent(
                        programme=clone,
                        kind=event.kind,
                        title=event.title,
                        starts_at=event.starts_at + shift,
                        ends_at=event.ends_at + shift,
                        location=event.location,
                    )
                    for event in programme.events.all()
                ]
            )
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_CREATED,
            target=clone,
            organisation=programme.organisation,
            detail={"cloned_from": str(programme.public_id)},
            request=request,
        )
    return clone


def venue_save(
    *, actor: User, data: dict[str, Any], venue: Venue | None = None, request: HttpRequest | None = None
) -> Venue:
    with transaction.atomic():
        venue = venue or Venue()
        for key, value in data.items():
            setattr(venue, key, value)
        venue.full_clean()
        venue.save()
        audit_record(
            actor=actor,
            action=AuditAction.VENUE_SAVED,
            target=venue,
            organisation=venue.organisation,
            detail={"rooms": venue.rooms},
            request=request,
        )
    return venue
