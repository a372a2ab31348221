"""Every form in the meeting room, sent while the device is offline, is queued with a banner saying how many changes
wait, and is sent when the connection returns; what was queued belongs to the person who typed it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from actionset.meetings.models import Attendance, Meeting
from actionset.room.models import (
    Action,
    ActionReport,
    AirtimeBid,
    AirtimeNotes,
    AirtimeQuestion,
    ConsensusStatement,
    ContractAcknowledgement,
    ProcessReview,
)
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_live_every_panel import FOLLOW_MS, build_set, open_live, sign_in_by_cookie, titles


class Device:
    def __init__(self, page: Any) -> None:
        self.page = page

    def offline(self) -> None:
        self.page.context.set_offline(True)

    def online(self) -> None:
        self.page.context.set_offline(False)

    def waiting(self, count: int) -> None:
        """The banner says this device is offline with `count` changes waiting."""
        text = "1 change waiting" if count == 1 else f"{count} changes waiting"
        expect(self.page.get_by_test_id("offline-banner")).to_contain_text(text)

    def sent(self) -> None:
        expect(self.page.get_by_test_id("offline-banner")).to_be_hidden()


def next_phase(facilitator: Any, title: str) -> None:
    facilitator.locator("#live-state").get_by_role("button", name=f"Next: {title} →").click()
    expect(facilitator.get_by_test_id("phase-title")).to_have_text(title)


def start(facilitator: Any, title: str) -> None:
    facilitator.locator("#live-state").get_by_role("button", name="Start the meeting").click()
    facilitator.get_by_role("button", name=re.compile("^Start (early|now)$")).click()
    expect(facilitator.get_by_test_id("phase-title")).to_have_text(title)


def hand_over(facilitator: Any, name: str) -> None:
    facilitator.get_by_label("Presenter", exact=True).select_option(label=name)
    facilitator.get_by_role("button", name=re.compile("Hand over airtime|Set presenter")).click()
    expect(facilitator.get_by_test_id("presenter")).to_contain_text(name)


def started_at(method: str, kind: str, *, presenter: bool = False) -> tuple[Meeting, Any, Any, Any]:
    """A set of the method whose meeting is started early and moved on to its first phase of `kind`, with Amara
    presenting if `presenter`: the meeting, the facilitator, Amara and Ben (as `build_set` gives them)."""
    from actionset.meetings import live

    meeting, facilitator_user, amara_user, ben_user = build_set(method)
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    while live.sheet_of(meeting, run)[run.phase_index].kind != kind:
        run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    if presenter:
        amara = meeting.learning_set.member_enrolment(amara_user)
        live.live_presenter(actor=facilitator_user, meeting=meeting, version=run.version, presenter=amara)
    return meeting, facilitator_user, amara_user, ben_user


@pytest.fixture
def uk(new_page: Any, live_server: Any, transactional_db: Any) -> tuple[Any, Any, Meeting]:
    meeting, facilitator, amara, _ = build_set("uk")
    return (
        open_live(new_page, live_server, facilitator, meeting, DESKTOP),
        open_live(new_page, live_server, amara, meeting, PHONE),
        meeting,
    )


def test_every_uk_room_form_sent_offline_is_sent_when_the_connection_returns(uk: tuple[Any, Any, Meeting]) -> None:
    fola, amara_page, meeting = uk
    facilitator, amara = Device(fola), Device(amara_page)
    t = titles("uk")
    start(fola, t[0])

    # Attendance, by the facilitator.
    facilitator.offline()
    side = fola.locator("#live-attendance")
    side.get_by_role("group", name="Amara Okafor").get_by_label("Present").check()
    side.get_by_role("button", name="Save attendance").click()
    facilitator.waiting(1)
    assert not Attendance.objects.exists()
    facilitator.online()
    facilitator.sent()
    expect(side.get_by_role("group", name="Amara Okafor").get_by_label("Present")).to_be_checked()
    assert Attendance.objects.get().status == "present"

    next_phase(fola, t[1])
    expect(amara_page.get_by_test_id("phase-title")).to_have_text(t[1], timeout=FOLLOW_MS)
    # A progress report: the status chosen and the learning typed are kept and sent.
    amara.offline()
    progress = amara_page.locator("#panel-progress")
    progress.get_by_label("Partly done").check()
    progress.get_by_label("What did you learn?").fill("Nights need their own meeting")
    progress.get_by_role("button", name="Report").click()
    amara.waiting(1)
    expect(progress.get_by_text("Not sent yet")).to_be_visible()
    # The facilitator moves on meanwhile; nothing Amara typed is lost when her panel catches up.
    next_phase(fola, t[2])
    bids = amara_page.locator("#panel-bids")
    amara.online()
    amara.sent()
    expect(amara_page.get_by_test_id("phase-title")).to_have_text(t[2])
    report = ActionReport.objects.get()
    assert (report.status, report.learning) == ("partly", "Nights need their own meeting")

    # A bid, with its minutes and urgency.
    amara.offline()
    bids.get_by_label("Yes").check()
    bids.get_by_label("How many minutes?").fill("25")
    bids.get_by_label("How urgent?").select_option(index=2)
    bids.get_by_role("button", name="Bid").click()
    amara.waiting(1)
    amara.online()
    amara.sent()
    bid = AirtimeBid.objects.get()
    assert (bid.needs_time, bid.minutes, bid.urgency) == (True, 25, 3)

    # The facilitator's agreed order.
    expect(fola.locator("#panel-bids table")).to_contain_text("25 min", timeout=FOLLOW_MS)
    facilitator.offline()
    fola.locator("#panel-bids").get_by_label("Position of Amara Okafor").fill("1")
    fola.locator("#panel-bids").get_by_role("button", name="Agree this order").click()
    facilitator.waiting(1)
    facilitator.online()
    facilitator.sent()
    bid.refresh_from_db()
    assert bid.position == 1

    # In her airtime: the notes, a question and an action, three changes queued in turn and sent in order.
    next_phase(fola, t[3])
    hand_over(fola, "Amara Okafor")
    panel = amara_page.locator("#live-panel")
    expect(panel.get_by_role("heading", name="Airtime: Amara Okafor")).to_be_visible(timeout=FOLLOW_MS)
    amara.offline()
    panel.get_by_label("The issue in a line").fill("Handovers drop things")
    panel.get_by_role("button", name="Save notes").click()
    amara.waiting(1)
    panel.get_by_label("A question asked").fill("What gets dropped first?")
    panel.get_by_role("button", name="Note it").click()
    amara.waiting(2)
    panel.get_by_label("Action for Amara Okafor").fill("Write a handover checklist")
    panel.get_by_role("button", name="Add action").click()
    amara.waiting(3)
    screenshot(amara_page, "live-offline-member-390")
    amara.online()
    amara.sent()
    assert AirtimeNotes.objects.get().issue == "Handovers drop things"
    assert AirtimeQuestion.objects.get().text == "What gets dropped first?"
    assert Action.objects.filter(meeting=meeting).get().text == "Write a handover checklist"

    # The process review.
    next_phase(fola, t[4])
    review = amara_page.locator("#panel-review")
    expect(review).to_be_visible(timeout=FOLLOW_MS)
    amara.offline()
    review.get_by_text("6", exact=True).click()
    review.get_by_label("What will we do differently?").fill("Start on time")
    review.get_by_role("button", name="Save my review").click()
    amara.waiting(1)
    amara.online()
    amara.sent()
    saved = ProcessReview.objects.get()
    assert (saved.rating, saved.differently) == (6, "Start on time")


def test_every_wial_room_form_sent_offline_is_sent_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    meeting, facilitator_user, amara_user, ben_user = build_set("wial")
    from actionset.room import contract

    contract.contract_save(
        actor=facilitator_user,
        learning_set=meeting.learning_set,
        based_on=0,
        ground_rules="Statements only in answer to questions.",
        sharing_rule="all_present",
        tell=False,
    )
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    ben_page = open_live(new_page, live_server, ben_user, meeting, PHONE)
    amara_page = open_live(new_page, live_server, amara_user, meeting, DESKTOP)
    ben, amara = Device(ben_page), Device(amara_page)
    t = titles("wial")
    start(fola, t[0])

    # Acknowledging the ground rules.
    rules = ben_page.locator("#panel-ground-rules")
    expect(rules).to_be_visible(timeout=FOLLOW_MS)
    ben.offline()
    rules.get_by_role("button", name=re.compile("confidential")).click()
    ben.waiting(1)
    ben.online()
    ben.sent()
    assert ContractAcknowledgement.objects.filter(enrolment__person__user=ben_user).exists()

    # Past the progress round to the presentation, where Amara presents.
    for title in t[1:3]:
        next_phase(fola, title)
    hand_over(fola, "Amara Okafor")
    for title in t[3:5]:
        next_phase(fola, title)
    # A member's statement of the problem, then the presenter's verdict on it: the button pressed is what is sent.
    consensus = ben_page.locator("#panel-consensus")
    expect(consensus).to_be_visible(timeout=FOLLOW_MS)
    ben.offline()
    consensus.get_by_label("The real problem, as I see it").fill("Nobody owns the rota")
    consensus.get_by_role("button", name="Submit").click()
    ben.waiting(1)
    ben.online()
    ben.sent()
    assert ConsensusStatement.objects.get().text == "Nobody owns the rota"
    verdicts = amara_page.locator("#panel-consensus")
    expect(verdicts).to_contain_text("Nobody owns the rota", timeout=FOLLOW_MS)
    amara.offline()
    verdicts.get_by_role("button", name=re.compile("^Close")).click()
    amara.waiting(1)
    amara.online()
    amara.sent()
    assert ConsensusStatement.objects.get().verdict == "close"


def test_what_one_person_queued_is_never_sent_or_shown_as_someone_else(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    meeting, _facilitator_user, amara_user, ben_user = started_at("incident", "review")
    page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    review = page.locator("#panel-review")
    # Amara's review cannot get through (the network is down for this address only), so it waits on the device.
    page.route("**/review/", lambda route: route.abort())
    review.get_by_text("9", exact=True).click()
    review.get_by_label("What helped?").fill("Amara's private words")
    review.get_by_role("button", name="Save my review").click()
    Device(page).waiting(1)
    page.unroute("**/review/")

    # Ben signs in at the same browser before it is sent.
    sign_in_by_cookie(page, live_server, ben_user)
    page.goto(f"/meetings/{meeting.public_id}/live/")
    expect(page.locator("#panel-review").get_by_label("What helped?")).to_have_value("")
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('actionset-draft:'))") == []
    assert not ProcessReview.objects.exists()


def test_a_take_sent_offline_are_sent_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    """The new methods' forms queue offline like every room form: a take in the incident method."""
    from actionset.room.models import CaseTake

    meeting, _facilitator_user, _amara_user, ben_user = started_at("incident", "takes", presenter=True)
    ben_page = open_live(new_page, live_server, ben_user, meeting, PHONE)
    ben = Device(ben_page)
    takes = ben_page.locator("#live-panel")
    expect(takes.get_by_role("button", name="Give my take")).to_be_visible(timeout=FOLLOW_MS)
    ben.offline()
    takes.get_by_label(re.compile("^My take")).fill("It sounds like a handover gap")
    takes.get_by_role("button", name="Give my take").click()
    ben.waiting(1)
    ben.online()
    ben.sent()
    assert CaseTake.objects.get().text == "It sounds like a handover gap"


