"""A designer composes six sets, moves a person, locks a set, re-optimises, assigns facilitators and publishes;
then a member signs in and sees their set."""

from __future__ import annotations

import re
import threading
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from actionset.accounts.models import User
from actionset.organisations.models import Organisation, Person, StaffRole
from actionset.programmes.models import Programme
from actionset.sets.board import board_read, move_chooser
from actionset.sets.composer import default_number_of_sets
from actionset.sets.models import CompositionRun, LearningSet
from actionset.sets.tasks import composition_execute
from actionset.sets.tests.factories import broken_rules, large_pool, large_programme
from tests.browser.conftest import PHONE, SCREENSHOTS, screenshot, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, EnrolmentFactory, PersonFactory, ProgrammeFactory, UserFactory

DEPARTMENTS = ("Finance", "Housing", "Social care", "Planning", "Digital", "Legal")
LEVELS = ("Director", "Head of service", "Manager", "Team leader", "Specialist")
SITES = ("Town hall", "Riverside", "Depot")
FIRST = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hari", "Isla", "Jonah", "Kemi", "Liam")
LAST = ("Okafor", "Shah", "Brown")


def build_world() -> tuple[Programme, str]:
    org = Organisation.objects.create(name="Riverford Council")
    UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    for name in ("Fola Facilitator", "Gil Guide"):
        UserFactory.create(email=f"{name.split()[0].lower()}@provider.test", name=name, staff_roles=["facilitator"])
    programme = ProgrammeFactory.create(
        organisation=org, title="Leading through change", set_size_min=5, set_size_max=7, meeting_minutes=180
    )
    people: list[Person] = []
    for k in range(36):
        person = PersonFactory.create(
            organisation=org,
            name=f"{FIRST[k % 12]} {LAST[k // 12]}",
            department=DEPARTMENTS[k % 6],
            level=LEVELS[k % 5],
            site=SITES[k % 3],
            line_manager=people[k - 6] if k >= 6 and k % 4 == 0 else None,
        )
        people.append(person)
        EnrolmentFactory.create(programme=programme, person=person, availability=[] if k % 5 else ["tue-am"])
    member = UserFactory.create(email="amara@riverford.test", name=people[0].name)
    people[0].user = member
    people[0].email = member.email
    people[0].save()
    internal = UserFactory.create(email="ivo@riverford.test", name="Ivo Internal")
    PersonFactory.create(organisation=org, user=internal, name="Ivo Internal", roles=["facilitator"])
    return programme, people[0].name


def run_queued_composition() -> threading.Thread:
    """Stand in for `db_worker`: run the queued composition in another thread while the page polls."""
    run = CompositionRun.objects.filter(status=CompositionRun.Status.QUEUED).latest("created_at")
    thread = threading.Thread(target=composition_execute.call, args=(run.pk,))
    thread.start()
    return thread


def set_scores(page: Any) -> list[str]:
    return list(page.get_by_test_id("set-score").all_inner_texts())


