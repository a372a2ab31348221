"""The client side of `.ci/prod-smoke`: a mail sink, and a person's visits to the running installation.

`.ci/prod-smoke` starts and stops every process; this script only talks to them, one phase per call, keeping what
a later phase needs (cookies, the addresses it expects mail at) in the work directory:

    sink PORT DIR        an SMTP server that writes each message it receives into DIR, until it is stopped
    database create|drop NAME
    ready                /readyz answers 200, with the worker and the scheduler seen
    compose              a designer signs in and composes a programme's sets through the web; the mail queued so
                         far (the demo world's) reaches the sink
    outage               with the sink stopped: the public enquiry, an invitation, a course booking and a password
                         reset all answer as usual, and the worker has tried their mail and queued it again
    delivered            with the sink back: all of that mail arrives

Standard library only, besides aiosmtpd (the sink) and psycopg (looking at the task queue), both in the project's
environment: nothing here imports the application.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import http.cookiejar
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller

EMAIL_TASK = "actionset.core.tasks.email_deliver"
#: The demo world's logins (actionset/core/demo.py): the designer composes and invites; the participant forgets
#: their password.
DESIGNER = "designer@provider.example"
FORGETFUL = "participant@southfield.example"
DEMO_PASSWORD = "demo"
#: Made by `.ci/prod-smoke` for Southfield, with people enrolled and no sets yet.
PROGRAMME = "Production smoke test programme"
#: The public booking form: a published course whose first bookable cohort has places (actionset/training/demo.py).
COURSE = "Foundation award in action learning facilitation"
#: The public forms send back anything quicker than this after they were shown (PUBLIC_FORM_MIN_SECONDS, default
#: 4 in actionset/core/bots.py): a person takes longer to read and type.
FILL_SECONDS = 5.0


class Failed(Exception):
    """What did not happen as it should, said for the CI log."""


def say(text: str) -> None:
    print(text, flush=True)


# --- the sink ---------------------------------------------------------------------------------------------------


def sink(port: int, directory: Path) -> None:
    """Accept every message on 127.0.0.1:PORT and write it to DIR as JSON (recipients, subject), one file each."""
    directory.mkdir(parents=True, exist_ok=True)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = email.message_from_bytes(
                envelope.original_content or envelope.content, policy=email.policy.default
            )
            record = {
                "to": [address.lower() for address in envelope.rcpt_tos],
                "from": envelope.mail_from,
                "subject": str(message["subject"] or ""),
                "received": time.time(),
            }
            name = f"{time.time_ns()}-{uuid.uuid4().hex}"
            partial = directory / f"{name}.part"
            partial.write_text(json.dumps(record))
            partial.replace(directory / f"{name}.json")  # whole or not there: a reader never sees half a file
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    say(f"sink: listening on 127.0.0.1:{port}, writing to {directory}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    stop.wait()
    controller.stop()
    say("sink: stopped")


def received(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


# --- the database -----------------------------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("PROD_SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def database(action: str, name: str) -> None:
    if not re.fullmatch(r"actionset_prodsmoke_\w+", name):
        raise Failed(f"{name} is not a smoke-test database name; refusing to {action} it")
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True, connect_timeout=5) as connection:
        if action == "create":
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            # FORCE: a process killed mid-query may leave a connection behind for a moment.
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def mail_tasks(since: float = 0) -> list[dict[str, Any]]:
    """Every email task enqueued since `since` (a Unix time): its status, outcome, recipients and subject."""
    with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5) as connection:
        rows = connection.execute(
            "SELECT status, return_value, args_kwargs, run_after, extract(epoch from enqueued_at) "
            "FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND enqueued_at >= to_timestamp(%s) "
            "ORDER BY enqueued_at",
            [EMAIL_TASK, since],
        ).fetchall()
    tasks = []
    for status, outcome, args_kwargs, run_after, enqueued in rows:
        args = args_kwargs["args"]
        message = args[0]
        tasks.append(
            {
                "status": status,
                "outcome": outcome,
                "to": [address.lower() for address in message["to"]],
                "subject": message["subject"],
                "attempt": args[1] if len(args) > 1 else 1,
                "run_after": run_after,
                "enqueued": float(enqueued),
            }
        )
    return tasks


# --- the web client ---------------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms and links of a page, as a browser would submit and follow them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.links: list[tuple[str, str]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attributes}
        present = {key for key, _ in attributes}
        if tag == "a" and "href" in attrs:
            self._link = [attrs["href"], ""]
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            self._form["fields"].append(
                {"name": attrs["name"], "type": kind, "value": attrs.get("value", ""), "checked": "checked" in present}
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "type": "select", "value": None, "first": None}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in present:
                self._select["value"] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if self._select["value"] is None:
                self._select["value"] = self._select["first"] or ""
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea>.
            self._textarea["value"] = self._textarea["value"].removeprefix("\n")
            self._textarea = None


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    text: str
    _parsed: _Forms | None = field(default=None, repr=False)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def _parse(self) -> _Forms:
        if self._parsed is None:
            self._parsed = _Forms()
            self._parsed.feed(self.text)
        return self._parsed

    def form(self, action: str) -> dict[str, Any]:
        """The first form posting to a URL whose path matches the regular expression `action`."""
        path = urllib.parse.urlsplit(self.url).path
        for form in self._parse().forms:
            target = urllib.parse.urljoin(self.url, form["action"] or path)
            if form["method"] == "post" and re.search(action, urllib.parse.urlsplit(target).path):
                return {**form, "action": target}
        raise Failed(f"{self.url} has no form posting to {action}")

    def link(self, *, text: str | None = None, href: str | None = None) -> str:
        """The first link whose words contain `text`, or whose address matches the regular expression `href`."""
        for target, words in self._parse().links:
            if (text is not None and text.lower() in words.lower()) or (href is not None and re.search(href, target)):
                return urllib.parse.urljoin(self.url, target)
        raise Failed(f"{self.url} has no link {text or href!r}")


def fill(form: dict[str, Any], **values: str) -> list[tuple[str, str]]:
    """What a browser sends for `form` with the fields in `values` typed or chosen (ticked boxes are "on")."""
    data: list[tuple[str, str]] = []
    for item in form["fields"]:
        name = item["name"]
        if name in values or item["type"] in ("submit", "button", "image", "reset", "file"):
            continue
        if item["type"] in ("checkbox", "radio"):
            if item["checked"]:
                data.append((name, item["value"] or "on"))
        else:
            data.append((name, item["value"] or ""))
    data.extend(values.items())
    return data


def first_choice(form: dict[str, Any], name: str) -> str:
    """The first option of a group of radio buttons: what a person who has to choose one might choose."""
    for item in form["fields"]:
        if item["name"] == name and item["type"] == "radio":
            return str(item["value"])
    raise Failed(f"the form has no choice {name}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # each redirect is checked, then followed by hand


class Client:
    """A browser without JavaScript: cookies (kept in a file between phases), forms, and redirects one at a time."""

    def __init__(self, base: str, jar: Path | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.MozillaCookieJar(str(jar) if jar else None)
        if jar and jar.exists():
            self.jar.load(ignore_discard=True, ignore_expires=True)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def save(self) -> None:
        self.jar.save(ignore_discard=True, ignore_expires=True)

    def request(
        self, method: str, url: str, data: list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None
    ) -> Page:
        url = urllib.parse.urljoin(self.base, url)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode("utf-8", "replace")
            return Page(url, response.status, {k.lower(): v for k, v in response.headers.items()}, text)

    def get(self, url: str, *, expect: int = 200, headers: dict[str, str] | None = None) -> Page:
        page = self.request("GET", url, headers=headers)
        _expect(page, "GET", expect)
        return page

    def post(self, page: Page, form: dict[str, Any], data: list[tuple[str, str]], *, redirect_to: str) -> Page:
        """Submit `form` from `page` as a browser would; it must redirect to a path matching `redirect_to`, which
        is then opened and must answer 200."""
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(page.url))
        answer = self.request("POST", form["action"], data, headers={"Referer": page.url, "Origin": origin})
        path = urllib.parse.urlsplit(urllib.parse.urljoin(answer.url, answer.location)).path
        if answer.status != 302 or not re.search(redirect_to, path):
            said = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>(.*?)</', answer.text, re.S)
            raise Failed(
                f"POST {answer.url}: {answer.status} to {answer.location or 'nowhere'}, expected 302 to {redirect_to}"
                + (f"; the page says: {' | '.join(' '.join(s.split()) for s in said)[:600]}" if said else "")
            )
        return self.get(answer.location)


def _expect(page: Page, method: str, status: int) -> None:
    if page.status != status:
        raise Failed(f"{method} {page.url}: {page.status}, expected {status}")


@dataclass
class Run:
    """What the phases share, from the environment `.ci/prod-smoke` sets and its work directory."""

    base: str = field(default_factory=lambda: os.environ["SITE_URL"])
    work: Path = field(default_factory=lambda: Path(os.environ["PROD_SMOKE_WORK"]))

    @property
    def mail(self) -> Path:
        return self.work / "mail"

    @property
    def state_file(self) -> Path:
        return self.work / "state.json"

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    def remember(self, **values: Any) -> None:
        self.state_file.write_text(json.dumps({**self.state(), **values}))

    def designer(self) -> Client:
        return Client(self.base, self.work / "designer.cookies")


def wait_for(what: str, check: Any, *, timeout: float, every: float = 1.0) -> Any:
    """Call `check` until it returns something true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {timeout:.0f} seconds")
        time.sleep(every)