# --- every other room form: queued offline, kept through a phase change and a reload, sent once on reconnect ---


def move_on_and_back(meeting: Meeting, facilitator_user: Any) -> None:
    """Another of the facilitator's devices moves the meeting to the next phase and back (the last phase: back and
    on again), as a facilitator does who moves on too soon."""
    from actionset.meetings import live

    run = live.run_of(meeting)
    assert run is not None
    last = run.phase_index + 1 >= len(live.sheet_of(meeting, run))
    first, then = (live.live_previous, live.live_next) if last else (live.live_next, live.live_previous)
    run = first(actor=facilitator_user, meeting=meeting, version=run.version)
    then(actor=facilitator_user, meeting=meeting, version=run.version)


@dataclass(frozen=True)
class Typed:
    """Text typed into the field with this label (with `test_id`, the field with this test id)."""

    label: str
    text: str
    test_id: bool = False

    def _field(self, form: Any) -> Any:
        return form.get_by_test_id(self.label) if self.test_id else form.get_by_label(self.label)

    def fill(self, form: Any) -> None:
        self._field(form).fill(self.text)

    def kept(self, form: Any) -> None:
        expect(self._field(form)).to_have_value(self.text)


@dataclass(frozen=True)
class Chosen:
    """An option chosen, by its text, in the list with this label."""

    label: str
    option: str

    def fill(self, form: Any) -> None:
        form.get_by_label(self.label).select_option(label=self.option)

    def kept(self, form: Any) -> None:
        expect(form.get_by_label(self.label).locator("option:checked")).to_have_text(self.option)


