"""Every form in the meeting room, sent while the device is offline, is queued with a banner saying how many changes
wait, and is sent when the connection returns; what was queued belongs to the person who typed it."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    meeting, facilitator_user, amara_user, ben_user = build_set("incident")
    from actionset.meetings import live

    live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    while True:  # to the process review
        run = live.run_of(meeting)
        assert run is not None
        if live.sheet_of(meeting, run)[run.phase_index].kind == "review":
            break
        live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
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
    from actionset.meetings import live
    from actionset.room.models import CaseTake

    meeting, facilitator_user, amara_user, ben_user = build_set("incident")
    amara = meeting.learning_set.member_enrolment(amara_user)
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "takes":
        run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    live.live_presenter(actor=facilitator_user, meeting=meeting, version=run.version, presenter=amara)
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


def sent_once_after_a_phase_change_and_a_reload(
    page: Any,
    meeting: Meeting,
    facilitator_user: Any,
    *,
    address: str,
    form: Callable[[Any], Any],
    fill: Callable[[Any], None],
    button: str,
    kept: Callable[[Any], None],
) -> None:
    """The person on `page` fills the form that `form(page)` finds and presses `button` while offline. It waits,
    saying so, even when pressed twice; the meeting moves to another phase and back, and the page is reloaded,
    while the server is still out of reach: what was typed is still in the form (`kept`) and still waits. When
    the connection returns, it is sent once (one POST to `address` answered), and the banner goes."""
    device = Device(page)
    device.offline()
    fill(form(page))
    form(page).get_by_role("button", name=button).click()
    device.waiting(1)
    # Pressed again, as people do when nothing seems to happen: it still waits once.
    form(page).get_by_role("button", name=button).click()
    device.waiting(1)
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()

    # The connection comes back for everything but this form's address, so the page follows the meeting and can be
    # reloaded while the change still cannot get through.
    answered: list[str] = []
    page.on(
        "response",
        lambda r: answered.append(r.url) if r.request.method == "POST" and r.url.endswith(address) else None,
    )
    pattern = f"**/{address}"
    page.route(pattern, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    device.online()
    phase = page.get_by_test_id("phase-title").inner_text()
    move_on_and_back(meeting, facilitator_user)
    expect(page.get_by_test_id("phase-title")).to_have_text(phase)
    kept(form(page))
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()
    page.reload()
    kept(form(page))
    expect(form(page).get_by_text("Not sent yet")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_contain_text("1 change")

    page.unroute(pattern)
    device.sent()
    expect(page.locator("form .is-queued")).to_have_count(0)
    assert len(answered) == 1, answered


def opened(details: Any) -> Any:
    """A facilitator's on-behalf form, its section opened (a reload draws it closed)."""
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def test_every_incident_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.meetings import live
    from actionset.room.models import CaseTake

    meeting, facilitator_user, amara_user, ben_user = build_set("incident")
    amara = meeting.learning_set.member_enrolment(amara_user)
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    live.live_presenter(actor=facilitator_user, meeting=meeting, version=run.version, presenter=amara)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    ben_page = open_live(new_page, live_server, ben_user, meeting, DESKTOP)
    t = titles("incident")
    panel: Callable[[Any], Any] = lambda p: p.locator("#live-panel")  # noqa: E731

    # The case, by the case-giver on her phone.
    def case(form: Any) -> None:
        form.get_by_label("The case in a line").fill("A complaint I handled badly")
        form.get_by_label("The case-giver's question").fill("What did I miss?")

    def case_kept(form: Any) -> None:
        expect(form.get_by_label("The case in a line")).to_have_value("A complaint I handled badly")
        expect(form.get_by_label("The case-giver's question")).to_have_value("What did I miss?")

    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="airtime/",
        form=panel,
        fill=case,
        button="Save the case",
        kept=case_kept,
    )
    for page in (fola, ben_page):
        expect(panel(page).get_by_label("The case-giver's question")).to_have_value("What did I miss?")

    # A clarifying question, by Ben.
    next_phase(fola, t[2])
    sent_once_after_a_phase_change_and_a_reload(
        ben_page,
        meeting,
        facilitator_user,
        address="airtime/questions/",
        form=panel,
        fill=lambda f: f.get_by_label("A question asked").fill("When did it happen?"),
        button="Note it",
        kept=lambda f: expect(f.get_by_label("A question asked")).to_have_value("When did it happen?"),
    )
    for page in (fola, amara_page):
        expect(panel(page).locator(".questions")).to_contain_text("When did it happen?")
    assert AirtimeQuestion.objects.get().text == "When did it happen?"

    # A take recorded by the facilitator for Chloe, who has no device.
    next_phase(fola, t[3])
    behalf: Callable[[Any], Any] = lambda p: opened(p.locator("#live-panel details.on-behalf"))  # noqa: E731

    def take(form: Any) -> None:
        form.get_by_label("Member").select_option(label="Chloe Brown")
        form.get_by_label("Their take, as they give it").fill("Ask who else saw it")

    def take_kept(form: Any) -> None:
        expect(form.get_by_label("Member").locator("option:checked")).to_have_text("Chloe Brown")
        expect(form.get_by_label("Their take, as they give it")).to_have_value("Ask who else saw it")

    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="takes/",
        form=behalf,
        fill=take,
        button="Record their take",
        kept=take_kept,
    )
    for page in (amara_page, ben_page):
        expect(page.get_by_test_id("takes")).to_contain_text("Ask who else saw it")
    assert CaseTake.objects.get().text == "Ask who else saw it"

    # The case-giver's response, then her action.
    next_phase(fola, t[4])
    label = "What struck me, and what I take from it"
    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="airtime/",
        form=lambda p: panel(p).locator("form").first,
        fill=lambda f: f.get_by_label(label).fill("I stopped listening early"),
        button="Save the response",
        kept=lambda f: expect(f.get_by_label(label)).to_have_value("I stopped listening early"),
    )
    for page in (fola, ben_page):
        expect(panel(page).locator("textarea[name=insights]")).to_have_value("I stopped listening early")
    action_form: Callable[[Any], Any] = lambda p: p.locator("#live-panel form.action-form")  # noqa: E731
    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="actions/",
        form=action_form,
        fill=lambda f: f.get_by_label("Action for Amara Okafor").fill("Call the customer back"),
        button="Add action",
        kept=lambda f: expect(f.get_by_label("Action for Amara Okafor")).to_have_value("Call the customer back"),
    )
    for page in (fola, ben_page):
        expect(page.get_by_test_id("case-actions")).to_contain_text("Call the customer back")
    assert Action.objects.filter(meeting=meeting).get().text == "Call the customer back"


