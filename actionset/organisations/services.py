from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from actionset.accounts.models import User
from actionset.core.audit import audit_record
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole


def organisation_create(*, actor: User, name: str, sector: str = "", request: HttpRequest | None = None) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, sector=sector)
        audit_record(actor=actor, action="organisation.created", target=organisation, organisation=organisation, request=request)
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
                actor=actor, action="organisation.updated", target=organisation, detail={"fields": sorted(changed)}, request=request
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


def person_roles_set(
    *, actor: User, person: Person, roles: Iterable[str], request: HttpRequest | None = None
) -> None:
    wanted = set(roles)
    with transaction.atomic():
        current = set(person.roles.values_list("role", flat=True))
        if wanted == current:
            return
        person.roles.filter(role__in=current - wanted).delete()
        OrganisationRole.objects.bulk_create([OrganisationRole(person=person, role=r) for r in sorted(wanted - current)])
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
