"""Error tracking is optional: without SENTRY_DSN the SDK is never loaded; with it, nothing people wrote is sent.

Django reads SENTRY_DSN once, when it starts, and the SDK sets itself up for the whole process: each switch is tested
in a subprocess with an environment of its own. Nothing is sent anywhere: the DSN names a closed port on this machine
and no error is raised.
"""

from __future__ import annotations

import json
from typing import Any, cast

from actionset.core.error_tracking import before_send
from tests.fresh_process import django_json

#: Port 9 (discard) on the loopback address: a well-formed DSN that leads nowhere.
UNREACHABLE_DSN = "http://public-key@127.0.0.1:9/1"


def started_with(**environment: str) -> dict[str, Any]:
    return django_json(
        "import json, sys; "
        "loaded = 'sentry_sdk' in sys.modules; "
        "client = sys.modules['sentry_sdk'].get_client() if loaded else None; "
        "options = client.options if client is not None and client.is_active() else None; "
        "print(json.dumps({'loaded': loaded, 'active': options is not None, 'options': options and {"
        "  'dsn': options['dsn'], 'traces_sample_rate': options['traces_sample_rate'],"
        "  'max_request_body_size': options['max_request_body_size'], 'data_collection': options['data_collection'],"
        "  'before_send': getattr(options['before_send'], '__qualname__', None),"
        "  'integrations': sorted(client.integrations)}}))",
        **environment,
    )


def test_without_a_dsn_the_error_tracking_sdk_is_never_imported() -> None:
    started = started_with()

    assert started == {"loaded": False, "active": False, "options": None}


def test_with_a_dsn_errors_are_tracked_through_django_and_nothing_people_wrote_is_collected() -> None:
    started = started_with(SENTRY_DSN=UNREACHABLE_DSN)

    assert started["active"]
    options = started["options"]
    assert options["dsn"] == UNREACHABLE_DSN
    assert "django" in options["integrations"]
    assert options["traces_sample_rate"] == 0
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] == "before_send"
    collection = options["data_collection"]
    # What `send_default_pii=False` meant before sentry-sdk 3: no user, no cookies, no bodies, no query strings; and
    # neither SQL parameters nor a stack frame's local variables, where a set's own words would travel.
    assert collection["user_info"] is False
    assert collection["cookies"]["mode"] == "off"
    assert collection["http_bodies"] == []
    assert collection["url_query_params"]["mode"] == "off"
    assert collection["database_query_data"] is False
    assert collection["stack_frame_variables"] is False


def test_the_traces_sample_rate_comes_from_the_environment() -> None:
    started = started_with(SENTRY_DSN=UNREACHABLE_DSN, SENTRY_TRACES_SAMPLE_RATE="0.25")

    assert started["options"]["traces_sample_rate"] == 0.25


def test_before_send_strips_the_request_body_cookies_query_user_and_local_variables() -> None:
    event: dict[str, Any] = {
        "request": {
            "url": "https://actionset.example.org/sets/abc/",
            "method": "POST",
            "data": {"reflection": "What I said in the set"},
            "cookies": {"sessionid": "x"},
            "query_string": "q=Rachel",
            "env": {"REMOTE_ADDR": "203.0.113.5"},
            "headers": {"User-Agent": "Firefox", "Cookie": "sessionid=x"},
        },
        "user": {"id": "7", "email": "rachel@example.org"},
        "exception": {
            "values": [{"stacktrace": {"frames": [{"function": "post", "vars": {"text": "What I said in the set"}}]}}]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"function": "run", "vars": {"note": "private"}}]}}]},
    }

    sent = cast(dict[str, Any], before_send(cast(Any, event), {}))

    assert sent is not None
    assert sent["request"] == {
        "url": "https://actionset.example.org/sets/abc/",
        "method": "POST",
        "headers": {"User-Agent": "Firefox"},
    }
    assert "user" not in sent
    assert sent["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "post"}]
    assert sent["threads"]["values"][0]["stacktrace"]["frames"] == [{"function": "run"}]
    assert "What I said" not in json.dumps(sent)
