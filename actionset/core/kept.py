"""What is read from many rows, kept in the shared cache until a row it was read from changes.

Some things a page shows cost far more to read than to keep: the navigation's entries (an award or a booking to offer
a tab for), the provider's figures at a glance (every person of every client counted). `Kept` keeps them in the
shared cache, each under a key its caller makes, beside a *generation*: saving or deleting a row of any model it is
`read_from` makes a new generation (at once, and again when the transaction commits, so that a value built from the
old rows meanwhile is not kept), and everything kept under an older one is built afresh when next asked for. What
changes rows without a model's signals (bulk creation, a queryset's `update()`) calls `changed()` itself; whatever is
missed that way still shows within `seconds`.

A value is stored with the generation read *before* it was built: a change committed while it was being built makes
it stale at once. The caller's key decides who may share a value. Make it from everything the value depends on
besides the rows: the login, when what one may see differs from person to person.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

if TYPE_CHECKING:
    from actionset.core.access import Actor

T = TypeVar("T")


def actor_key(actor: Actor, *more: object) -> str:
    """A key for what one login may see: their login's id, so that nobody else's value is ever theirs (the next
    person at a shared computer included), and a digest of their roles (and of `more`), read afresh every request,
    so that a role granted or taken away is a new key with nothing to invalidate."""
    roles = (sorted(actor.staff_roles), sorted((org, sorted(r)) for org, r in actor.organisation_roles.items()))
    held = repr((roles, *more)).encode()
    return f"{actor.user.pk}:{hashlib.sha256(held).hexdigest()[:32]}"


class Kept:
    def __init__(self, name: str, *, seconds: int = 300) -> None:
        self.name = name
        self.seconds = seconds
        self._generation_key = f"{name}:generation"
        # A flush (between transactional tests) or a migration changes rows without a model's signals: ids may be
        # given out again, so nothing kept from before may be used.
        post_migrate.connect(self.changed, weak=False, dispatch_uid=f"kept-{name}-migrate")

    def read_from(self, *sources: type[models.Model]) -> None:
        """Make a new generation whenever a row of one of `sources` is saved or deleted."""
        for model in sources:
            uid = f"kept-{self.name}-{model._meta.label}"
            post_save.connect(self.changed, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=uid)

    def deleted_from(self, *sources: type[models.Model]) -> None:
        """Make a new generation whenever a row of one of `sources` is deleted (for models saved too often, such as
        a login at each sign-in, whose deletion alone changes what is kept)."""
        for model in sources:
            uid = f"kept-{self.name}-{model._meta.label}-deleted"
            post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=uid)

    def changed(self, **kwargs: Any) -> None:
        """Build everything kept here afresh when next asked for."""
        self._new_generation()
        transaction.on_commit(self._new_generation)

    def get(self, key: str, build: Callable[[], T]) -> T:
        """What `build()` returns, kept under `key` (one cache read, with the generation, when it is kept).

        Keep plain values (numbers, strings, tuples of them): a value kept by an older release must still read after
        a deploy."""
        value: T = self.get_many({key: build})[key]
        return value

    def get_many(self, builds: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        """`get` for several keys at once: one cache read for all of them and the generation."""
        full_keys = {key: f"{self.name}:{key}" for key in builds}
        found = cache.get_many([*full_keys.values(), self._generation_key])
        generation = found.get(self._generation_key)
        if generation is None:
            # Never set, or dropped by the cache: a new generation, so that nothing kept under an old one is used.
            generation = self._new_generation()
        values: dict[str, Any] = {}
        for key, build in builds.items():
            kept = found.get(full_keys[key])
            if kept is not None and kept[0] == generation:
                values[key] = kept[1]
                continue
            values[key] = build()
            cache.set(full_keys[key], (generation, values[key]), self.seconds)
        return values

    def _new_generation(self) -> str:
        generation = uuid.uuid4().hex
        cache.set(self._generation_key, generation, None)
        return generation