def test_every_other_wial_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.meetings import live
    from actionset.room.models import CoachAnswer, LearningReflection

    meeting, facilitator_user, amara_user, ben_user = build_set("wial")
    amara = meeting.learning_set.member_enrolment(amara_user)
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "questions":
        run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    live.live_presenter(actor=facilitator_user, meeting=meeting, version=run.version, presenter=amara)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, DESKTOP)
    ben_page = open_live(new_page, live_server, ben_user, meeting, PHONE)
    t = titles("wial")

    # A question noted in the questions phase, by Ben on his phone.
    panel: Callable[[Any], Any] = lambda p: p.locator("#live-panel")  # noqa: E731
    sent_once_after_a_phase_change_and_a_reload(
        ben_page,
        meeting,
        facilitator_user,
        address="airtime/questions/",
        form=panel,
        fill=lambda f: f.get_by_label("A question asked").fill("What have you tried so far?"),
        button="Note it",
        kept=lambda f: expect(f.get_by_label("A question asked")).to_have_value("What have you tried so far?"),
    )
    for page in (fola, amara_page):
        expect(panel(page).locator(".questions")).to_contain_text("What have you tried so far?")

    # An action in the actions phase, by the presenter.
    next_phase(fola, t[4])
    next_phase(fola, t[5])
    action_form: Callable[[Any], Any] = lambda p: p.locator("#panel-actions form.action-form")  # noqa: E731
    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="actions/",
        form=action_form,
        fill=lambda f: f.get_by_label("Action for Amara Okafor").fill("Name an owner for the rota"),
        button="Add action",
        kept=lambda f: expect(f.get_by_label("Action for Amara Okafor")).to_have_value("Name an owner for the rota"),
    )
    for page in (fola, ben_page):
        expect(page.locator("#panel-actions")).to_contain_text("Name an owner for the rota")

    # The coach's intervention: Ben's answers (a rating chosen, as well as text), then Chloe's, by the facilitator.
    next_phase(fola, t[6])

    def answers(form: Any) -> None:
        form.get_by_text("7", exact=True).click()
        form.get_by_label("What could we do better?").fill("Fewer stories, more questions")

    def answers_kept(form: Any) -> None:
        expect(form.get_by_label("7", exact=True)).to_be_checked()
        expect(form.get_by_label("What could we do better?")).to_have_value("Fewer stories, more questions")

    sent_once_after_a_phase_change_and_a_reload(
        ben_page,
        meeting,
        facilitator_user,
        address="coach/",
        form=lambda p: p.locator("#panel-coach form").first,
        fill=answers,
        button="Save my answers",
        kept=answers_kept,
    )
    for page in (fola, amara_page):
        expect(page.locator("#panel-coach")).to_contain_text("Fewer stories, more questions")

    def for_chloe(form: Any) -> None:
        form.get_by_label("Member").select_option(label="Chloe Brown")
        form.get_by_label("1 to 10").fill("9")

    def for_chloe_kept(form: Any) -> None:
        expect(form.get_by_label("Member").locator("option:checked")).to_have_text("Chloe Brown")
        expect(form.get_by_label("1 to 10")).to_have_value("9")

    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="coach/",
        form=lambda p: opened(p.locator("#coach-on-behalf")),
        fill=for_chloe,
        button="Record their answers",
        kept=for_chloe_kept,
    )
    for page in (amara_page, ben_page):
        expect(page.get_by_test_id("coach-count")).to_contain_text("2 answers so far")
    assert sorted(CoachAnswer.objects.values_list("rating", flat=True)) == [7, 9]

    # The learning reflection (the last phase): Amara's, then Chloe's, by the facilitator.
    next_phase(fola, t[7])
    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="reflection/",
        form=lambda p: p.locator("#panel-reflection form").first,
        fill=lambda f: f.get_by_label("My learning today").fill("I jump to solutions when I am anxious"),
        button="Save my reflection",
        kept=lambda f: expect(f.get_by_label("My learning today")).to_have_value(
            "I jump to solutions when I am anxious"
        ),
    )
    for page in (fola, ben_page):
        expect(page.locator("#panel-reflection")).to_contain_text("I jump to solutions when I am anxious")
    their = "Their reflection, as they say it"

    def reflection_for_chloe(form: Any) -> None:
        form.get_by_label("Member").select_option(label="Chloe Brown")
        form.get_by_label(their).fill("Listening is harder than talking")

    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="reflection/",
        form=lambda p: opened(p.locator("#reflection-on-behalf")),
        fill=reflection_for_chloe,
        button="Record their reflection",
        kept=lambda f: expect(f.get_by_label(their)).to_have_value("Listening is harder than talking"),
    )
    for page in (amara_page, ben_page):
        expect(page.locator("#panel-reflection")).to_contain_text("Listening is harder than talking")
    assert LearningReflection.objects.count() == 2


