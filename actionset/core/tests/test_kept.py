"""What is read from many rows, kept in the shared cache until a row it was read from changes (core/kept.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from actionset.core.access import Actor
from actionset.core.kept import Kept, actor_key

KEPT = Kept("tests-kept")
KEPT.read_from(Group)
KEPT.deleted_from(Permission)


@pytest.mark.django_db
def test_a_value_is_built_once_and_again_after_a_row_it_was_read_from_changes() -> None:
    builds: list[int] = []

    def count() -> int:
        builds.append(1)
        return Group.objects.count()

    assert KEPT.get("groups", count) == 0
    assert KEPT.get("groups", count) == 0
    assert len(builds) == 1
    group = Group.objects.create(name="one")  # a signal: counted afresh
    assert KEPT.get("groups", count) == 1
    group.name = "renamed"
    group.save()
    KEPT.get("groups", count)
    group.delete()
    assert KEPT.get("groups", count) == 0
    assert len(builds) == 4
    # Without a signal nothing is known until whoever changed the rows says so.
    Group.objects.bulk_create([Group(name="a"), Group(name="b")])
    assert KEPT.get("groups", count) == 0
    KEPT.changed()
    assert KEPT.get("groups", count) == 2


@pytest.mark.django_db
def test_each_key_is_kept_apart() -> None:
    assert KEPT.get("a", lambda: "for a") == "for a"
    assert KEPT.get("b", lambda: "for b") == "for b"
    assert KEPT.get("a", lambda: "built again") == "for a"


@pytest.mark.django_db
def test_a_change_while_a_value_is_built_makes_that_value_stale_at_once() -> None:
    def build_during_a_change() -> str:
        Group.objects.create(name="made meanwhile")
        return "built from the rows before"

    assert KEPT.get("raced", build_during_a_change) == "built from the rows before"
    assert KEPT.get("raced", lambda: "built afresh") == "built afresh"


@pytest.mark.django_db
def test_a_model_watched_for_deletions_only_is_not_counted_afresh_on_a_save() -> None:
    permission = Permission.objects.first()
    assert permission is not None
    KEPT.get("permissions", lambda: "first")
    permission.name = "renamed"
    permission.save()
    assert KEPT.get("permissions", lambda: "second") == "first"
    permission.delete()
    assert KEPT.get("permissions", lambda: "third") == "third"


@pytest.mark.django_db
def test_a_lost_generation_keeps_nothing_from_before() -> None:
    KEPT.get("lost", lambda: "old")
    cache.delete("tests-kept:generation")  # evicted, or the cache restarted
    assert KEPT.get("lost", lambda: "new") == "new"


def test_a_login_s_key_is_its_own_and_changes_with_its_roles() -> None:
    def actor(pk: int, staff: set[str], organisations: dict[int, set[str]] | None = None) -> Actor:
        # Only what the key is made of (core's tests make no app's rows).
        return cast(
            Actor,
            SimpleNamespace(
                user=SimpleNamespace(pk=pk),
                staff_roles=frozenset(staff),
                organisation_roles={org: frozenset(r) for org, r in (organisations or {}).items()},
            ),
        )

    before = actor_key(actor(1, {"facilitator"}))
    assert actor_key(actor(1, {"facilitator"})) == before
    assert actor_key(actor(2, {"facilitator"})) != before  # the same roles, another person
    assert actor_key(actor(1, {"facilitator", "trainer"})) != before
    assert actor_key(actor(1, {"facilitator"}, {7: {"sponsor"}})) != before
    assert actor_key(actor(1, {"facilitator"}), "en-gb") != before
