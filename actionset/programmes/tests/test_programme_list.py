"""The programme list: grouped by stage, fifty programmes a page."""

from __future__ import annotations

from django.urls import reverse

from actionset.programmes.models import Programme
from conftest import Cast


def test_the_programme_list_pages_through_many_programmes_stage_by_stage(cast: Cast) -> None:
    Programme.objects.bulk_create(
        [Programme(organisation=cast.org_a, title=f"Running {n:02d}", status="running") for n in range(45)]
        + [Programme(organisation=cast.org_a, title=f"Draft {n:02d}", status="draft") for n in range(10)]
    )
    client = cast.client("designer")
    first = client.get(reverse("programmes:list"))
    html = first.content.decode()
    assert "Page 1 of 2" in html
    groups = dict(first.context["groups"])
    # Stages come in their own order, so every draft is on the first page before any running programme.
    assert len(groups["Draft"]) == 10
    assert len(groups["Running"]) == 40
    second = dict(client.get(reverse("programmes:list"), {"page": "2"}).context["groups"])
    assert len(second["Running"]) == 5
    assert second["Draft"] == []
