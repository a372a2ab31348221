"""Browser tests: Playwright driving the system Chromium (Debian's `chromium` package).

Never a downloaded browser. Without Chromium these tests skip with a message saying how to
install it; CI installs it, so there they always run. Screenshots go to `screenshots/`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make around it
# are ordinary synchronous code, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

#: How long `expect(...)` waits for a page to reach what a test asserts. Checks read the page only through `expect`,
#: which retries until this runs out, never `is_visible()` straight after a click: under a loaded CI machine a
#: response can take seconds, and a one-shot read then fails a test whose behaviour is right.
EXPECT_TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


#: One Playwright and one Chromium per process, however many modules take the `browser` fixture: a module outside
#: this folder that reuses it gets a fixture of its own, and a second sync Playwright in one thread fails with
#: "Sync API inside the asyncio loop". The count says when the last of them is done with it.
_chromium: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if not path and os.environ.get("CI"):
        pytest.fail("CI must run the browser tests, and Chromium is missing: `apt-get install chromium`")
    if not path:
        pytest.skip("Chromium not found: install Debian's package with `apt-get install chromium` to run browser tests")
    if not _chromium["users"]:
        from playwright.sync_api import expect, sync_playwright

        expect.set_options(timeout=EXPECT_TIMEOUT_MS)

        playwright = sync_playwright().start()
        _chromium["playwright"] = playwright
        _chromium["browser"] = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            # The machine has no network beyond loopback: stop Chromium reaching out on its own.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
    _chromium["users"] += 1
    try:
        yield _chromium["browser"]
    finally:
        _chromium["users"] -= 1
        if not _chromium["users"]:
            _chromium.pop("browser").close()
            _chromium.pop("playwright").stop()


class _TestServerHandler(StaticFilesHandler):
    """The test server's handler: it knows how many requests it is still answering, and where its threads share one
    SQLite connection it answers them one at a time.

    A browser page closed at the end of a test may leave requests the server is still answering; the database is
    then emptied for the next test (PostgreSQL's TRUNCATE deadlocked with such a request, and the next tests found
    the last one's rows) and the test's settings are put back under them. `new_page` waits for them to end.

    Django hands an in-memory SQLite database's single connection to every thread of the test server, and SQLite
    answers a read that meets another thread's open write at once with "database table is locked": a live page's
    poll, woken by the very change being written, then failed with a 500 and the device missed the change for a
    while. A connection is one conversation, so its requests take turns, as they would on a server with one
    connection. A response streamed afterwards (a meeting's event stream) is sent outside the turn and not counted.
    On PostgreSQL each thread has its own connection, and requests run side by side as in production.
    """

    shares_connection = False
    turn = threading.Lock()
    idle = threading.Condition()
    answering = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        cls = type(self)
        with cls.idle:
            cls.answering += 1
        try:
            if cls.shares_connection:
                with cls.turn:
                    return super().__call__(environ, start_response)
            return super().__call__(environ, start_response)
        finally:
            with cls.idle:
                cls.answering -= 1
                cls.idle.notify_all()

    @classmethod
    def wait_until_idle(cls) -> None:
        with cls.idle:
            # Bounded so that a request stuck for good shows as the test's failure, not a suite that never ends.
            cls.idle.wait_for(lambda: cls.answering == 0, timeout=60)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[Any]:
    """pytest-django's live server, made after the test database, with `_TestServerHandler`.

    Made before the test database (pytest-django's own does not ask for it), the server saw the settings' database
    rather than the in-memory test database, shared nothing, and each of its threads opened a connection of its own
    to the in-memory database, whose shared cache locks whole tables: whether a worker's browser tests ran that way
    or shared the connection hung on whether another test had set the database up first.
    """
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    _TestServerHandler.shares_connection = bool(server.thread.connections_override)
    server.thread.static_handler = _TestServerHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """Pages in browser contexts of their own, closed at the end of the test before anything else is put back.

    Asking for the database here (every browser test has it: the server reads what the test wrote) makes the pages
    be set up after it and closed before it is emptied for the next test."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, **kwargs: Any) -> Any:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server.url, **kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    # Before the test's database and settings are put back: what the pages asked for is answered first.
    _TestServerHandler.wait_until_idle()


def sign_in(page: Any, email: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core (bundled in the axe-playwright-python package, not fetched) — serious and critical only."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
