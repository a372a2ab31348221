"""The live meeting's event stream: a change reaches the streams of its own meeting, and only once it is committed.

The stream is opened here through the test client as a threaded server would serve it (`wsgi.multithread`); the
access matrix (tests/matrix_live.py) checks who may open it at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.urls import reverse

from actionset.meetings import events, live
from actionset.meetings.models import Meeting
from conftest import Cast

pytestmark = pytest.mark.django_db


def listening() -> events.Hub:
    """The process's hub, its listener already holding its LISTEN on PostgreSQL: a listener that connects wakes every
    stream once (it may have missed changes), which a test must not take for a change of its own."""
    hub = events.hub
    hub.ensure_listening()
    if connection.vendor == "postgresql":
        assert hub.listening.wait(10), "the listener did not start"
    return hub


def test_a_change_wakes_the_streams_of_its_own_meeting_only() -> None:
    hub = events.Hub()
    with hub.subscription(1) as first, hub.subscription(1) as second, hub.subscription(2) as other:
        hub.deliver(1)
        assert first.wait(0)
        assert second.wait(0)
        assert not other.wait(0)
        # Changes while a stream was busy are folded into one wake-up, and then it waits again.
        hub.deliver(1)
        hub.deliver(1)
        assert first.wait(0)
        assert not first.wait(0)
    assert hub.streams() == 0


def test_the_stream_opens_says_changed_for_each_change_and_keeps_the_line_alive() -> None:
    hub = listening()
    chunks = events.stream(4242, seconds=5, heartbeat=0.05)
    opening = next(chunks)
    assert opening.startswith(f"retry: {events.RETRY_MS}\n")
    assert next(chunks) == ": still here\n\n"
    # The stream is waiting now; a change to another meeting is not its business.
    hub.deliver(4243)
    assert next(chunks) == ": still here\n\n"
    hub.deliver(4242)
    assert next(chunks) == "event: changed\ndata: \n\n"
    chunks.close()
    assert hub.streams() == 0


def test_a_stream_ends_by_itself_so_the_browser_reconnects_through_the_access_check() -> None:
    listening()
    assert list(events.stream(4244, seconds=0.1, heartbeat=0.05))[-1] == ": still here\n\n"
    assert events.hub.streams() == 0


def _events_url(cast: Cast) -> str:
    assert cast.meeting is not None
    return reverse("live:events", kwargs={"meeting": cast.meeting.public_id})


def test_a_server_with_one_thread_per_worker_is_not_given_a_stream(programme_world: Cast) -> None:
    response = programme_world.client("a_participant").get(_events_url(programme_world))
    assert response.status_code == 204


def test_a_threaded_server_streams_uncompressed_and_unbuffered(programme_world: Cast) -> None:
    response = programme_world.client("a_participant").get(
        _events_url(programme_world),
        HTTP_ACCEPT_ENCODING="gzip",
        **{"wsgi.multithread": True},  # type: ignore[arg-type]
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    assert not response.has_header("Content-Encoding"), "gzip would hold the events back"
    chunks: Iterator[bytes] = iter(response.streaming_content)  # type: ignore[attr-defined]
    assert next(chunks).startswith(b"retry: ")
    response.close()


def test_someone_outside_the_set_is_not_told_the_stream_exists(programme_world: Cast) -> None:
    for role in ("b_participant", "a_sponsor", "a_admin", "administrator"):
        client = programme_world.client(role)
        response = client.get(_events_url(programme_world), **{"wsgi.multithread": True})  # type: ignore[arg-type]
        assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_facilitators_command_reaches_a_waiting_stream_when_it_commits(programme_world: Cast) -> None:
    """Through PostgreSQL's NOTIFY and this process's listener on PostgreSQL, only once the change commits; in
    process on SQLite, at once and again after commit (a device woken early asks again)."""
    cast = programme_world
    meeting = cast.meeting
    assert meeting is not None
    hub = listening()
    with hub.subscription(meeting.pk) as waiting:
        with transaction.atomic():
            live.live_start(actor=cast.users["facilitator"], meeting=meeting, version=0, early=True)
            if connection.vendor == "postgresql":
                assert not waiting.wait(0.2), "told before the change committed"
            else:
                assert waiting.wait(0), "SQLite: told at once"
                assert not waiting.wait(0.2)
        assert waiting.wait(10), "not told after the change committed"


def started_then_failed(cast: Cast) -> None:
    """A request that starts the meeting and then fails: its transaction is rolled back."""
    meeting = cast.meeting
    assert meeting is not None

    def start_and_fail() -> None:
        with transaction.atomic():
            live.live_start(actor=cast.users["facilitator"], meeting=meeting, version=0, early=True)
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        start_and_fail()


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_is_never_announced(programme_world: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL announces a change at commit; SQLite's one process wakes its streams at once as well")
    cast = programme_world
    assert cast.meeting is not None
    hub = listening()
    with hub.subscription(cast.meeting.pk) as waiting:
        started_then_failed(cast)
        assert not waiting.wait(0.5)
    assert Meeting.objects.get(pk=cast.meeting.pk).status == Meeting.Status.SCHEDULED


def test_a_stream_in_another_thread_is_woken_by_a_change_in_this_one() -> None:
    """As in a threaded server: one thread streams, the request that changes the meeting runs in another."""
    listening()
    received: list[str] = []
    ready = threading.Event()

    def device() -> None:
        chunks = events.stream(4245, seconds=5, heartbeat=5)
        next(chunks)
        ready.set()
        received.append(next(chunks))
        chunks.close()

    thread = threading.Thread(target=device)
    thread.start()
    assert ready.wait(5)
    # The device's subscription is made right after its first chunk: deliver until it has heard.
    for _ in range(50):
        events.hub.deliver(4245)
        thread.join(0.1)
        if not thread.is_alive():
            break
    assert received == ["event: changed\ndata: \n\n"]
