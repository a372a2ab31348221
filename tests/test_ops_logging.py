"""Every request has an id, in its response and in each log line written while it is handled; JSON logs by setting."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from actionset.core.logging import JsonFormatter, RequestIdFilter
from actionset.site.tests.conftest import enquiry_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The root logger writing JSON into a buffer, as production's console handler does with LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def test_every_response_carries_a_request_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_the_proxys_request_id_is_kept_and_a_strange_one_replaced(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c21b")["X-Request-ID"] == "edge-7f3a9c21b"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")["X-Request-ID"]
    assert "Set-Cookie" not in replaced
    assert len(replaced) == 32


def test_a_line_logged_during_a_request_is_json_with_that_requests_id(client: Client, json_log: io.StringIO) -> None:
    # A filled honeypot is logged as a warning by the enquiry service.
    response = client.post(reverse("site:enquire"), enquiry_post(website="https://spam.example"))
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    dropped = [line for line in lines if line["message"].startswith("enquiry dropped")]
    assert dropped, lines
    assert dropped[0]["request_id"] == response["X-Request-ID"]
    assert dropped[0]["level"] == "WARNING"
    assert dropped[0]["logger"] == "actionset.site.spam"


def test_an_exception_and_extra_fields_are_kept_in_the_json_line(json_log: io.StringIO) -> None:
    try:
        raise ValueError("the mail server said no")
    except ValueError:
        logging.getLogger("actionset.test").exception("sending failed", extra={"template": "invitation"})
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line["template"] == "invitation"
    assert "ValueError: the mail server said no" in line["exception"]
    assert "request_id" not in line


def test_text_lines_outside_a_request_show_no_request_id() -> None:
    record = logging.LogRecord("actionset", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    assert logging.Formatter("[%(request_id)s] %(message)s").format(record) == "[-] hello"
