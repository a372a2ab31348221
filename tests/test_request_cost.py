"""What every signed-in page pays before its own work, and that what is kept to make it cheaper is never stale.

Every page reads the session, the login, the actor's roles (one query for staff and organisation roles together), the
provider's row (once, though the two-factor policy, the header and some pages all ask) and the navigation (one cache
read; built, with its queries, only when something it was built from changed). See docs/architecture.md, "What every
request costs".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.organisations.models import OrganisationRole, Provider, StaffRole
from actionset.organisations.services import provider_update
from actionset.training.tests.factories import BookingFactory
from conftest import Cast


def page_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def reading(queries: list[str], *tables: str) -> list[str]:
    return [sql for sql in queries if any(f'"{table}"' in sql for table in tables)]


def nav_labels(client: Client) -> list[str]:
    response = client.get(reverse("privacy:mine"))
    assert response.status_code == 200
    return [item.label for item in response.context["nav_items"]]


@pytest.mark.parametrize("role", ["a_participant", "facilitator", "a_sponsor"])
def test_a_signed_in_page_reads_roles_provider_and_navigation_once(cast: Cast, role: str) -> None:
    client = cast.client(role)
    url = reverse("privacy:mine")
    page_queries(client, url)  # builds and keeps the navigation
    queries = page_queries(client, url)
    assert len(reading(queries, "organisations_staffrole", "organisations_person")) == 1
    assert len(reading(queries, "organisations_provider")) == 1
    # The navigation comes from the cache: none of the apps' questions (a booking, an award) is asked again.
    assert reading(queries, "training_booking", "accreditation_portfolio", "accreditation_buddy") == []
    assert len(reading(queries, "actionset_cache")) == 1
    # And it stays so.
    assert len(page_queries(client, url)) == len(queries)


def test_a_staff_role_granted_or_taken_away_shows_at_the_next_page(cast: Cast) -> None:
    user = cast.users["trainer"]
    client = cast.client("trainer")
    assert "Themes" not in nav_labels(client)
    assert client.get(reverse("learning:themes")).status_code in (403, 404)
    StaffRole.objects.create(user=user, role=StaffRole.Role.DEVELOPER)
    assert "Themes" in nav_labels(client)
    assert client.get(reverse("learning:themes")).status_code == 200
    StaffRole.objects.filter(user=user, role=StaffRole.Role.DEVELOPER).delete()
    assert "Themes" not in nav_labels(client)
    assert client.get(reverse("learning:themes")).status_code in (403, 404)


def test_an_organisation_role_granted_or_taken_away_shows_at_the_next_page(cast: Cast) -> None:
    person = cast.people["a_participant"]
    client = cast.client("a_participant")
    assert "Shared learning" not in nav_labels(client)
    # A queryset's create and delete: the roles are read afresh each request, so no signal is needed.
    OrganisationRole.objects.bulk_create([OrganisationRole(person=person, role=OrganisationRole.Role.SPONSOR)])
    assert "Shared learning" in nav_labels(client)
    OrganisationRole.objects.filter(person=person, role=OrganisationRole.Role.SPONSOR).delete()
    assert "Shared learning" not in nav_labels(client)


def test_a_booking_offers_its_courses_at_the_next_page(cast: Cast) -> None:
    user = cast.users["a_participant"]
    client = cast.client("a_participant")
    assert "Your courses" not in nav_labels(client)
    booking = BookingFactory.create(user=user, email=user.email)
    assert "Your courses" in nav_labels(client)
    booking.delete()
    assert "Your courses" not in nav_labels(client)


def test_the_next_person_at_a_shared_computer_never_sees_the_previous_persons_navigation(cast: Cast) -> None:
    client = cast.client("administrator")
    before = nav_labels(client)
    assert "Audit log" in before
    client.post(reverse("account_logout"))
    client.force_login(cast.users["a_participant"])
    after = nav_labels(client)
    assert "Audit log" not in after
    assert after == nav_labels(cast.client("a_participant"))


def test_the_providers_name_shows_at_the_next_page_and_a_form_never_changes_the_kept_row(cast: Cast) -> None:
    client = cast.client("a_participant")
    assert b"Old Name Ltd" not in client.get(reverse("privacy:mine")).content
    provider_update(actor=None, data={"name": "Old Name Ltd"})
    assert b"Old Name Ltd" in client.get(reverse("privacy:mine")).content
    # The staff form writes into the provider it is given before the service decides to save (issue: a shared row
    # would make the service see nothing to change).
    admin = cast.client("administrator")
    response = admin.post(reverse("staff:two_factor"), {"require_two_factor_for_staff": "on"})
    assert response.status_code == 302
    assert Provider.current().require_two_factor_for_staff


def test_outside_a_request_every_call_reads_the_row(cast: Any) -> None:
    first = Provider.current()
    Provider.objects.filter(pk=first.pk).update(name="Renamed behind its back")
    assert Provider.current().name == "Renamed behind its back"