@dataclass(frozen=True)
class Rated:
    """A rating chosen on a scale of radio buttons, by its number."""

    value: str

    def fill(self, form: Any) -> None:
        form.get_by_text(self.value, exact=True).click()

    def kept(self, form: Any) -> None:
        expect(form.get_by_label(self.value, exact=True)).to_be_checked()


Field = Typed | Chosen | Rated


@dataclass(frozen=True)
class Offline:
    """One room form of a test's table: after the facilitator moves on to `phases`, the person on `page` fills
    `fields` into the form `form(page)` finds and presses `button`; it posts to `address`. Once it is sent, each page
    of `seen_by` shows it (`seen`), and `row` (a read of what was saved, and the value it must have) checks it."""

    page: Any
    address: str
    form: Callable[[Any], Any]
    fields: tuple[Field, ...]
    button: str
    seen_by: tuple[Any, ...]
    seen: Callable[[Any], None]
    row: tuple[Callable[[], object], object] | None = None
    phases: tuple[str, ...] = ()


def sent_once_after_a_phase_change_and_a_reload(sent: Offline, meeting: Meeting, facilitator_user: Any) -> None:
    """The person on `sent.page` fills in the form and presses its button while offline. It waits, saying so, even
    when pressed twice; the meeting moves to another phase and back, and the page is reloaded, while the server is
    still out of reach: what was typed is still in the form and still waits. When the connection returns, it is
    sent once (one POST to its address answered), the banner goes, and the others see it."""
    page, form = sent.page, sent.form
    device = Device(page)
    device.offline()
    for field in sent.fields:
        field.fill(form(page))
    form(page).get_by_role("button", name=sent.button).click()
    device.waiting(1)
    # Pressed again, as people do when nothing seems to happen: it still waits once.
    form(page).get_by_role("button", name=sent.button).click()
    device.waiting(1)
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()

    # The connection comes back for everything but this form's address, so the page follows the meeting and can be
    # reloaded while the change still cannot get through.
    answered: list[str] = []
    page.on(
        "response",
        lambda r: answered.append(r.url) if r.request.method == "POST" and r.url.endswith(sent.address) else None,
    )
    pattern = f"**/{sent.address}"
    page.route(pattern, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    device.online()
    phase = page.get_by_test_id("phase-title").inner_text()
    move_on_and_back(meeting, facilitator_user)
    expect(page.get_by_test_id("phase-title")).to_have_text(phase)
    for field in sent.fields:
        field.kept(form(page))
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()
    page.reload()
    for field in sent.fields:
        field.kept(form(page))
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_contain_text("1 change")

    page.unroute(pattern)
    device.sent()
    expect(page.locator("form .is-queued")).to_have_count(0)
    assert len(answered) == 1, answered
    for other in sent.seen_by:
        sent.seen(other)
    if sent.row is not None:
        read, expected = sent.row
        assert read() == expected


def each_sent_once(facilitator_page: Any, meeting: Meeting, facilitator_user: Any, table: Sequence[Offline]) -> None:
    for sent in table:
        for title in sent.phases:
            next_phase(facilitator_page, title)
        sent_once_after_a_phase_change_and_a_reload(sent, meeting, facilitator_user)


def opened(details: Any) -> Any:
    """A facilitator's on-behalf form, its section opened (a reload draws it closed)."""
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def panel(page: Any) -> Any:
    return page.locator("#live-panel")


def test_every_incident_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.room.models import CaseTake

    meeting, facilitator_user, amara_user, ben_user = started_at("incident", "case", presenter=True)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    ben_page = open_live(new_page, live_server, ben_user, meeting, DESKTOP)
    t = titles("incident")
    response = "What struck me, and what I take from it"

    each_sent_once(
        fola,
        meeting,
        facilitator_user,
        (
            # The case, by the case-giver on her phone.
            Offline(
                amara_page,
                "airtime/",
                panel,
                (
                    Typed("The case in a line", "A complaint I handled badly"),
                    Typed("The case-giver's question", "What did I miss?"),
                ),
                "Save the case",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(panel(p).get_by_label("The case-giver's question")).to_have_value(
                    "What did I miss?"
                ),
            ),
            # A clarifying question, by Ben.
            Offline(
                ben_page,
                "airtime/questions/",
                panel,
                (Typed("A question asked", "When did it happen?"),),
                "Note it",
                seen_by=(fola, amara_page),
                seen=lambda p: expect(panel(p).locator(".questions")).to_contain_text("When did it happen?"),
                row=(lambda: AirtimeQuestion.objects.get().text, "When did it happen?"),
                phases=(t[2],),
            ),
            # A take recorded by the facilitator for Chloe, who has no device.
            Offline(
                fola,
                "takes/",
                lambda p: opened(p.locator("#live-panel details.on-behalf")),
                (Chosen("Member", "Chloe Brown"), Typed("Their take, as they give it", "Ask who else saw it")),
                "Record their take",
                seen_by=(amara_page, ben_page),
                seen=lambda p: expect(p.get_by_test_id("takes")).to_contain_text("Ask who else saw it"),
                row=(lambda: CaseTake.objects.get().text, "Ask who else saw it"),
                phases=(t[3],),
            ),
            # The case-giver's response, then her action.
            Offline(
                amara_page,
                "airtime/",
                lambda p: panel(p).locator("form").first,
                (Typed(response, "I stopped listening early"),),
                "Save the response",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(panel(p).locator("textarea[name=insights]")).to_have_value(
                    "I stopped listening early"
                ),
                phases=(t[4],),
            ),
            Offline(
                amara_page,
                "actions/",
                lambda p: p.locator("#live-panel form.action-form"),
                (Typed("Action for Amara Okafor", "Call the customer back"),),
                "Add action",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(p.get_by_test_id("case-actions")).to_contain_text("Call the customer back"),
                row=(lambda: Action.objects.filter(meeting=meeting).get().text, "Call the customer back"),
            ),
        ),
    )


def test_every_other_wial_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.room.models import CoachAnswer, LearningReflection

    meeting, facilitator_user, amara_user, ben_user = started_at("wial", "questions", presenter=True)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, DESKTOP)
    ben_page = open_live(new_page, live_server, ben_user, meeting, PHONE)
    t = titles("wial")
    member = Chosen("Member", "Chloe Brown")

    each_sent_once(
        fola,
        meeting,
        facilitator_user,
        (
            # A question noted in the questions phase, by Ben on his phone.
            Offline(
                ben_page,
                "airtime/questions/",
                panel,
                (Typed("A question asked", "What have you tried so far?"),),
                "Note it",
                seen_by=(fola, amara_page),
                seen=lambda p: expect(panel(p).locator(".questions")).to_contain_text("What have you tried so far?"),
            ),
            # An action in the actions phase, by the presenter.
            Offline(
                amara_page,
                "actions/",
                lambda p: p.locator("#panel-actions form.action-form"),
                (Typed("Action for Amara Okafor", "Name an owner for the rota"),),
                "Add action",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(p.locator("#panel-actions")).to_contain_text("Name an owner for the rota"),
                phases=(t[4], t[5]),
            ),
            # The coach's intervention: Ben's answers (a rating chosen, as well as text), then Chloe's, by the
            # facilitator.
            Offline(
                ben_page,
                "coach/",
                lambda p: p.locator("#panel-coach form").first,
                (Rated("7"), Typed("What could we do better?", "Fewer stories, more questions")),
                "Save my answers",
                seen_by=(fola, amara_page),
                seen=lambda p: expect(p.locator("#panel-coach")).to_contain_text("Fewer stories, more questions"),
                phases=(t[6],),
            ),
            Offline(
                fola,
                "coach/",
                lambda p: opened(p.locator("#coach-on-behalf")),
                (member, Typed("1 to 10", "9")),
                "Record their answers",
                seen_by=(amara_page, ben_page),
                seen=lambda p: expect(p.get_by_test_id("coach-count")).to_contain_text("2 answers so far"),
                row=(lambda: sorted(CoachAnswer.objects.values_list("rating", flat=True)), [7, 9]),
            ),
            # The learning reflection (the last phase): Amara's, then Chloe's, by the facilitator.
            Offline(
                amara_page,
                "reflection/",
                lambda p: p.locator("#panel-reflection form").first,
                (Typed("My learning today", "I jump to solutions when I am anxious"),),
                "Save my reflection",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(p.locator("#panel-reflection")).to_contain_text(
                    "I jump to solutions when I am anxious"
                ),
                phases=(t[7],),
            ),
            Offline(
                fola,
                "reflection/",
                lambda p: opened(p.locator("#reflection-on-behalf")),
                (member, Typed("Their reflection, as they say it", "Listening is harder than talking")),
                "Record their reflection",
                seen_by=(amara_page, ben_page),
                seen=lambda p: expect(p.locator("#panel-reflection")).to_contain_text(
                    "Listening is harder than talking"
                ),
                row=(lambda: LearningReflection.objects.count(), 2),
            ),
        ),
    )


