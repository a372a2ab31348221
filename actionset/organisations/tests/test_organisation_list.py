"""The organisations list: a page at a time, each organisation with its directory's size."""

from __future__ import annotations

from django.urls import reverse

from actionset.organisations.models import Organisation, Person
from conftest import Cast
from tests.factories import PersonFactory


def test_the_list_counts_each_directory_and_pages_through_many_organisations(cast: Cast) -> None:
    for n in range(3):
        PersonFactory.create(organisation=cast.org_b, email=f"b{n}@org.test")
    Organisation.objects.bulk_create([Organisation(name=f"Zeta client {n:02d}") for n in range(60)])
    client = cast.client("administrator")

    first = client.get(reverse("organisations:list"))
    assert first.status_code == 200
    page = first.context["page"]
    assert len(page.object_list) == 50
    counts = {org.name: org.people_count for org in page.object_list}
    assert counts["Northwind Test"] == Person.objects.filter(organisation=cast.org_a).count()
    assert counts["Southfield Test"] == Person.objects.filter(organisation=cast.org_b).count() == 4
    html = first.content.decode()
    assert 'href="?page=2"' in html
    assert "Page 1 of 2" in html

    second = client.get(reverse("organisations:list"), {"page": 2})
    names = [org.name for org in second.context["page"].object_list]
    assert names[-1] == "Zeta client 59"
    assert "Northwind Test" not in names
    assert 'href="?page=1"' in second.content.decode()


def test_the_staff_home_shows_the_first_clients_and_links_to_them_all(cast: Cast) -> None:
    Organisation.objects.bulk_create([Organisation(name=f"Zeta client {n:02d}") for n in range(12)])
    PersonFactory.create(organisation=cast.org_b, email="b@org.test", user=cast.users["trainer"])
    home = cast.client("administrator").get(reverse("core:home")).content.decode()
    panel = home[home.index('id="clients"') :]
    assert panel.count("<tr><td>") == 10
    assert "Northwind Test" in panel
    assert "Zeta client 07" in panel
    assert "Zeta client 08" not in panel
    assert "All 14 organisations" in panel
