from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.audit import audit_record
from actionset.organisations import people_io
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole
from actionset.organisations.people_io import RowError


def organisation_create(
    *, actor: User, name: str, sector: str = "", request: HttpRequest | None = None
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, sector=sector)
        audit_record(
            actor=actor, action="organisation.created", target=organisation, organisation=organisation, request=request
        )
    return organisation


def organisation_update(
    *, actor: User, organisation: Organisation, data: dict[str, Any], request: HttpRequest | None = None
) -> Organisation:
    with transaction.atomic():
        changed = {k: v for k, v in data.items() if getattr(organisation, k) != v}
        for field, value in changed.items():
            setattr(organisation, field, value)
        if changed:
            organisation.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action="organisation.updated",
                target=organisation,
                detail={"fields": sorted(changed)},
                request=request,
            )
    return organisation


def person_save(
    *,
    actor: User,
    organisation: Organisation,
    data: dict[str, Any],
    person: Person | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Create or update one directory entry. The form has already checked the manager is valid."""
    with transaction.atomic():
        creating = person is None
        if person is None:
            person = Person(organisation=organisation)
        changed = sorted(k for k, v in data.items() if getattr(person, k, None) != v)
        for field, value in data.items():
            setattr(person, field, value)
        person.email = person.email.strip().lower()
        person.save()
        audit_record(
            actor=actor,
            action="person.created" if creating else "person.updated",
            target=person,
            organisation=organisation,
            detail={"fields": changed},
            request=request,
        )
    return person


def person_roles_set(*, actor: User, person: Person, roles: Iterable[str], request: HttpRequest | None = None) -> None:
    wanted = set(roles)
    with transaction.atomic():
        current = set(person.roles.values_list("role", flat=True))
        if wanted == current:
            return
        person.roles.filter(role__in=current - wanted).delete()
        OrganisationRole.objects.bulk_create(
            [OrganisationRole(person=person, role=r) for r in sorted(wanted - current)]
        )
        audit_record(
            actor=actor,
            action="roles.changed",
            target=person,
            organisation=person.organisation,
            detail={"before": sorted(current), "after": sorted(wanted)},
            request=request,
        )


def staff_roles_set(*, actor: User, user: User, roles: Iterable[str], request: HttpRequest | None = None) -> None:
    wanted = set(roles)
    with transaction.atomic():
        current = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
        if wanted == current:
            return
        StaffRole.objects.filter(user=user, role__in=current - wanted).delete()
        StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in sorted(wanted - current)])
        audit_record(
            actor=actor,
            action="staff_roles.changed",
            target=user,
            detail={"before": sorted(current), "after": sorted(wanted)},
            request=request,
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or, when `errors` is not empty, why it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_headings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def row_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is not None]

    @property
    def bad_row_count(self) -> int:
        return len({e.row for e in self.row_errors})


#: Fields an import sets from the file's columns (the manager is set in a second pass).
_IMPORTED_FIELDS = ("name", "department", "level", "site")


def people_export(*, actor: User, organisation: Organisation, fmt: str, request: HttpRequest | None = None) -> bytes:
    """The directory as a spreadsheet. Audited: it is a list of people's names and email addresses."""
    from actionset.core.access import Actor, visible

    listed = visible(Actor(actor), "people.view", Person.objects.filter(organisation=organisation))
    rows = list(people_io.directory_rows(listed.in_directory_order()))
    content = people_io.write_csv(rows) if fmt == "csv" else people_io.write_xlsx(rows)
    audit_record(
        actor=actor,
        action="people.exported",
        target=organisation,
        organisation=organisation,
        detail={"format": fmt, "people": len(rows)},
        request=request,
    )
    return content


def people_import(
    *, actor: User, organisation: Organisation, upload: IO[bytes], request: HttpRequest | None = None
) -> ImportResult:
    """Import a CSV or XLSX people directory: all of it, or, if any row is wrong, none of it.

    People are matched by email: new emails are added, known ones updated in place, and
    people missing from the file are left alone. A column the file lacks leaves that
    field as it is; a blank cell in a column it has clears the field.
    """
    filename = str(getattr(upload, "name", "") or "")
    parsed = people_io.read_people(upload, filename)
    if parsed.errors:
        return ImportResult(errors=parsed.errors)
    try:
        with transaction.atomic():
            # Serialise imports into one organisation, so two at once cannot both add the same email.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            existing = {
                p.email.lower(): p
                for p in Person.objects.filter(organisation=organisation).select_related("line_manager")
            }
            errors = people_io.validate_people(
                parsed,
                {email: (p.line_manager.email.lower() if p.line_manager else "") for email, p in existing.items()},
            )
            if errors:
                return ImportResult(errors=errors)
            result = _people_write(organisation=organisation, parsed=parsed, existing=existing)
            audit_record(
                actor=actor,
                action="people.imported",
                target=organisation,
                organisation=organisation,
                detail={
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "filename": filename,
                },
                request=request,
            )
    except IntegrityError:
        # Someone added one of these people by hand while the import ran; the transaction rolled back.
        return ImportResult(
            errors=[RowError(None, "", "The directory changed while the file was being imported. Please try again.")]
        )
    return result


def _people_write(
    *, organisation: Organisation, parsed: people_io.ParsedFile, existing: dict[str, Person]
) -> ImportResult:
    columns = parsed.columns
    fields = [f for f in _IMPORTED_FIELDS if f in columns]
    now = timezone.now()
    changed: dict[str, set[str]] = {}
    new: list[Person] = []
    by_email = dict(existing)

    # Pass 1: everyone's own details. Managers wait until every person exists.
    for row in parsed.rows:
        person = existing.get(row.email)
        if person is None:
            person = Person(organisation=organisation, email=row.email)
            new.append(person)
            by_email[row.email] = person
        elif person.email != row.email:
            person.email = row.email  # the same person, stored as the lowercase we compare by
            changed.setdefault(row.email, set()).add("email")
        for f in fields:
            value = row.value(f) or ""
            if getattr(person, f) != value:
                setattr(person, f, value)
                changed.setdefault(row.email, set()).add(f)
    Person.objects.bulk_create(new, batch_size=500)

    # Pass 2: line managers, now that every manager has a primary key.
    if "manager_email" in columns:
        for row in parsed.rows:
            person = by_email[row.email]
            manager = by_email[row.manager_email] if row.manager_email else None
            if person.line_manager_id != (manager.pk if manager else None):
                person.line_manager = manager
                changed.setdefault(row.email, set()).add("line_manager")

    created_emails = {p.email for p in new}
    for_update = [by_email[e] for e in changed if e not in created_emails]
    update_fields = sorted({f for e in changed if e not in created_emails for f in changed[e]})
    for person in for_update:
        person.updated_at = now  # bulk_update skips auto_now
    new_with_managers = [p for p in new if p.line_manager_id is not None]
    if for_update:
        Person.objects.bulk_update(for_update, [*update_fields, "updated_at"], batch_size=500)
    if new_with_managers:
        Person.objects.bulk_update(new_with_managers, ["line_manager"], batch_size=500)
    return ImportResult(
        created=len(new),
        updated=len(for_update),
        unchanged=len(parsed.rows) - len(new) - len(for_update),
        ignored_headings=parsed.ignored_headings,
    )