def test_every_troika_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.room.models import TrioNotes

    meeting, facilitator_user, amara_user, ben_user = started_at("troika", "round")
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    ben_page = open_live(new_page, live_server, ben_user, meeting, DESKTOP)

    each_sent_once(
        fola,
        meeting,
        facilitator_user,
        (
            # The trio's notes, by Ben; then the action of Amara, the client this round.
            Offline(
                ben_page,
                "trios/notes/",
                lambda p: p.locator("#live-panel form").filter(has=p.get_by_test_id("trio-notes")),
                (Typed("trio-notes", "Try the rota for a month", test_id=True),),
                "Save the notes",
                seen_by=(fola, amara_page),
                seen=lambda p: expect(p.get_by_test_id("trio-notes")).to_have_value("Try the rota for a month"),
            ),
            Offline(
                amara_page,
                "actions/",
                lambda p: p.locator("#live-panel form.action-form"),
                (Typed("Action for Amara Okafor", "Run the rota trial in March"),),
                "Add action",
                seen_by=(fola, ben_page),
                seen=lambda p: expect(p.get_by_test_id("trio-actions")).to_contain_text("Run the rota trial in March"),
            ),
            # The facilitator takes Chloe out of the trios.
            Offline(
                fola,
                "trios/",
                lambda p: opened(p.locator("#trios-arrange")),
                (Chosen("Chloe Brown", "Not in a trio today"),),
                "Set the trios",
                seen_by=(amara_page, ben_page),
                seen=lambda p: expect(p.get_by_test_id("live-round")).to_contain_text("Round 1 of 2"),
            ),
        ),
    )
    # The trio's notes and the action outlast the trios being set again.
    assert TrioNotes.objects.get().text == "Try the rota for a month"
    assert Action.objects.filter(meeting=meeting).get().text == "Run the rota trial in March"