def test_a_designer_composes_edits_and_publishes_sets(new_page: Any, transactional_db: Any) -> None:
    programme, member_name = build_world()
    page = new_page()
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.goto(f"/sets/programme/{programme.public_id}/")
    expect(page.get_by_role("heading", name="Sets for Leading through change")).to_be_visible()
    assert page.get_by_label("Number of sets").input_value() == "6"
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sets-board-empty")

    page.get_by_label("Search time (seconds)").fill("3")
    page.get_by_role("button", name="Compose sets").click()
    bar = page.locator("progress#composition-bar")
    expect(bar).to_be_visible()
    thread = run_queued_composition()
    page.wait_for_function("() => (document.querySelector('progress#composition-bar') || {value: 100}).value > 0")
    screenshot(page, "sets-board-composing")
    thread.join()
    page.wait_for_selector(".set-card", timeout=15_000)
    assert page.locator(".set-card").count() == 6
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sets-board-composed")

    # Move one person to another set: the scores change at once.
    before = set_scores(page)
    first_card = page.locator(".set-card").first
    # Some people can move nowhere without breaking a rule (they can attend one slot only, say): the chooser says
    # so. Take the first member it offers a set to.
    for member in first_card.locator(".member").all():
        mover = member.locator("strong").first.inner_text()
        member.get_by_role("link", name=f"Move {mover}").click()
        chooser = member.locator(".move-choices")
        expect(chooser).to_be_visible()
        if chooser.locator(".choice-list").count():
            break
    # The chooser offers only the sets that keep every rule, each with the change in its score.
    expect(chooser.get_by_test_id("score-change").first).to_be_visible()
    screenshot(page, "sets-board-move-chooser")
    chooser.get_by_role("button", name=f"Move {mover}").click()
    page.wait_for_selector(f"text={mover} moved to")
    # The total may by chance stay the same; the two sets' own scores cannot both.
    assert set_scores(page) != before
    screenshot(page, "sets-board-moved")

    # Lock Set 1 and re-optimise the rest.
    set_one = page.locator(".set-card", has=page.get_by_role("heading", name=re.compile(r"^Set 1"))).first
    set_one.get_by_role("button", name="Lock Set 1").click()
    page.wait_for_selector("text=Set 1 locked")
    page.wait_for_selector(".set-card.is-locked .member strong")
    locked_members = sorted(page.locator(".set-card.is-locked .member strong").all_inner_texts())
    page.get_by_role("button", name="Re-optimise the unlocked sets").click()
    run_queued_composition().join()
    page.reload()
    page.wait_for_selector(".set-card")
    relocked = page.locator(".set-card.is-locked")
    assert relocked.count() == 1
    assert sorted(relocked.locator(".member strong").all_inner_texts()) == locked_members

    # Facilitators: one provider facilitator each for two sets, and a capacity error on a third.
    programme.max_sets_per_facilitator = 1
    programme.save()
    cards = page.locator(".set-card")
    cards.nth(0).get_by_label("Facilitator", exact=True).select_option(label="Fola Facilitator")
    cards.nth(0).get_by_label("Co-facilitator (optional)").select_option(label="Ivo Internal")
    cards.nth(0).get_by_role("button", name="Save facilitators of").click()
    page.wait_for_selector("text=Facilitators of Set 1 saved")
    cards = page.locator(".set-card")
    cards.nth(1).get_by_label("Facilitator", exact=True).select_option(label="Fola Facilitator")
    cards.nth(1).get_by_role("button", name="Save facilitators of").click()
    page.wait_for_selector("text=the most one facilitator may take")
    screenshot(page, "sets-board-facilitator-error")
    cards = page.locator(".set-card")
    cards.nth(1).get_by_label("Facilitator", exact=True).select_option(label="Gil Guide")
    cards.nth(1).get_by_role("button", name="Save facilitators of").click()
    page.wait_for_selector("text=Facilitators of Set 2 saved")
    assert serious_accessibility_violations(page) == []

    phone = new_page(PHONE)
    sign_in(phone, "designer@provider.test", TEST_PASSWORD)
    phone.goto(f"/sets/programme/{programme.public_id}/")
    screenshot(phone, "sets-board-phone")
    # The full phone page is very tall: keep the top of the page and one set at readable size as well.
    phone.screenshot(path=str(SCREENSHOTS / "sets-board-phone-top.png"))
    phone.locator(".set-card").first.screenshot(path=str(SCREENSHOTS / "sets-board-phone-set.png"))
    assert serious_accessibility_violations(phone) == []

    # Four sets have no facilitator: publishing them so is a choice the designer confirms.
    expect(page.get_by_text("4 of 6 sets have a facilitator")).to_be_hidden()
    expect(page.get_by_text("2 of 6 sets have a facilitator")).to_be_visible()
    page.get_by_label("Publish all the same").check()
    page.get_by_role("button", name="Publish sets").click()
    page.wait_for_selector("text=Sets published")
    screenshot(page, "sets-board-published")
    assert len(mail.outbox) == 36

    # A member signs in on their phone and sees their set.
    member_set = LearningSet.objects.get(memberships__enrolment__person__name=member_name)
    member = new_page(PHONE)
    sign_in(member, "amara@riverford.test", TEST_PASSWORD)
    member.goto(f"/sets/{member_set.public_id}/")
    expect(member.get_by_role("heading", name=member_set.name)).to_be_visible()
    expect(member.get_by_text("You", exact=True)).to_be_visible()
    assert serious_accessibility_violations(member) == []
    screenshot(member, "set-detail-phone")


