"""Telling every device in a live meeting, at once, that something changed: server-sent events.

Polling alone (`live:state` once a second, answered 304 when nothing changed) cannot get a change to every device
within a second: a device learns of a change at its next poll, up to a whole interval later, and every idle poll
costs a request. A device that holds a stream here is told the moment a change commits and then asks for the state
once, through the same poll and access check as before; its regular poll slows to a safety net (live.js). The
stream itself carries nothing but "changed": what changed, and whether this person may see it, is still for the
state's own view to say.

How a change travels:

- **Within a process**, a `Hub` keeps, per meeting, the streams waiting on it, and wakes only those.
- **Between processes** (gunicorn's workers), on PostgreSQL: a change sends `NOTIFY` on one channel with the
  meeting's id, from inside its own transaction, so it is delivered when (and only if) the change commits, in
  commit order. Each process that holds streams runs one thread that `LISTEN`s and hands what it hears to its hub.
  On SQLite (development, the demo, the tests' single process) the change goes to this process's hub after commit.

A stream holds a thread for as long as it is open, so it is only served by a threaded server (gunicorn's `gthread`
workers, `actionset/gunicorn_events_conf.py`; Django's development and test servers). A sync worker has one
thread: a stream there would take the whole worker, so the view answers 204, which tells the browser's
`EventSource` not to retry, and the page goes on polling every second (docs/deployment.md, "Live meetings").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

logger = logging.getLogger(__name__)

#: The PostgreSQL channel every change is announced on; the payload is the meeting's primary key.
CHANNEL = "actionset_live"
#: A comment line this often keeps proxies from closing an idle stream, and finds out that a device has gone
#: (writing to a closed connection fails), which frees its thread.
HEARTBEAT_SECONDS = 15.0
#: A stream ends after this long and the browser opens a new one (after `RETRY_MS`): the access check runs again,
#: and a thread is never held for longer by a device that has slept.
STREAM_SECONDS = 10 * 60
RETRY_MS = 2000


class Subscription:
    """One stream's wait for changes to one meeting."""

    def __init__(self, meeting_id: int) -> None:
        self.meeting_id = meeting_id
        self._event = threading.Event()

    def wake(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """True when a change came within `timeout` seconds; changes meanwhile are folded into one."""
        changed = self._event.wait(timeout)
        self._event.clear()
        return changed


class Hub:
    """This process's streams, by meeting: a change wakes the streams of its meeting and no others."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[int, set[Subscription]] = {}
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        #: Set while the listener holds its `LISTEN`: a change committed from then on reaches this process.
        self.listening = threading.Event()

    @contextmanager
    def subscription(self, meeting_id: int) -> Iterator[Subscription]:
        subscription = Subscription(meeting_id)
        with self._lock:
            self._waiting.setdefault(meeting_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                waiting = self._waiting.get(meeting_id)
                if waiting is not None:
                    waiting.discard(subscription)
                    if not waiting:
                        del self._waiting[meeting_id]

    def deliver(self, meeting_id: int) -> None:
        with self._lock:
            waiting = list(self._waiting.get(meeting_id, ()))
        for subscription in waiting:
            subscription.wake()

    def deliver_all(self) -> None:
        """Wake every stream: after the listener lost its connection, any of them may have missed a change."""
        with self._lock:
            waiting = [s for streams in self._waiting.values() for s in streams]
        for subscription in waiting:
            subscription.wake()

    def streams(self) -> int:
        with self._lock:
            return sum(len(streams) for streams in self._waiting.values())

    def ensure_listening(self) -> None:
        """Start this process's listener thread, once, on PostgreSQL (nothing to listen to elsewhere)."""
        if connection.vendor != "postgresql":
            return
        with self._lock:
            if self._listener is not None and self._listener.is_alive():
                return
            # The test database's name, not the settings' one, when the tests have swapped it in.
            params = connections["default"].get_connection_params()
            self._stop.clear()
            self.listening.clear()
            self._listener = threading.Thread(target=self._listen, args=(params,), name="live-events", daemon=True)
            self._listener.start()

    def stop(self) -> None:
        """Stop listening and let the connection go (the tests' database cannot be dropped while it is open)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            self._stop.set()
            listener.join(timeout=10)

    def _listen(self, params: dict[str, Any]) -> None:
        import psycopg  # PostgreSQL only: not imported on SQLite

        # Only what says where and as whom to connect: Django's own cursor and adapter settings are not wanted here.
        keys = ("dbname", "user", "password", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey", "options")
        conninfo = {k: v for k, v in params.items() if k in keys and v not in (None, "")}
        pause = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(**conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Anything committed while the connection was down was not heard: every stream asks again.
                    self.deliver_all()
                    self.listening.set()
                    pause = 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            if note.payload.isdigit():
                                self.deliver(int(note.payload))
            except Exception:  # a dropped connection, a restarted server: keep trying, never take the process down
                self.listening.clear()
                logger.warning("live events: listening failed; trying again in %.1f s", pause, exc_info=True)
                self._stop.wait(pause)
                pause = min(pause * 2, 30.0)
        self.listening.clear()


hub = Hub()


def announce(meeting_ids: list[int]) -> None:
    """Tell every device in these meetings that something changed, once the current transaction commits.

    On PostgreSQL the `NOTIFY` is part of the transaction: sent at commit, never if it rolls back. Elsewhere (SQLite:
    one process) the process's own streams are woken at once and again after commit.
    """
    if not meeting_ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for meeting_id in meeting_ids:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(meeting_id)])
        return

    def wake() -> None:
        for meeting_id in meeting_ids:
            hub.deliver(meeting_id)

    # Now and again after commit. A device woken now may read the state before the change commits; the second
    # wake-up sends it back for the new one. The first is there because after-commit callbacks are not always run
    # where SQLite is shared between threads (Django's test server shares one connection, and one thread's rollback
    # of a savepoint drops the callbacks another thread registered meanwhile).
    wake()
    transaction.on_commit(wake)


def stream(
    meeting_id: int, *, seconds: float = STREAM_SECONDS, heartbeat: float = HEARTBEAT_SECONDS
) -> Generator[str, None, None]:
    """The event stream for one device: "changed" whenever the meeting changes, a heartbeat comment meanwhile."""
    hub.ensure_listening()
    until = time.monotonic() + seconds
    # Listening before the first line is sent, so that nothing committed after the page's first poll (which the
    # browser makes when the stream opens) can fall between the two.
    with hub.subscription(meeting_id) as subscription:
        yield f"retry: {RETRY_MS}\n: open\n\n"
        while (left := until - time.monotonic()) > 0:
            if subscription.wait(min(heartbeat, left)):
                yield "event: changed\ndata: \n\n"
            else:
                yield ": still here\n\n"


def stream_response(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """The stream for a device already let in to the meeting; 204 from a server with one thread per worker, where
    the stream would hold the whole worker: the browser's EventSource then stops trying, and the page polls every
    second as it would without it."""
    if not request.META.get("wsgi.multithread"):
        return HttpResponse(status=204)
    if not connection.in_atomic_block:
        # The stream may stay open for minutes and needs no database: a connection the access check opened goes
        # back now rather than being held, one per device, until the stream ends.
        connection.close()
    response = StreamingHttpResponse(stream(meeting_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # A proxy that buffers responses (nginx does by default) would hold the events back.
    response["X-Accel-Buffering"] = "no"
    return response
