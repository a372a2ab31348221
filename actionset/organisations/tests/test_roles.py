from __future__ import annotations

from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.organisations.models import StaffRole
from conftest import Cast


def test_an_organisation_admin_changes_a_persons_roles_and_it_is_audited(cast: Cast) -> None:
    person = cast.people["a_participant"]
    url = reverse(
        "organisations:person_roles", kwargs={"organisation": cast.org_a.public_id, "person": person.public_id}
    )
    cast.client("a_admin").post(url, {"roles": ["participant", "sponsor"]})
    assert set(person.roles.values_list("role", flat=True)) == {"participant", "sponsor"}
    event = AuditEvent.objects.get(action="roles.changed")
    assert event.detail == {"before": ["participant"], "after": ["participant", "sponsor"]}
    assert event.actor == cast.users["a_admin"]


def test_an_administrator_changes_staff_roles_and_it_is_audited(cast: Cast) -> None:
    designer = cast.users["designer"]
    cast.client("administrator").post(
        reverse("staff:roles", kwargs={"user": designer.public_id}), {"roles": ["designer", "facilitator"]}
    )
    assert set(StaffRole.objects.filter(user=designer).values_list("role", flat=True)) == {"designer", "facilitator"}
    assert AuditEvent.objects.filter(action="staff_roles.changed", target_id=str(designer.public_id)).exists()


def test_an_administrator_cannot_remove_their_own_administrator_role(cast: Cast) -> None:
    admin = cast.users["administrator"]
    cast.client("administrator").post(reverse("staff:roles", kwargs={"user": admin.public_id}), {"roles": ["designer"]})
    assert StaffRole.objects.filter(user=admin, role="administrator").exists()


def test_a_person_cannot_be_made_their_own_managers_manager(cast: Cast) -> None:
    a = cast.people["a_admin"]
    b = cast.people["a_participant"]
    b.line_manager = a
    b.save()
    url = reverse("organisations:person", kwargs={"organisation": cast.org_a.public_id, "person": a.public_id})
    response = cast.client("a_admin").post(
        url, {"name": a.name, "email": a.email, "department": "", "level": "", "site": "", "line_manager": b.email}
    )
    assert response.status_code == 200
    assert b"cannot be their manager" in response.content
    a.refresh_from_db()
    assert a.line_manager is None


def test_the_line_manager_choices_offer_only_people_of_the_same_organisation(cast: Cast) -> None:
    url = reverse("organisations:person_new", kwargs={"organisation": cast.org_a.public_id})
    response = cast.client("a_admin").post(
        url, {"name": "X", "email": "x@org.test", "line_manager": cast.people["b_participant"].email}
    )
    assert response.status_code == 200
    assert "No one in this directory has the address" in response.content.decode()
