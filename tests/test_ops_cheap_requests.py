"""What each request costs before any page's own work: its database connection, and the bytes it sends.

- Production keeps each process's database connection open between requests (CONN_MAX_AGE, checked before reuse
  with CONN_HEALTH_CHECKS): opening one to PostgreSQL cost about 10 ms of the database's CPU a request (issue 21).
  Settings are read once, when Django starts, so this is checked in a process started with production's environment.
- On PostgreSQL, parameters are bound by the server and a statement a connection runs again and again is prepared,
  so PostgreSQL stops parsing and planning the statements every page makes (unless DATABASE_PREPARE=0, for an old
  pooler).
- The cache every process shares is the database's, or Redis where CACHE_URL names it.
- HTML and other text go out gzipped to a browser that asks; PDFs, spreadsheets and files do not (they are
  compressed already), and nothing is broken either way.
"""

from __future__ import annotations

import gzip
import socket
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from actionset.accounts.models import User
from conftest import Cast
from tests.fresh_process import django_json

#: Two requests through the WSGI application, as gunicorn makes them (Django's test client would not do: it keeps the
#: connection open whatever the settings say), counting the connections opened. readyz runs a query; its table is
#: made first (the database is an empty file), and its answer (503: no worker has reported) does not matter here.
TWO_REQUESTS = """
import io, json
from django.db import connection
from django.db.backends.signals import connection_created
from actionset.core.models import Heartbeat
from actionset.wsgi import application

with connection.schema_editor() as editor:
    editor.create_model(Heartbeat)
connection.close()
opened = []
connection_created.connect(lambda **kwargs: opened.append(1), weak=False)
statuses = []
for _ in range(2):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/readyz", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
    }
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(int(status[:3])))
    response.close()  # the end of the request: where Django closes a connection it does not keep
print(json.dumps({
    "statuses": statuses,
    "opened": len(opened),
    "max_age": connection.settings_dict["CONN_MAX_AGE"],
    "health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"],
}))
"""


def _two_requests(tmp_path: Any, **environment: str) -> dict[str, Any]:
    return django_json(
        TWO_REQUESTS,
        DEBUG="0",
        SECRET_KEY="a-key-for-this-test-only-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        **environment,
    )


def test_in_production_two_requests_share_one_database_connection(tmp_path: Any) -> None:
    production = _two_requests(tmp_path)

    assert production["statuses"] == [503, 503]
    assert production["opened"] == 1
    assert production["max_age"] > 0
    assert production["health_checks"] is True


def test_the_check_sees_a_connection_per_request_when_they_are_not_kept(tmp_path: Any) -> None:
    assert _two_requests(tmp_path, CONN_MAX_AGE="0")["opened"] == 2


@pytest.mark.postgres
def test_on_postgresql_a_statement_asked_again_and_again_is_prepared(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: set DATABASE_URL")
    # A statement of its own, so that no earlier test on this connection has prepared it already.
    ask = User.objects.filter(email__startswith="prepared-statement-test-").values_list("pk")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
        for _ in range(6):
            list(ask.all())  # a new QuerySet each time: one keeps its rows
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%prepared-statement%"])
        assert cursor.fetchone()[0] == 0, "the value is a parameter, not in the statement's text"
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] > before


