from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionset.accounts.models import Invitation, User
from actionset.accounts.sessions import sessions_end
from actionset.core import spreadsheets
from actionset.core.access import ADMINISTRATOR, Actor, visible
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.organisations import people_io
from actionset.organisations.figures import FIGURES
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider, StaffRole
from actionset.organisations.people_io import RowError
from actionset.organisations.rules import roles_changed


def organisation_create(
    *, actor: User, name: str, sector: str = "", request: HttpRequest | None = None
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, sector=sector)
        audit_record(
            actor=actor,
            action=AuditAction.ORGANISATION_CREATED,
            target=organisation,
            organisation=organisation,
            request=request,
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
                action=AuditAction.ORGANISATION_UPDATED,
                target=organisation,
                detail={"fields": sorted(changed)},
                request=request,
            )
    return organisation


def provider_update(*, actor: User | None, data: dict[str, Any], request: HttpRequest | None = None) -> Provider:
    """Change the provider's own details (its name and contact address): in the Django admin, or by `bootstrap`."""
    with transaction.atomic():
        provider = Provider.current()
        changed = {k: v for k, v in data.items() if getattr(provider, k) != v}
        for field_name, value in changed.items():
            setattr(provider, field_name, value)
        if changed:
            provider.save(update_fields=list(changed))
            audit_record(
                actor=actor,
                action=AuditAction.PROVIDER_UPDATED,
                target=provider,
                detail={"fields": sorted(changed)},
                request=request,
            )
    return provider


