"""Lists of shared learning that grow without bound (the themes page, the shared index) read a page at a time."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from actionset.learning.models import SharedItem, Theme
from actionset.learning.tests.factories import set_world
from actionset.programmes.models import Programme
from conftest import Cast


def test_themes_page_shows_fifty_items_a_page_and_counts_them_all(cast: Cast) -> None:
    world = set_world()
    now = timezone.now()
    items = SharedItem.objects.bulk_create(
        [
            SharedItem(
                learning_set=world.learning_set,
                meeting=world.meeting,
                kind=SharedItem.Kind.LESSON,
                text=f"Lesson number {n:02d}",
                author=world.members[0],
                status=SharedItem.Status.RELEASED,
                released_at=now - dt.timedelta(minutes=n),
            )
            for n in range(60)
        ]
    )
    theme = Theme.objects.create(name="Voice in decisions")
    for item in items[:3]:
        item.themes.add(theme)
    developer = cast.client("developer")

    every = developer.get(reverse("learning:themes"), {"show": "all"})
    html = every.content.decode()
    assert "All (60)" in html
    assert "Without a theme (57)" in html
    assert html.count('class="tag-block"') == 50
    assert "Lesson number 00" in html
    assert "Lesson number 59" not in html
    assert "Page 1 of 2" in html
    assert 'href="?show=all&amp;page=2"' in html
    summary = every.context["summaries"][0]
    assert (summary.name, summary.count, summary.programmes) == ("Voice in decisions", 3, 1)

    later = developer.get(reverse("learning:themes"), {"show": "all", "page": "2"}).content.decode()
    assert later.count('class="tag-block"') == 10
    assert "Lesson number 59" in later

    untagged = developer.get(reverse("learning:themes")).content.decode()
    assert "Lesson number 00" not in untagged
    assert "Lesson number 03" in untagged


def test_shared_index_lists_fifty_programmes_a_page(cast: Cast) -> None:
    now = timezone.now()
    Programme.objects.bulk_create(
        [
            Programme(organisation=cast.org_a, title=f"Programme {n:02d}", status="running", published_at=now)
            for n in range(51)
        ]
    )
    admin = cast.client("a_admin")
    first = admin.get(reverse("learning:shared_index")).content.decode()
    assert first.count("<tr><td>") == 50
    assert "Programme 00" in first
    assert "Page 1 of 2" in first
    second = admin.get(reverse("learning:shared_index"), {"page": "2"}).content.decode()
    assert second.count("<tr><td>") == 1
    assert "Programme 50" in second