def test_prepared_statements_can_be_turned_off_for_an_old_pooler(tmp_path: Any) -> None:
    script = """
import json
from django.db import connection
print(json.dumps({
    "binding": connection.settings_dict["OPTIONS"].get("server_side_binding"),
    "threshold": connection.get_connection_params()["prepare_threshold"],
}))
"""
    postgres = {
        "DEBUG": "0",
        "SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",  # never connected to: the settings alone
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    assert django_json(script, **postgres) == {"binding": True, "threshold": 5}
    assert django_json(script, **postgres, DATABASE_PREPARE="0") == {"binding": True, "threshold": None}


def test_an_html_page_is_gzipped_for_a_browser_that_asks(cast: Cast) -> None:
    client = cast.client("a_participant")

    plain = client.get(reverse("core:home"))
    packed = client.get(reverse("core:home"), headers={"Accept-Encoding": "gzip, deflate, br"})

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "</html>" in html
    assert len(packed.content) < len(plain.content) / 2


def test_downloads_already_compressed_go_out_as_they_are(programme_world: Cast) -> None:
    participant = programme_world.client("a_participant")
    admin = programme_world.client("a_admin")
    asks = {"Accept-Encoding": "gzip"}

    pdf = participant.get(reverse("learning:journal_export_pdf"), headers=asks)
    xlsx = admin.get(
        reverse("organisations:people_export", kwargs={"organisation": programme_world.org_a.public_id, "fmt": "xlsx"}),
        headers=asks,
    )

    assert pdf.status_code == 200
    assert "Content-Encoding" not in pdf
    assert pdf.content.startswith(b"%PDF")
    assert xlsx.status_code == 200
    assert "Content-Encoding" not in xlsx
    assert xlsx.content.startswith(b"PK")  # a zip archive, as every .xlsx is


def test_a_calendar_file_is_compressed_and_still_a_calendar(programme_world: Cast) -> None:
    assert programme_world.meeting is not None
    ics = programme_world.client("a_participant").get(
        reverse("meetings:meeting_ics", kwargs={"meeting": programme_world.meeting.public_id}),
        headers={"Accept-Encoding": "gzip"},
    )

    assert ics.status_code == 200
    assert ics["Content-Encoding"] == "gzip"
    assert gzip.decompress(ics.content).startswith(b"BEGIN:VCALENDAR")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


CACHE_IN_USE = """
import json
from django.conf import settings
from django.core.cache import cache
found = {"backend": settings.CACHES["default"]["BACKEND"], "sessions": settings.SESSION_ENGINE}
if found["backend"].endswith("RedisCache"):
    cache.set("actionset-test-key", 41)
    found["round_trip"] = cache.incr("actionset-test-key")
    cache.delete("actionset-test-key")
print(json.dumps(found))
"""


def test_without_cache_url_the_shared_cache_is_the_database_s() -> None:
    assert django_json(CACHE_IN_USE) == {
        "backend": "django.core.cache.backends.db.DatabaseCache",
        "sessions": "django.contrib.sessions.backends.db",
    }


def test_sessions_are_never_read_from_a_cache_each_process_keeps_for_itself() -> None:
    # Signing out in one process would leave the session readable in the others.
    found = django_json(CACHE_IN_USE, CACHE_URL="locmemcache://")
    assert found == {
        "backend": "django.core.cache.backends.locmem.LocMemCache",
        "sessions": "django.contrib.sessions.backends.db",
    }


def test_cache_url_puts_the_shared_cache_in_redis() -> None:
    if not _redis_answers():
        pytest.skip("No Redis server at 127.0.0.1:6379")
    # Database 15: kept apart from whatever else uses that server.
    found = django_json(CACHE_IN_USE, CACHE_URL="redis://127.0.0.1:6379/15")
    assert found == {
        "backend": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.contrib.sessions.backends.cached_db",
        "round_trip": 42,
    }


def test_with_sessions_read_from_redis_signing_out_ends_the_session_everywhere(cast: Cast) -> None:
    """The next person at a shared computer, or anyone holding a copy of the cookie: once the person signs out, the
    session read from the shared cache is gone from it as well as from the database."""
    if not _redis_answers():
        pytest.skip("No Redis server at 127.0.0.1:6379")
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.test import Client, override_settings

    redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    with override_settings(CACHES=redis, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        cache.clear()
        person = Client()
        person.force_login(cast.users["a_participant"])
        calendar = reverse("meetings:calendar")  # a page for the signed-in only
        assert person.get(calendar).status_code == 200
        key = person.cookies["sessionid"].value
        copied = Client()
        copied.cookies["sessionid"] = key  # the same cookie, as a copy of it or the browser's history would send it
        assert copied.get(calendar).status_code == 200
        assert Session.objects.filter(session_key=key).exists()
        assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
        person.post(reverse("account_logout"))
        assert not Session.objects.filter(session_key=key).exists()
        assert cache.get(f"django.contrib.sessions.cached_db{key}") is None
        assert copied.get(calendar).status_code == 302
        cache.clear()
