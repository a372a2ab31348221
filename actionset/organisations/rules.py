"""Who may see and do what with organisations, their people and the provider's staff (see actionset.core.access).

The predicates about organisations live here, beside the rules built from them, and other apps build on them:
`in_organisation` for people of an object's organisation, and the groups every organisation-scoped rule uses
(`knows_organisation`, `oversees`, `designs`). This app also tells the access framework where an actor's roles are
stored (`RoleSource`), since it keeps them.

Sign-in to an organisation's account (its two-factor policy, turning its people's logins off and on) is decided by its
own admins and by the provider's administrators; nobody else at the provider, and no sponsor or participant.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import IntegerField, Value

from actionset.core.access import (
    ADMINISTRATOR,
    DESIGNER,
    DEVELOPER,
    ORG_ADMIN,
    SPONSOR,
    Actor,
    Predicate,
    Rule,
    Where,
    actor_is,
    among,
    either,
    parent_of,
    register_role_source,
    register_rules,
    signed_in,
    staff,
)
from actionset.core.request_memo import for_login, forget_on_change
from actionset.organisations.models import Organisation, OrganisationRole, Person, StaffRole


class StoredRoles:
    """The actor's roles as this app stores them: staff roles at the provider, and roles per organisation."""

    def roles(self, user: AbstractBaseUser) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
        # Read once a request for each login: the request's own actor reads them, and so does each `Actor` a service
        # or selector makes for the same login (a home page made three).
        return for_login(ROLES_KEPT, user.pk, lambda: self._read(user))

    def _read(self, user: AbstractBaseUser) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
        # One query for both kinds: a staff role comes back with no organisation, a directory entry with its
        # organisation and each of its roles (or none, for membership without a role).
        # (The models' default orderings are dropped: SQLite allows no ORDER BY inside a UNION's parts.)
        staff = (
            StaffRole.objects.filter(user=user.pk)
            .order_by()
            .values_list(Value(None, output_field=IntegerField()), "role")
        )
        people = Person.objects.filter(user=user.pk).order_by().values_list("organisation_id", "roles__role")
        staff_roles: set[str] = set()
        organisation_roles: dict[int, set[str]] = {}
        for org_id, role in staff.union(people, all=True):
            if org_id is None:
                staff_roles.add(role)
                continue
            organisation_roles.setdefault(org_id, set())
            if role:
                organisation_roles[org_id].add(role)
        return frozenset(staff_roles), {k: frozenset(v) for k, v in organisation_roles.items()}


register_role_source(StoredRoles())

#: The roles read in a request are kept under this name (core/request_memo.py).
ROLES_KEPT = "organisations:roles"
#: The rest of this request reads roles again: on every save and delete of what they are read from, and called by
#: services that add roles in bulk (which sends no signal).
roles_changed = forget_on_change(ROLES_KEPT, StaffRole, OrganisationRole, Person)


def organisation_of(target: Any) -> Organisation:
    """The organisation an object belongs to, following its parents (meeting → set → programme → organisation)."""
    organisation: Organisation = parent_of(target, Organisation)
    return organisation


def in_organisation(*roles: str) -> Predicate:
    """People of the target's organisation holding any of `roles` (any member when none are named)."""

    def test(actor: Actor, target: Any) -> bool:
        organisation = organisation_of(target)
        return actor.has_organisation_role(organisation, *roles) if roles else actor.belongs_to(organisation)

    def where(actor: Actor, model: type[models.Model]) -> Where:
        held = [org for org, had in actor.organisation_roles.items() if not roles or had.intersection(roles)]
        return among(model, Organisation, held) if held else False

    return Predicate(f"in_organisation({', '.join(roles)})", test, where)


#: Anyone at the provider or in the organisation may know an organisation exists.
knows_organisation = either(staff(), in_organisation())
maintains_directory = either(staff(ADMINISTRATOR, DESIGNER), in_organisation(ORG_ADMIN))
designs = staff(ADMINISTRATOR, DESIGNER)
#: Who may see an organisation, its programmes and their results: provider staff, its admins and sponsors.
oversees = either(staff(), in_organisation(ORG_ADMIN, SPONSOR))
#: An admin or sponsor somewhere: enough to be shown a list, which `visible` then narrows to their organisations.
admin_or_sponsor_anywhere = actor_is(
    "an organisation's admin or sponsor", lambda a: a.has_any_organisation_role(ORG_ADMIN, SPONSOR)
)
_keeps_sign_in = either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN))

register_rules(
    {
        "provider.staff": Rule("Manage provider staff and their roles", staff(), staff(ADMINISTRATOR)),
        "organisations.list": Rule(
            "List the organisations one may see (organisation.view)",
            signed_in,
            either(staff(), admin_or_sponsor_anywhere),
        ),
        "organisations.create": Rule("Add a client organisation", staff(), designs),
        "organisation.view": Rule("See an organisation's overview", knows_organisation, oversees),
        "organisation.edit": Rule("Edit an organisation's details", knows_organisation, designs),
        "people.view": Rule(
            "Read and export an organisation's people directory",
            knows_organisation,
            either(staff(ADMINISTRATOR, DESIGNER, DEVELOPER), in_organisation(ORG_ADMIN)),
        ),
        "people.manage": Rule(
            "Add, edit, import and invite people in an organisation's directory",
            knows_organisation,
            maintains_directory,
        ),
        "people.roles": Rule(
            "Change a person's organisation roles",
            knows_organisation,
            either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN)),
        ),
        "organisation.two_factor": Rule(
            "Require two-factor authentication of an organisation's admins and sponsors, and see who has it",
            knows_organisation,
            _keeps_sign_in,
        ),
        "people.deactivate": Rule(
            "Deactivate and reactivate the login of a person in an organisation's directory",
            knows_organisation,
            _keeps_sign_in,
        ),
    }
)