def person_save(
    *,
    actor: User,
    organisation: Organisation,
    data: dict[str, Any],
    person: Person | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Create or update one directory entry. The form has already checked the manager is valid.

    The directory's address is the organisation's record of the person. Once they have a login, it is not how they
    sign in or where their mail goes: changing it here leaves their login exactly as it was.
    """
    with transaction.atomic():
        creating = person is None
        if person is None:
            person = Person(organisation=organisation)
        before = person.email
        changed = sorted(k for k, v in data.items() if getattr(person, k, None) != v)
        for field, value in data.items():
            setattr(person, field, value)
        person.email = person.email.strip().lower()
        person.save()
        detail: dict[str, Any] = {"fields": changed}
        if not creating and person.email != before:
            # An address is what invitations are sent to: who changed it, from what, is worth keeping.
            detail["email"] = {"before": before, "after": person.email}
            if person.user_id is None and before:
                # Someone without a login is known only by this address, so whoever keeps the directory could point
                # their invitation elsewhere. The old address is told, so the person hears of it and can say so.
                _directory_address_change_notify(actor=actor, person=person, old_email=before)
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_CREATED if creating else AuditAction.PERSON_UPDATED,
            target=person,
            organisation=organisation,
            detail=detail,
            request=request,
        )
    return person


def _directory_address_change_notify(*, actor: User, person: Person, old_email: str) -> None:
    context = {
        "person": person,
        "organisation": person.organisation,
        "by": actor.get_full_name() or actor.email,
        "new_email": person.email,
    }
    transaction.on_commit(lambda: email_send(to=[old_email], template="directory_address_changed", context=context))


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
        roles_changed()
        audit_record(
            actor=actor,
            action=AuditAction.ROLES_CHANGED,
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
        roles_changed()
        FIGURES.changed()  # the provider's staff, counted on staff home pages
        audit_record(
            actor=actor,
            action=AuditAction.STAFF_ROLES_CHANGED,
            target=user,
            detail={"before": sorted(current), "after": sorted(wanted)},
            request=request,
        )


def provider_two_factor_set(*, actor: User, required: bool, request: HttpRequest | None = None) -> Provider:
    """Require (or stop requiring) two-factor authentication of every member of staff."""
    with transaction.atomic():
        provider = Provider.current()
        before = provider.require_two_factor_for_staff
        if before != required:
            provider.require_two_factor_for_staff = required
            provider.save(update_fields=["require_two_factor_for_staff"])
            audit_record(
                actor=actor,
                action=AuditAction.PROVIDER_TWO_FACTOR_POLICY_CHANGED,
                target=provider,
                detail={"before": before, "after": required},
                request=request,
            )
    return provider


def organisation_two_factor_set(
    *, actor: User, organisation: Organisation, required: bool, request: HttpRequest | None = None
) -> Organisation:
    """Require (or stop requiring) two-factor authentication of an organisation's admins and sponsors."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = organisation.require_two_factor_for_admins_and_sponsors
        if before != required:
            organisation.require_two_factor_for_admins_and_sponsors = required
            organisation.save(update_fields=["require_two_factor_for_admins_and_sponsors", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.ORGANISATION_TWO_FACTOR_POLICY_CHANGED,
                target=organisation,
                organisation=organisation,
                detail={"before": before, "after": required},
                request=request,
            )
    return organisation


class AccessChangeRefused(Exception):
    """A deactivation or reactivation the guard rails do not allow; the message says why, for the person asking."""


def account_change_refusal(*, actor: User, user: User, organisation: Organisation | None = None) -> str | None:
    """Why `actor` may not deactivate or reactivate `user`'s login, or None when they may.

    The view's access rule has already decided that `actor` looks after sign-in where they ask: a provider
    administrator anywhere, an organisation admin in `organisation`. These are the guard rails on top of it.
    """
    if user.pk == actor.pk:
        return _("You cannot deactivate or reactivate your own login.")
    actor_is_administrator = StaffRole.objects.filter(user=actor, role=ADMINISTRATOR).exists()
    if organisation is not None and not actor_is_administrator:
        # An organisation admin answers for their own organisation's people, and for nobody else's.
        if StaffRole.objects.filter(user=user).exists():
            return _(
                "%(name)s is a member of the provider's staff: only the provider's administrators can do this."
            ) % {"name": user}
        if Person.objects.filter(user=user).exclude(organisation=organisation).exists():
            return _(
                "%(name)s also signs in to another organisation's action learning with this login: "
                "ask the provider's administrators."
            ) % {"name": user}
    if user.is_active and _is_last_active_administrator(user):
        return _("%(name)s is the last active provider administrator. Make someone else an administrator first.") % {
            "name": user
        }
    return None


def _is_last_active_administrator(user: User) -> bool:
    administrators = User.objects.filter(is_active=True, staff_roles__role=ADMINISTRATOR)
    return administrators.filter(pk=user.pk).exists() and not administrators.exclude(pk=user.pk).exists()


def account_deactivate(
    *, actor: User, user: User, organisation: Organisation | None = None, request: HttpRequest | None = None
) -> None:
    """Turn a login off: it can no longer sign in, every session it has ends now, its pending invitations are
    revoked, and the person is told by email. Their directory entries, roles and history stay as they are."""
    with transaction.atomic():
        # Lock the active administrators first, so that two administrators deactivating each other at the same
        # moment cannot leave the provider with none.
        list(
            User.objects.select_for_update(of=("self",))
            .filter(is_active=True, staff_roles__role=ADMINISTRATOR)
            .values_list("pk", flat=True)
        )
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = account_change_refusal(actor=actor, user=user, organisation=organisation)
        if refusal:
            raise AccessChangeRefused(refusal)
        if not user.is_active:
            return
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = (
            Invitation.objects.pending()
            .filter(Q(email__iexact=user.email) | Q(person__user=user))
            .update(revoked_at=timezone.now())
        )
        FIGURES.changed()  # invitations awaiting a reply, counted on staff home pages
        ended = sessions_end(user=user)
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_DEACTIVATED,
            target=user,
            organisation=organisation,
            detail={"sessions_ended": ended, "invitations_revoked": revoked},
            request=request,
        )
        context = {"person": user, "by": actor, "organisation": organisation}
        transaction.on_commit(lambda: email_send(to=[user.email], template="account_deactivated", context=context))


def account_reactivate(
    *, actor: User, user: User, organisation: Organisation | None = None, request: HttpRequest | None = None
) -> None:
    """Let a deactivated login sign in again (with its password and second factor as before), and tell them."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = account_change_refusal(actor=actor, user=user, organisation=organisation)
        if refusal:
            raise AccessChangeRefused(refusal)
        if user.is_active:
            return
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor, action=AuditAction.ACCOUNT_REACTIVATED, target=user, organisation=organisation, request=request
        )
        context = {
            "person": user,
            "by": actor,
            "organisation": organisation,
            "link": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        }
        transaction.on_commit(lambda: email_send(to=[user.email], template="account_reactivated", context=context))


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
    listed = visible(Actor(actor), "people.view", Person.objects.filter(organisation=organisation))
    names = organisation.attribute_names
    ordered = listed.order_by(Lower("name")).values_list(*people_io.DIRECTORY_VALUES)  # as the directory page
    rows = list(people_io.directory_rows(ordered, names))
    content = people_io.write_csv(rows, names) if fmt == "csv" else people_io.write_xlsx(rows, names)
    audit_record(
        actor=actor,
        action=AuditAction.PEOPLE_EXPORTED,
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
    parsed = people_io.read_people(upload, filename, organisation.attribute_names)
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
                action=AuditAction.PEOPLE_IMPORTED,
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
        if row.attributes:
            # A blank cell clears the attribute, as it does a built-in column; a column the file lacks is left alone.
            attributes = dict(person.attributes or {})
            for key, value in row.attributes.items():
                name = key.removeprefix(people_io.ATTRIBUTE_PREFIX)
                if value.strip():
                    attributes[name] = value.strip()
                else:
                    attributes.pop(name, None)
            if attributes != (person.attributes or {}):
                person.attributes = attributes
                changed.setdefault(row.email, set()).add("attributes")
    Person.objects.bulk_create(new, batch_size=500)
    roles_changed()  # a directory entry is a membership, and bulk_create sends no signal
    FIGURES.changed()  # nor are the directories' counts counted again without one

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


#: How many attributes of its own an organisation may keep: enough for profession, tenure, location and a few more,
#: few enough that composition still weighs each.
MAX_OWN_ATTRIBUTES = 6


class AttributesRefused(ValueError):
    pass


def organisation_attributes_set(
    *, actor: User, organisation: Organisation, names: list[str], request: HttpRequest | None = None
) -> Organisation:
    """Set what else an organisation records about its people. A name taken away takes its values with it."""
    cleaned: list[str] = []
    seen: set[str] = set()
    built_in = set(people_io.HEADING_ALIASES)
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        key = spreadsheets.normalise_heading(name)
        if len(name) > 40:
            raise AttributesRefused(_("“%(name)s” is too long: at most 40 characters.") % {"name": name})
        if key in built_in:
            raise AttributesRefused(_("“%(name)s” is already a column of the directory.") % {"name": name})
        if key in seen:
            raise AttributesRefused(_("“%(name)s” is there twice.") % {"name": name})
        seen.add(key)
        cleaned.append(name)
    if len(cleaned) > MAX_OWN_ATTRIBUTES:
        raise AttributesRefused(
            _("At most %(count)d attributes of your own: choose those that matter most for mixing sets.")
            % {"count": MAX_OWN_ATTRIBUTES}
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = list(organisation.attribute_names)
        if before == cleaned:
            return organisation
        removed = set(before) - set(cleaned)
        if removed:
            holders = [
                p
                for p in Person.objects.filter(organisation=organisation).exclude(attributes={})
                if set(p.attributes) & removed
            ]
            for person in holders:
                person.attributes = {k: v for k, v in person.attributes.items() if k not in removed}
            Person.objects.bulk_update(holders, ["attributes"], batch_size=500)
        organisation.attribute_names = cleaned
        organisation.save(update_fields=["attribute_names", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ORGANISATION_ATTRIBUTES_CHANGED,
            target=organisation,
            organisation=organisation,
            detail={"before": before, "after": cleaned},
            request=request,
        )
    return organisation
