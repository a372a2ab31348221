from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from actionset.core.access import RULES, AccessMiddleware, Actor, can
from actionset.core.admin import admin_site
from conftest import Cast


def test_a_view_without_an_access_rule_is_refused() -> None:
    from django.core.exceptions import PermissionDenied

    def undeclared(request):
        return HttpResponse("secret")

    undeclared.__module__ = "actionset.somewhere"
    middleware = AccessMiddleware(lambda r: HttpResponse())
    request = RequestFactory().get("/")
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})


def test_every_rule_describes_itself() -> None:
    assert all(rule.description for rule in RULES.values())


def test_an_unknown_rule_name_fails_loudly() -> None:
    with pytest.raises(LookupError):
        can(Actor(None), "no.such.rule")


def test_roles_are_scoped_to_their_organisation(cast: Cast) -> None:
    admin_of_a = Actor(cast.users["a_admin"])
    assert can(admin_of_a, "people.manage", cast.org_a)
    assert not can(admin_of_a, "people.manage", cast.org_b)


def test_a_person_may_hold_several_staff_roles(cast: Cast) -> None:
    from actionset.organisations.models import StaffRole

    StaffRole.objects.create(user=cast.users["trainer"], role="designer")
    actor = Actor(cast.users["trainer"])
    assert actor.staff_roles == {"trainer", "designer"}
    assert can(actor, "organisations.create")


def test_the_admin_registers_only_non_confidential_models() -> None:
    # Adding a model here is a confidentiality decision: set and personal content must never appear.
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin_site._registry}
    assert registered == {
        "core.auditevent",
        "accounts.user",
        "accounts.invitation",
        "organisations.provider",
        "organisations.organisation",
        "organisations.person",
    }
    # Inlines show related rows on those pages: roles, read-only there as everything else is.
    inlines = {
        f"{i.model._meta.app_label}.{i.model._meta.model_name}"
        for a in admin_site._registry.values()
        for i in a.inlines
    }
    assert inlines == {"organisations.staffrole", "organisations.organisationrole"}