def test_a_designer_adjusts_and_staffs_a_2100_person_programme(new_page: Any, transactional_db: Any) -> None:
    """300 sets of seven: find a person, move them to a set the chooser offers, lock a set, give every set a
    facilitator in one click; screenshots at 1280 and 390 pixels."""
    org = Organisation.objects.create(name="Greater Riverford Council")
    designer = UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    big = large_programme(org, sets=300, facilitators=160, designer=designer)
    board = f"/sets/programme/{big.programme.public_id}/"
    page = new_page()
    page.set_default_timeout(30_000)  # a 300-set board on a shared machine
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.goto(board)
    expect(page.locator(".set-row")).to_have_count(300)
    expect(page.get_by_text("150 of 300 sets have a facilitator")).to_be_visible()
    screenshot(page, "sets-board-300")
    page.screenshot(path=str(SCREENSHOTS / "sets-board-300-top.png"))
    assert serious_accessibility_violations(page) == []

    # Find a person by name: their set alone, shown in full.
    home = big.sets[41]
    person = home.memberships.select_related("enrolment__person").first().enrolment.person  # type: ignore[union-attr]
    page.get_by_label("Person or set").fill(person.name)
    expect(page.locator(".set-row")).to_have_count(0)
    card = page.locator(f"#set-{home.public_id}")
    expect(card.get_by_role("heading", name="Set 42")).to_be_visible()
    card.get_by_role("link", name=f"Move {person.name}").click()
    chooser = card.locator(".move-choices")
    first_choice = chooser.locator(".choice-list strong").first
    expect(first_choice).to_be_visible()
    chosen = first_choice.inner_text()
    screenshot(page, "sets-board-300-chooser")
    chooser.get_by_role("button", name=f"Move {person.name}").click()
    expect(page.get_by_text(f"{person.name} moved to {chosen}.")).to_be_visible()
    assert LearningSet.objects.get(memberships__enrolment__person=person).name == chosen

    # Back to every set; open one from its row and lock it.
    page.get_by_label("Person or set").fill("")
    expect(page.locator(".set-row")).to_have_count(300)
    page.get_by_role("link", name="Set 7", exact=True).click()
    seventh = page.locator(f"#set-{big.sets[6].public_id}")
    seventh.get_by_role("button", name="Lock Set 7").click()
    expect(page.get_by_text("Set 7 locked: it is kept as it is")).to_be_visible()
    expect(seventh.get_by_text("Locked", exact=True)).to_be_visible()
    assert LearningSet.objects.get(pk=big.sets[6].pk).locked

    # The sets nobody facilitates yet, then all of them staffed in one click.
    page.locator("#filter-facilitator").select_option("none")
    expect(page.locator(".set-row")).to_have_count(150)
    page.get_by_role("button", name="Give every set a facilitator").click()
    expect(page.get_by_text("150 sets were given a facilitator.")).to_be_visible()
    expect(page.get_by_text("300 of 300 sets have a facilitator")).to_be_visible()
    assert not big.programme.sets.filter(facilitators__isnull=True).exists()

    phone = new_page(PHONE)
    phone.set_default_timeout(30_000)
    sign_in(phone, "designer@provider.test", TEST_PASSWORD)
    phone.goto(board)
    expect(phone.locator(".set-row")).to_have_count(300)
    phone.screenshot(path=str(SCREENSHOTS / "sets-board-300-phone-top.png"))
    # From the filters down: the first rows of the list as a designer reaches them (the list's own middle otherwise).
    phone.locator(".board-filters").evaluate("element => element.scrollIntoView()")
    phone.screenshot(path=str(SCREENSHOTS / "sets-board-300-phone-rows.png"))
    phone.goto(f"{board}?open={big.sets[6].public_id}#set-{big.sets[6].public_id}")
    phone.locator(f"#set-{big.sets[6].public_id}").screenshot(path=str(SCREENSHOTS / "sets-board-300-phone-set.png"))
    assert serious_accessibility_violations(phone) == []