def test_every_troika_room_form_sent_offline_is_sent_once_when_the_connection_returns(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.meetings import live
    from actionset.room.models import TrioNotes

    meeting, facilitator_user, amara_user, ben_user = build_set("troika")
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    while live.sheet_of(meeting, run)[run.phase_index].kind != "round":
        run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    ben_page = open_live(new_page, live_server, ben_user, meeting, DESKTOP)

    # The trio's notes, by Ben; then the action of Amara, the client this round.
    notes_form: Callable[[Any], Any] = lambda p: p.locator("#live-panel form").filter(  # noqa: E731
        has=p.get_by_test_id("trio-notes")
    )
    sent_once_after_a_phase_change_and_a_reload(
        ben_page,
        meeting,
        facilitator_user,
        address="trios/notes/",
        form=notes_form,
        fill=lambda f: f.get_by_test_id("trio-notes").fill("Try the rota for a month"),
        button="Save the notes",
        kept=lambda f: expect(f.get_by_test_id("trio-notes")).to_have_value("Try the rota for a month"),
    )
    for page in (fola, amara_page):
        expect(page.get_by_test_id("trio-notes")).to_have_value("Try the rota for a month")
    action_form: Callable[[Any], Any] = lambda p: p.locator("#live-panel form.action-form")  # noqa: E731
    sent_once_after_a_phase_change_and_a_reload(
        amara_page,
        meeting,
        facilitator_user,
        address="actions/",
        form=action_form,
        fill=lambda f: f.get_by_label("Action for Amara Okafor").fill("Run the rota trial in March"),
        button="Add action",
        kept=lambda f: expect(f.get_by_label("Action for Amara Okafor")).to_have_value("Run the rota trial in March"),
    )
    for page in (fola, ben_page):
        expect(page.get_by_test_id("trio-actions")).to_contain_text("Run the rota trial in March")

    # The facilitator takes Chloe out of the trios.
    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="trios/",
        form=lambda p: opened(p.locator("#trios-arrange")),
        fill=lambda f: f.get_by_label("Chloe Brown").select_option(label="Not in a trio today"),
        button="Set the trios",
        kept=lambda f: expect(f.get_by_label("Chloe Brown").locator("option:checked")).to_have_text(
            "Not in a trio today"
        ),
    )
    for page in (amara_page, ben_page):
        expect(page.get_by_test_id("live-round")).to_contain_text("Round 1 of 2")
    assert TrioNotes.objects.get().text == "Try the rota for a month"
    assert Action.objects.filter(meeting=meeting).get().text == "Run the rota trial in March"


