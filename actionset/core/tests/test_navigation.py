"""The main navigation is built only for pages that show it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from actionset.core import extensions
from conftest import Cast


@pytest.fixture
def nav_asked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    asked: list[Any] = []
    build = extensions.nav_items

    def counted(actor: Any) -> list[extensions.NavItem]:
        asked.append(actor)
        return build(actor)

    monkeypatch.setattr(extensions, "nav_items", counted)
    return asked


def test_a_fragment_asks_no_app_for_navigation_entries(cast: Cast, nav_asked: list[Any]) -> None:
    response = cast.client("a_participant").get(reverse("coach:practice"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<nav" not in response.content
    assert nav_asked == []


def test_a_page_shows_the_entries_the_apps_give(cast: Cast, nav_asked: list[Any]) -> None:
    response = cast.client("designer").get(reverse("coach:practice"))
    assert response.status_code == 200
    assert len(nav_asked) == 1
    entries = extensions.nav_items(nav_asked[0])
    assert entries
    for entry in entries:
        assert f'href="{entry.url}"'.encode() in response.content
