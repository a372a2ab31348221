"""An unchanged live poll answered before the session is read (meetings/poll.py), and who that answer is for."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actionset.meetings import live, poll
from actionset.sets.models import Membership
from conftest import Cast

from .test_live_views import _meeting, command, url


@pytest.fixture
def world(programme_world: Cast) -> Cast:
    command(programme_world.client("facilitator"), programme_world, "start", 0)
    return programme_world


@pytest.fixture
def shared_cache(settings: Any) -> None:
    # Production's cache is shared by every process (Redis, or the database's cache table); one that is not the
    # database shows what the poll itself reads.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _tag(client: Client, cast: Cast, name: str = "state") -> str:
    response = client.get(url(name, cast), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return str(response["ETag"])


def _poll(client: Client, cast: Cast, tag: str, name: str = "state", **headers: str) -> Any:
    return client.get(url(name, cast), headers={"HX-Request": "true", "If-None-Match": tag, **headers})


@pytest.mark.usefixtures("shared_cache")
@pytest.mark.parametrize("role", ["a_participant", "facilitator"])
def test_an_unchanged_poll_reads_nothing_from_the_database(world: Cast, role: str) -> None:
    client = world.client(role)
    tag = _tag(client, world)
    with CaptureQueriesContext(connection) as queries:
        again = _poll(client, world, tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert queries.captured_queries == []
    # Nothing about the session is written back either.
    assert not again.cookies


def test_with_the_database_s_cache_an_unchanged_poll_reads_only_the_cache(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    with CaptureQueriesContext(connection) as queries:
        assert _poll(client, world, tag).status_code == 304
    assert len(queries) == 1
    assert "actionset_cache" in queries.captured_queries[0]["sql"]


def test_a_gzipped_weak_tag_is_answered_too(world: Cast) -> None:
    client = world.client("a_participant")
    first = client.get(url("state", world), headers={"Accept-Encoding": "gzip"})
    assert first["ETag"].startswith('W/"')
    with CaptureQueriesContext(connection) as queries:
        assert _poll(client, world, first["ETag"], **{"Accept-Encoding": "gzip"}).status_code == 304
    assert len(queries) == 1


@pytest.mark.parametrize("thief", ["b_participant", "a_sponsor", "a_admin", "administrator", "anonymous"])
def test_a_member_s_tag_sent_by_anyone_else_takes_the_full_way(world: Cast, thief: str) -> None:
    tag = _tag(world.client("a_participant"), world)
    stolen = _poll(world.client(thief), world, tag)
    assert stolen.status_code != 304
    assert stolen.status_code in (302, 404) or stolen["ETag"] != tag


def test_the_same_person_in_another_session_is_sent_the_state_in_full(world: Cast) -> None:
    tag = _tag(world.client("a_participant"), world)
    other_device = world.client("a_participant")
    again = _poll(other_device, world, tag)
    assert again.status_code == 200
    assert _poll(other_device, world, again["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace(":m:", ":f:"),  # a member claiming the facilitator's view
        lambda t: t[:-3] + ('0"' if t[-2] != "0" else '1"'),  # a MAC off by one character
        lambda t: t.replace('"live:', '"live:9'),  # another meeting
    ],
)
def test_a_tag_altered_in_any_part_does_not_verify(world: Cast, edit: Any) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    assert _poll(client, world, tag).status_code == 304
    assert _poll(client, world, edit(tag)).status_code == 200


def test_an_old_tag_is_sent_the_state_again_after_the_access_check(world: Cast, monkeypatch: Any) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    later = poll.time.time() + poll.TAG_SECONDS + 1
    monkeypatch.setattr(poll.time, "time", lambda: later)
    again = _poll(client, world, tag)
    assert again.status_code == 200
    assert again["ETag"] != tag
    assert _poll(client, world, again["ETag"]).status_code == 304


def test_a_member_taken_off_the_set_is_refused_at_the_next_change(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    Membership.objects.filter(enrolment__person=world.people["a_participant"]).delete()
    # Until the meeting changes, the tag says only "nothing new" (no body), for at most poll.TAG_SECONDS.
    assert _poll(client, world, tag).status_code == 304
    live.live_next(actor=world.users["facilitator"], meeting=_meeting(world), version=1)
    assert _poll(client, world, tag).status_code == 404


def test_a_cache_that_cannot_be_read_sends_the_poll_the_full_way_not_an_error(world: Cast, monkeypatch: Any) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)

    def locked(meeting_id: int) -> str | None:
        raise OperationalError("database table is locked: actionset_cache")

    monkeypatch.setattr(live, "cached_poll_version", locked)
    # Answered after the access check from the database, as for a version the cache has lost.
    assert _poll(client, world, tag).status_code == 304


def test_a_signed_out_browser_s_tag_no_longer_answers(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    client.logout()
    assert _poll(client, world, tag).status_code == 302


def test_the_room_display_page_itself_is_never_answered_304_by_the_poll_path(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world, "display")
    assert _poll(client, world, tag, "display").status_code == 304
    page = client.get(url("display", world), headers={"If-None-Match": tag})
    assert page.status_code == 200
    assert "<html" in page.content.decode()


def test_a_change_is_seen_by_the_next_poll(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    live.live_next(actor=world.users["facilitator"], meeting=_meeting(world), version=1)
    moved = _poll(client, world, tag)
    assert moved.status_code == 200
    assert "Progress round" in moved.content.decode()


# --- the event stream, admitted by the same tag ---------------------------------------------------------------------


def _stream(client: Client, cast: Cast, tag: str) -> Any:
    """Open the meeting's event stream with `tag`, as a threaded server would serve it."""
    return client.get(url("events", cast), {"tag": tag}, **{"wsgi.multithread": True})  # type: ignore[arg-type]


def test_a_device_shown_the_state_opens_its_stream_without_a_query(world: Cast) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    with CaptureQueriesContext(connection) as queries:
        response = _stream(client, world, tag)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert queries.captured_queries == []
    response.close()


@pytest.mark.parametrize("thief", ["b_participant", "a_sponsor", "anonymous"])
def test_a_members_tag_opens_no_stream_for_anyone_else(world: Cast, thief: str) -> None:
    tag = _tag(world.client("a_participant"), world)
    stolen = _stream(world.client(thief), world, tag)
    # The full way, through the session and the access check: told nothing, or asked to sign in.
    assert stolen.status_code in (302, 404)


def test_an_old_tag_opens_the_stream_only_after_the_access_check(world: Cast, monkeypatch: Any) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    later = poll.time.time() + poll.TAG_SECONDS + 1
    monkeypatch.setattr(poll.time, "time", lambda: later)
    with CaptureQueriesContext(connection) as queries:
        response = _stream(client, world, tag)
    assert response.status_code == 200
    assert queries.captured_queries, "the access check ran"
    response.close()


def test_a_member_taken_off_the_set_with_an_old_tag_gets_no_stream(world: Cast, monkeypatch: Any) -> None:
    client = world.client("a_participant")
    tag = _tag(client, world)
    Membership.objects.filter(enrolment__person=world.people["a_participant"]).delete()
    later = poll.time.time() + poll.TAG_SECONDS + 1
    monkeypatch.setattr(poll.time, "time", lambda: later)
    assert _stream(client, world, tag).status_code in (403, 404)