def test_the_facilitators_uk_forms_for_members_without_a_device_sent_offline_are_sent_once(
    new_page: Any, live_server: Any, transactional_db: Any
) -> None:
    from actionset.meetings import live

    meeting, facilitator_user, amara_user, _ben_user = build_set("uk")
    run = live.live_start(actor=facilitator_user, meeting=meeting, early=True)
    run = live.live_next(actor=facilitator_user, meeting=meeting, version=run.version)
    fola = open_live(new_page, live_server, facilitator_user, meeting, DESKTOP)
    amara_page = open_live(new_page, live_server, amara_user, meeting, PHONE)
    t = titles("uk")

    # Amara's report, as she gives it aloud, recorded by the facilitator.
    report_label = "Amara Okafor's report, as they give it in the room"
    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="progress/",
        form=lambda p: p.locator("#panel-progress form.on-behalf"),
        fill=lambda f: f.get_by_label(report_label).select_option(label="Done"),
        button="Record",
        kept=lambda f: expect(f.get_by_label(report_label).locator("option:checked")).to_have_text("Done"),
    )
    expect(amara_page.get_by_test_id("round-row")).to_contain_text("recorded by Fola Facilitator")
    assert ActionReport.objects.get().status == "done"

    # Chloe's bid.
    next_phase(fola, t[2])

    def bid(form: Any) -> None:
        form.get_by_label("Member").select_option(label="Chloe Brown")
        form.get_by_label("Minutes").fill("15")

    def bid_kept(form: Any) -> None:
        expect(form.get_by_label("Member").locator("option:checked")).to_have_text("Chloe Brown")
        expect(form.get_by_label("Minutes")).to_have_value("15")

    sent_once_after_a_phase_change_and_a_reload(
        fola,
        meeting,
        facilitator_user,
        address="bids/",
        form=lambda p: opened(p.locator("#bid-on-behalf")),
        fill=bid,
        button="Record their bid",
        kept=bid_kept,
    )
    expect(amara_page.locator("#panel-bids .presenter-order")).to_contain_text("Chloe Brown")
    assert AirtimeBid.objects.get().minutes == 15