def test_the_facilitators_uk_forms_for_members_without_a_device_sent_offline_are_sent_once(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    meeting, facilitator_user, amara_user, _ben_user = started_at("uk", "progress")
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    t = titles("uk")

    each_sent_once(
        fola,
        meeting,
        facilitator_user,
        (
            # Amara's report, as she gives it aloud, recorded by the facilitator.
            Offline(
                fola,
                "progress/",
                lambda p: p.locator("#panel-progress form.on-behalf"),
                (Chosen("Amara Okafor's report, as they give it in the room", "Done"),),
                "Record",
                seen_by=(amara_page,),
                seen=lambda p: expect(p.get_by_test_id("round-row")).to_contain_text("recorded by Fola Facilitator"),
                row=(lambda: ActionReport.objects.get().status, "done"),
            ),
            # Chloe's bid.
            Offline(
                fola,
                "bids/",
                lambda p: opened(p.locator("#bid-on-behalf")),
                (Chosen("Member", "Chloe Brown"), Typed("Minutes", "15")),
                "Record their bid",
                seen_by=(amara_page,),
                seen=lambda p: expect(p.locator("#panel-bids .presenter-order")).to_contain_text("Chloe Brown"),
                row=(lambda: AirtimeBid.objects.get().minutes, 15),
                phases=(t[2],),
            ),
        ),
    )
