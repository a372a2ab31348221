"""Rows every part of one request asks for, read once for that request.

The provider's row is wanted by the two-factor policy (for staff), by every page's header and by some pages' own
content: three reads of one row a request. `for_request(key, read)` keeps what `read` returned until the request
ends, and nothing longer: the next request reads the row again, so a change made by anyone, in any process, shows at
once, and nothing kept here can pass from one person's request to another's. Outside a request (the worker, a
management command, a test calling a service) there is nothing to keep it in and every call reads.

What is kept is shared by every caller in the request, so keep a row's values, not an object someone may change (a
form given a model instance writes its fields into it): `for_request_copy` hands each caller its own copy. Whatever
changes the row calls `forget` so that the rest of the request reads it again.

What one login may see (their sets, their roles, what they are asked) is read once a request for each login with
`for_login`, and `forget_on_change` names the models whose saves and deletes must make the rest of the request read it
again: a page that adds someone to a set and then lists the sets sees the new one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_kept: ContextVar[dict[str, Any] | None] = ContextVar("request_memo", default=None)


def for_request(key: str, read: Callable[[], T]) -> T:
    """What `read()` returns, read once per request (every time outside one)."""
    kept = _kept.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    value: T = kept[key]
    return value


def in_request() -> bool:
    """Whether there is a request to keep things in (none in the worker, a command or a test calling a service)."""
    return _kept.get() is not None


def for_request_copy(key: str, read: Callable[[], T]) -> T:
    """A copy of what `read()` returns, read once per request: each caller may change its own."""
    return copy.copy(for_request(key, read))


def forget(key: str) -> None:
    """The next `for_request(key, ...)` in this request reads again."""
    kept = _kept.get()
    if kept is not None:
        kept.pop(key, None)


def for_login(key: str, login: Any, read: Callable[[], T]) -> T:
    """What `read()` returns for one login, read once per request for that login (every time outside a request).

    Keyed by the login, not by the `Actor` object: services and selectors each make their own for the same person,
    and a page that made three would otherwise read three times."""
    kept = _kept.get()
    if kept is None:
        return read()
    per_login: dict[Any, Any] = kept.setdefault(key, {})
    if login not in per_login:
        per_login[login] = read()
    value: T = per_login[login]
    return value


def forget_on_change(key: str, *models: type[Model]) -> Callable[..., None]:
    """Forget `key` in this request whenever one of `models` is saved or deleted; returns the function that forgets,
    for what changes rows without a signal (bulk creation and `update()`), to call itself."""

    def changed(**kwargs: Any) -> None:
        forget(key)

    for model in models:
        uid = f"request-memo-{key}-{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    return changed


class RequestMemoMiddleware:
    """Opens the store `for_request` keeps in for the length of one request, and empties it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _kept.set({})
        try:
            return self.get_response(request)
        finally:
            _kept.reset(token)