# --- the phases ---------------------------------------------------------------------------------------------


def ready(run: Run) -> None:
    client = Client(run.base)
    last: list[Page] = []

    def answered() -> bool:
        try:
            page = client.request("GET", "/readyz")
        except OSError:
            return False  # gunicorn not listening yet
        last[:] = [page]
        return page.status == 200

    try:
        wait_for("/readyz 200 with the worker and the scheduler seen", answered, timeout=90)
    except Failed as error:
        raise Failed(f"{error}; it last said {last[0].status} {last[0].text if last else '(nothing)'}") from None
    checks = json.loads(last[0].text)["checks"]
    if checks.get("worker") != "ok" or checks.get("scheduler") != "ok":
        raise Failed(f"/readyz is 200 without the worker and the scheduler: {checks}")
    say(f"GET /readyz: 200 {checks}")


def compose(run: Run) -> None:
    client = run.designer()
    sign_in = client.get("/accounts/login/")
    form = sign_in.form(r"/accounts/login/$")
    client.post(sign_in, form, fill(form, login=DESIGNER, password=DEMO_PASSWORD), redirect_to=r"^/$")
    say(f"signed in as {DESIGNER} through the sign-in form")
    client.save()

    programme = client.get(client.get("/programmes/").link(text=PROGRAMME))
    board = client.get(programme.link(href=r"/sets/programme/[0-9a-f-]{36}/$"))
    form = board.form(r"/compose/$")
    values = dict(fill(form))
    board = client.post(board, form, fill(form, time_limit="2"), redirect_to=r"^/sets/programme/[0-9a-f-]{36}/$")
    say(f"composition of {values['number_of_sets']} sets started from {board.url}")

    progress = board.url + "compose/progress/"

    def finished() -> bool:
        # What the board's progress bar asks (htmx): once the run is over, the answer is the whole board, put in
        # place of the progress (sets/views.py::progress), and nothing is left to poll.
        return client.get(progress, headers={"HX-Request": "true"}).headers.get("hx-retarget") == "#board"

    started = time.monotonic()
    wait_for("the composition to finish", finished, timeout=90)
    board = client.get(board.url)
    if "could not be composed" in board.text:
        raise Failed(f"the composition failed: {board.text[board.text.find('could not be composed') :][:600]}")
    sets = board.text.count('data-testid="set-score"')
    if sets < 1:
        raise Failed(f"the composition finished but {board.url} shows no sets")
    say(f"composition finished in {time.monotonic() - started:.0f} s: the board shows {sets} sets")

    # Everything queued so far (the bootstrap invitation, the demo world's mail) goes to the sink while it is up.
    def drained() -> bool:
        return not any(task["status"] in ("READY", "RUNNING") for task in mail_tasks())

    wait_for("the worker to send the mail queued so far", drained, timeout=60)
    tasks = mail_tasks()
    failed = [task for task in tasks if task["outcome"] != "sent"]
    arrived = received(run.mail)
    if failed or len(arrived) < len(tasks):
        raise Failed(f"with the sink up, {len(failed)} of {len(tasks)} messages were not sent; {len(arrived)} arrived")
    say(f"with the sink up, the worker sent all {len(tasks)} queued messages and {len(arrived)} arrived at the sink")


