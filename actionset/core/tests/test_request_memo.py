"""What is read once a request for each login, and read again once what it came from changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from actionset.core.request_memo import RequestMemoMiddleware, for_login, forget_on_change

KEY = "tests:groups"
groups_changed = forget_on_change(KEY, Group)


def counting_reader() -> tuple[list[str], Callable[[str], Callable[[], str]]]:
    reads: list[str] = []

    def reader(login: str) -> Callable[[], str]:
        def read() -> str:
            reads.append(login)
            return f"{login}:{Group.objects.count()}"

        return read

    return reads, reader


def in_a_request(body: Callable[[], None]) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        body()
        return HttpResponse()

    RequestMemoMiddleware(view)(RequestFactory().get("/"))


@pytest.mark.django_db
def test_outside_a_request_every_call_reads() -> None:
    reads, reader = counting_reader()
    for_login(KEY, 1, reader("a"))
    for_login(KEY, 1, reader("a"))
    assert reads == ["a", "a"]


@pytest.mark.django_db
def test_each_login_is_read_once_a_request_and_again_after_a_change() -> None:
    reads, reader = counting_reader()
    seen: list[str] = []

    def body() -> None:
        seen.append(for_login(KEY, 1, reader("a")))
        seen.append(for_login(KEY, 1, reader("a")))
        seen.append(for_login(KEY, 2, reader("b")))
        Group.objects.create(name="new")  # a signal: the next call reads again
        seen.append(for_login(KEY, 1, reader("a")))
        Group.objects.filter(name="new").update(name="renamed")  # no signal: whoever did it says so
        groups_changed()
        for_login(KEY, 1, reader("a"))
        Group.objects.filter(name="renamed").delete()
        seen.append(for_login(KEY, 1, reader("a")))

    in_a_request(body)
    assert reads == ["a", "b", "a", "a", "a"]
    assert seen == ["a:0", "a:0", "b:0", "a:1", "a:0"]

    # The next request keeps nothing from the last.
    in_a_request(lambda: seen.append(for_login(KEY, 1, reader("a"))))
    assert reads == ["a", "b", "a", "a", "a", "a"]