def test_a_designer_composes_adjusts_and_staffs_a_1000_person_programme(new_page: Any, transactional_db: Any) -> None:
    """A pool of 1,000 with no sets yet (a third report to someone in it, 40 keep-apart pairs, one in ten can make
    only two slots a week) composed from the board as the worker runs it: the result shows in place and the sets
    saved keep every rule. Then a person is moved where the chooser offers, a set locked, and every set given a
    facilitator in one click."""
    org = Organisation.objects.create(name="Greater Riverford Council")
    designer = UserFactory.create(email="designer@provider.test", name="Dana Designer", staff_roles=["designer"])
    programme = large_pool(org, people=1000, designer=designer, keep_apart=40, limited=0.1)
    for f in range(90):
        user = User.objects.create_user(email=f"facilitator{f}@provider.test", password=None, name=f"Fac {f + 1:02d}")
        StaffRole.objects.create(user=user, role="facilitator")
    board = f"/sets/programme/{programme.public_id}/"
    page = new_page()
    page.set_default_timeout(30_000)  # a board of 1,000 people on a shared machine
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.goto(board)
    expect(page.locator(".empty")).to_contain_text("No sets yet")
    expect(page.locator(".empty")).to_contain_text("Compose sets from the 1,000 people in the pool.")
    expect(page.locator("#board-summary")).to_be_hidden()  # no figures about sets that do not exist yet
    asked = int(page.get_by_label("Number of sets").input_value())
    assert asked == default_number_of_sets(programme, 1000)
    screenshot(page, "sets-board-1000-pool")

    page.get_by_label("Search time (seconds)").fill("2")
    page.get_by_role("button", name="Compose sets").click()
    expect(page.locator("progress#composition-bar")).to_be_visible()
    run_queued_composition().join()
    # The result replaces the progress on the board: a row for each set.
    expect(page.locator(".set-row")).to_have_count(asked)
    expect(page.locator("progress#composition-bar")).to_have_count(0)
    run = CompositionRun.objects.get(programme=programme)
    assert run.status == CompositionRun.Status.DONE, run.explanation
    assert programme.sets.count() == asked
    assert broken_rules(programme) == []
    expect(page.locator("#board-summary")).to_be_visible()
    expect(page.get_by_test_id("warning-count")).to_have_text("0")
    screenshot(page, "sets-board-1000-composed")
    page.screenshot(path=str(SCREENSHOTS / "sets-board-1000-composed-top.png"))
    assert serious_accessibility_violations(page) == []

    # Adjust: find someone whom the chooser can move, by name, and move them to the first set it offers.
    data = board_read(programme, reveal_keep_apart=True)
    assert data.composition is not None
    offered = next(
        chooser
        for enrolment in data.composition.enrolments
        if (chooser := move_chooser(data, enrolment, reveal_keep_apart=True)) is not None and chooser.choices
    )
    person = offered.enrolment.person
    home = LearningSet.objects.get(memberships__enrolment=offered.enrolment)
    page.get_by_label("Person or set").fill(person.name)
    expect(page.locator(".set-row")).to_have_count(0)
    card = page.locator(f"#set-{home.public_id}")
    card.get_by_role("link", name=f"Move {person.name}").click()
    chooser = card.locator(".move-choices")
    first_choice = chooser.locator(".choice-list strong").first
    expect(first_choice).to_be_visible()
    chosen = first_choice.inner_text()
    chooser.get_by_role("button", name=f"Move {person.name}").click()
    expect(page.get_by_text(f"{person.name} moved to {chosen}.")).to_be_visible()
    assert LearningSet.objects.get(memberships__enrolment__person=person).name == chosen

    # Lock a set opened from its row.
    page.get_by_label("Person or set").fill("")
    expect(page.locator(".set-row")).to_have_count(asked)
    page.get_by_role("link", name="Set 7", exact=True).click()
    seventh = programme.sets.get(name="Set 7")
    page.locator(f"#set-{seventh.public_id}").get_by_role("button", name="Lock Set 7").click()
    expect(page.get_by_text("Set 7 locked: it is kept as it is")).to_be_visible()

    # Staff: every set given a facilitator in one click.
    expect(page.get_by_text(f"0 of {asked} sets have a facilitator")).to_be_visible()
    page.get_by_role("button", name="Give every set a facilitator").click()
    expect(page.get_by_text(f"{asked} sets were given a facilitator.")).to_be_visible()
    expect(page.get_by_text(f"{asked} of {asked} sets have a facilitator")).to_be_visible()
    assert not programme.sets.filter(facilitators__isnull=True).exists()
    assert programme.sets.get(pk=seventh.pk).locked
    # The move and the lock kept every rule.
    assert broken_rules(programme) == []
    screenshot(page, "sets-board-1000-staffed")
    assert serious_accessibility_violations(page) == []


def test_a_finished_composition_shows_its_result_once_however_slow_the_network(
    new_page: Any, transactional_db: Any
) -> None:
    """Every request takes two seconds more to arrive (Chromium's network emulation): the result still replaces the
    progress once, in place, with nothing left polling and no reload."""
    programme, _member = build_world()
    page = new_page()
    page.set_default_timeout(30_000)
    sign_in(page, "designer@provider.test", TEST_PASSWORD)
    page.goto(f"/sets/programme/{programme.public_id}/")
    page.get_by_label("Search time (seconds)").fill("2")
    page.get_by_role("button", name="Compose sets").click()
    expect(page.locator("progress#composition-bar")).to_be_visible()
    page.wait_for_load_state("load")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 2_000, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    # A mark on this page: a reload would take it away.
    page.evaluate("() => { window.boardStayed = true; }")
    run_queued_composition().join()
    expect(page.locator(".set-card")).to_have_count(6)
    expect(page.locator("progress#composition-bar")).to_have_count(0)
    expect(page.locator("[hx-get*='/compose/progress/']")).to_have_count(0)  # nothing left to poll
    assert page.evaluate("() => window.boardStayed === true")  # swapped in place, never reloaded