def outage(run: Run) -> None:
    started = time.time()
    before = len(received(run.mail))
    token = uuid.uuid4().hex[:8]
    enquirer = f"enquirer-{token}@smoke.test"
    organisation = f"Smoke Test Trust {token}"
    booker = f"booker-{token}@smoke.test"
    invitee = f"invitee-{token}@smoke.test"
    visitor = Client(run.base)  # signed out, as the public is

    # The two public forms are shown, read and filled in as a person would, so their time trap lets them through.
    enquiry_page = visitor.get("/get-in-touch/")
    course_page = visitor.get(visitor.get("/training/").link(text=COURSE))
    shown = time.monotonic()
    time.sleep(max(0.0, FILL_SECONDS - (time.monotonic() - shown)))

    form = enquiry_page.form(r"/get-in-touch/$")
    data = fill(
        form,
        contact_name="Robin Smoke",
        role="Head of Organisational Development",
        organisation_name=organisation,
        email=enquirer,
        organisation_size=first_choice(form, "organisation_size"),
        timing=first_choice(form, "timing"),
        challenge="Our managers solve the same problems alone on each site. We would like them to learn together.",
        consent="on",
    )
    visitor.post(enquiry_page, form, data, redirect_to=r"^/get-in-touch/thanks/$")
    say("with the sink down, the public enquiry form: 302 to the thank-you page, which answers 200")

    signed_in = run.designer()
    southfield = signed_in.get(signed_in.get("/organisations/").link(text="Southfield"))
    people = signed_in.get(southfield.link(href=r"/people/$"))
    new_person = signed_in.get(people.link(href=r"/people/new/$"))
    form = new_person.form(r"/people/new/$")
    signed_in.post(new_person, form, fill(form, name="Robin Invitee", email=invitee), redirect_to=r"/people/$")
    found = signed_in.get(people.url + "?" + urllib.parse.urlencode({"q": invitee}))
    person = signed_in.get(found.link(text="Robin Invitee"))
    form = person.form(r"/invite/$")
    person = signed_in.post(person, form, fill(form), redirect_to=r"/people/[0-9a-f-]{36}/$")
    if "Invitation sent to" not in person.text:
        raise Failed(f"the invitation was answered without saying it was sent: {person.url}")
    say("with the sink down, an invitation from Southfield's directory: 302 back to the person, who shows it sent")

    form = course_page.form(r"/training/courses/[\w-]+/$")
    data = fill(form, name="Robin Booker", email=booker, organisation_name=organisation, consent_to_contact="on")
    booking = visitor.post(course_page, form, data, redirect_to=r"^/training/booking/[^/]+/$")
    if "Confirmed" not in booking.text and "confirmed" not in booking.text:
        raise Failed(f"the booking's page does not say it is confirmed: {booking.url}")
    say("with the sink down, a public course booking: 302 to the booking's own page, which answers 200")

    reset_page = visitor.get("/accounts/password/reset/")
    form = reset_page.form(r"/accounts/password/reset/$")
    visitor.post(reset_page, form, fill(form, email=FORGETFUL), redirect_to=r"^/accounts/password/reset/done/$")
    say("with the sink down, a password reset request: 302 to the page saying an email is on its way, 200")

    expected: list[dict[str, Any]] = [
        {"what": "the enquirer's acknowledgement", "to": enquirer, "subject": "Thank you for getting in touch"},
        {"what": "the enquiry notification to the provider", "to": None, "subject": f"New enquiry: {organisation}"},
        {"what": "the invitation", "to": invitee, "subject": "invited"},
        {"what": "the booking confirmation", "to": booker, "subject": "is confirmed"},
        {"what": "the password-reset mail", "to": FORGETFUL, "subject": "password"},
    ]
    run.remember(expected=expected, outage_started=started)

    # The requests only queued the mail: the worker has tried each message, been refused, and queued it again.
    def tried_and_requeued() -> bool:
        tasks = mail_tasks(since=started - 1)
        return all(
            any(_matches(e, t) and t["outcome"] == "retrying" for t in tasks)
            and any(_matches(e, t) and t["status"] == "READY" and t["attempt"] == 2 for t in tasks)
            for e in expected
        )

    try:
        wait_for("the worker to try the mail and queue it again", tried_and_requeued, timeout=60)
    except Failed:
        tasks = mail_tasks(since=started - 1)
        raise Failed(
            "the worker did not try and queue again every message: "
            + "; ".join(f"{t['to']} {t['subject']!r}: {t['status']} {t['outcome']}" for t in tasks)
        ) from None
    if len(received(run.mail)) != before:
        raise Failed("mail arrived while the sink was stopped")
    retry = min(t["run_after"] for t in mail_tasks(since=started - 1) if t["status"] == "READY")
    due = (retry - datetime.datetime.now(datetime.UTC)).total_seconds()
    say(f"the queue holds all {len(expected)} messages, each tried once; the first is due again in {due:.0f} s")


def delivered(run: Run) -> None:
    expected = run.state()["expected"]
    back = time.time()

    def missing() -> list[str]:
        arrived = [m for m in received(run.mail) if m["received"] >= back]
        return [e["what"] for e in expected if not any(_matches(e, m) for m in arrived)]

    try:
        wait_for("the queued mail to arrive", lambda: not missing(), timeout=120, every=2)
    except Failed:
        raise Failed(f"with the sink back for 120 seconds, still missing: {', '.join(missing())}") from None
    say(f"with the sink back, all {len(expected)} messages arrived within {time.time() - back:.0f} s:")
    for e in expected:
        say(f"  {e['what']}")


def _matches(expected: dict[str, Any], message: dict[str, Any]) -> bool:
    return (expected["to"] is None or expected["to"] in message["to"]) and expected["subject"].lower() in message[
        "subject"
    ].lower()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    command, *args = argv
    try:
        if command == "sink":
            sink(int(args[0]), Path(args[1]))
        elif command == "port":
            print(free_port())
        elif command == "database":
            database(args[0], args[1])
        else:
            {"ready": ready, "compose": compose, "outage": outage, "delivered": delivered}[command](Run())
    except Failed as error:
        print(f"FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
