"""Access matrix cases for the question coach."""

from __future__ import annotations

from tests.matrix import LOGIN, OK, Case, expect

CASES: dict[str, Case] = {
    "coach:practice": Case("get", lambda c: {}, expect(OK, anonymous=LOGIN)),
}
