"""The counts staff pages show of every client's directory: counted once for each change, never stale after one."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.accounts.services import invitation_send
from actionset.organisations.models import Person
from actionset.organisations.services import account_deactivate, people_import, staff_roles_set
from actionset.organisations.tests.test_people_import import HEADER, csv_upload
from conftest import Cast
from tests.factories import PersonFactory, UserFactory


def glance(cast: Cast) -> dict[str, int]:
    """The provider at a glance, as the administrator's home page shows it."""
    html = cast.client("administrator").get(reverse("core:home")).content.decode()
    panel = html[html.index('id="provider-glance"') : html.index("</section>", html.index('id="provider-glance"'))]
    figures = re.findall(r'<div class="stat">(\d+)</div><div class="stat-label">([^<]+)</div>', panel)
    return {label: int(value) for value, label in figures}


def clients(cast: Cast) -> dict[str, tuple[int, int]]:
    """Each client's people and people with a login, as the administrator's home page lists them."""
    html = cast.client("administrator").get(reverse("core:home")).content.decode()
    panel = html[html.index('id="clients"') :]
    rows = re.findall(
        r'>([^<]+)</a>(?:[^<]|<span[^>]*>[^<]*</span>)*</td><td class="num">(\d+)</td><td class="num">(\d+)', panel
    )
    return {name: (int(people), int(with_login)) for name, people, with_login in rows}


def test_the_figures_follow_every_change_at_the_next_page(cast: Cast) -> None:
    before = glance(cast)
    assert before["people in directories"] == Person.objects.count()
    assert clients(cast)["Southfield Test"] == (
        Person.objects.filter(organisation=cast.org_b).count(),
        Person.objects.filter(organisation=cast.org_b, user__isnull=False).count(),
    )

    # A directory entry added one at a time (a signal), and many at once by an import (none: the service says so).
    PersonFactory.create(organisation=cast.org_b, email="new@org.test")
    assert glance(cast)["people in directories"] == before["people in directories"] + 1
    people_import(
        actor=cast.users["administrator"], organisation=cast.org_b, upload=csv_upload(HEADER + "A,a@org.test,D,,,\n")
    )
    assert glance(cast)["people in directories"] == before["people in directories"] + 2

    # A login deleted: its directory entry loses the link without a signal of its own.
    login_of_b = Person.objects.filter(organisation=cast.org_b, user__isnull=False).first()
    assert login_of_b is not None
    assert login_of_b.user is not None
    people_b, with_login_b = clients(cast)["Southfield Test"]
    login_of_b.user.delete()
    assert clients(cast)["Southfield Test"] == (people_b, with_login_b - 1)

    # Invitations: sent (a signal), then revoked in bulk when the login is turned off (the service says so).
    invitee = UserFactory.create(email="invitee@provider.test")
    invitation_send(invited_by=cast.users["administrator"], email=invitee.email, staff_roles=["facilitator"])
    assert glance(cast)["invitations awaiting reply"] == before["invitations awaiting reply"] + 1
    account_deactivate(actor=cast.users["administrator"], user=invitee)
    assert glance(cast)["invitations awaiting reply"] == before["invitations awaiting reply"]

    # Staff roles given in bulk by the service.
    staff_roles_set(actor=cast.users["administrator"], user=invitee, roles=["trainer"])
    assert glance(cast)["provider staff"] == before["provider staff"] + 1


def test_unchanged_figures_are_not_counted_again(cast: Cast) -> None:
    client = cast.client("administrator")
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("core:home"))
    assert again.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "organisations_person" in sql], counts


def test_each_login_gets_the_figures_it_may_see(cast: Cast) -> None:
    # The organisation admin of Northwind sees its own directory's count on the organisations list, a staff member
    # every client's: the counts are kept per organisation, the list of organisations is each one's own.
    cast.client("administrator").get(reverse("organisations:list"))
    shown = cast.client("a_admin").get(reverse("organisations:list"))
    names = [org.name for org in shown.context["organisations"]]
    assert names == ["Northwind Test"]
    assert shown.context["organisations"][0].people_count == Person.objects.filter(organisation=cast.org_a).count()


def test_an_organisation_s_page_shows_its_directory_as_it_is_now(cast: Cast) -> None:
    url = reverse("organisations:detail", kwargs={"organisation": cast.org_b.public_id})

    def stats(role: str) -> dict[str, int]:
        response = cast.client(role).get(url)
        assert response.status_code == 200
        return dict(response.context["stats"])

    before = stats("administrator")
    assert before == {
        "total": Person.objects.filter(organisation=cast.org_b).count(),
        "with_login": Person.objects.filter(organisation=cast.org_b, user__isnull=False).count(),
        "departments": 1,
        "sites": 1,
    }
    PersonFactory.create(organisation=cast.org_b, email="elsewhere@org.test", department="Finance", site="Leeds")
    after = stats("designer")
    assert after == {**before, "total": before["total"] + 1, "departments": 2, "sites": 2}
    person = Person.objects.get(email="elsewhere@org.test")
    person.department = "Operations"
    person.save()
    assert stats("administrator")["departments"] == 1
