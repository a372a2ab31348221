"""The board at a whole organisation's size: 300 sets of 7 (2,100 people), found, opened and changed a set at a time;
the move chooser; and progress that finishes exactly once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionset.composition import evaluate
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.board import FULL_UP_TO, board_read, move_chooser
from actionset.sets.models import CompositionRun, LearningSet
from actionset.sets.services import composition_start
from actionset.sets.tests.factories import LargeProgramme, large_programme
from conftest import Cast
from tests.factories import LearningSetFactory, MembershipFactory, PersonFactory


def board_url(programme: Programme) -> str:
    return reverse("sets:board", kwargs={"programme": programme.public_id})


def rows(html: str) -> list[str]:
    return re.findall(r'<article class="card set-card set-row[^"]*" id="set-([0-9a-f-]+)"', html)


def full_cards(html: str) -> list[str]:
    return re.findall(r'<article class="card set-card(?! set-row)[^"]*" id="set-([0-9a-f-]+)"', html)


@pytest.fixture
def big(cast: Cast) -> LargeProgramme:
    return large_programme(cast.org_a, sets=300, designer=cast.users["designer"])


def test_a_300_set_board_is_one_row_a_set_and_stays_small(cast: Cast, big: LargeProgramme) -> None:
    html = cast.client("designer").get(board_url(big.programme)).content.decode()
    assert len(rows(html)) == 300
    assert full_cards(html) == []
    # 2,100 people in 300 sets: the page once held every member with a choice of 299 sets, 52 MB.
    assert len(html.encode()) < 300_000
    assert "2,100 people in the pool" in html
    assert "150 of 300 sets have a facilitator" in html


def test_the_boards_queries_do_not_grow_with_its_sets(cast: Cast) -> None:
    """Six sets shown in full and 300 shown as rows cost the same queries (the people come with the engine's
    problem, read once)."""
    client = cast.client("designer")
    counts = []
    for sets in (6, 300):
        big = large_programme(cast.org_a, sets=sets, designer=cast.users["designer"], title=f"{sets} sets")
        client.get(board_url(big.programme))  # the bound is cached after the first view
        with CaptureQueriesContext(connection) as queries:
            response = client.get(board_url(big.programme))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_finding_sets_by_person_set_slot_facilitator_and_warning(cast: Cast, big: LargeProgramme) -> None:
    client = cast.client("designer")
    url = board_url(big.programme)
    person = big.sets[41].memberships.select_related("enrolment__person").first().enrolment.person  # type: ignore[union-attr]

    html = client.get(url, {"q": person.name}).content.decode()
    # One set matches, so it is shown in full: the person can be moved at once.
    assert full_cards(html) == [str(big.sets[41].public_id)]
    assert "1 set of 300 matches" in html

    html = client.get(url, {"q": "set 29"}).content.decode()
    assert {str(big.sets[g].public_id) for g in (28, *range(289, 299))} == set(full_cards(html))

    html = client.get(url, {"slot": "mon-am"}).content.decode()
    assert len(rows(html)) == 30  # ten slots dealt round 300 sets
    html = client.get(url, {"facilitator": "none"}).content.decode()
    assert len(rows(html)) == 150
    html = client.get(url, {"facilitator": str(big.facilitators[0].public_id)}).content.decode()
    assert set(full_cards(html)) == {str(big.sets[0].public_id), str(big.sets[1].public_id)}

    # A line manager moved in beside their report: that set, and the one they left (now too small), warn.
    report = (
        big.sets[6]
        .memberships.select_related("enrolment__person")
        .filter(enrolment__person__line_manager__isnull=False)
        .first()
    )
    assert report is not None
    manager = Enrolment.objects.get(programme=big.programme, person=report.enrolment.person.line_manager)
    manager.membership.learning_set = big.sets[6]
    manager.membership.save()
    html = client.get(url, {"warnings": "1"}).content.decode()
    assert str(big.sets[6].public_id) in full_cards(html)
    assert "(line manager and report)" in html

    # The filters alone, for htmx: only the list of sets.
    fragment = client.get(url, {"slot": "tue-pm"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="set-list")
    assert fragment.content.decode().lstrip().startswith('<div id="set-list"')


def test_a_set_opens_in_full_with_or_without_javascript(cast: Cast, big: LargeProgramme) -> None:
    client = cast.client("designer")
    target = big.sets[120]
    html = client.get(board_url(big.programme), {"open": str(target.public_id)}).content.decode()
    assert full_cards(html) == [str(target.public_id)]
    assert len(rows(html)) == 299

    card_url = reverse("sets:set_card", kwargs={"learning_set": target.public_id})
    fragment = client.get(card_url, HTTP_HX_REQUEST="true").content.decode()
    assert full_cards(fragment) == [str(target.public_id)]
    assert "Diversity profile" in fragment
    assert "Save<span" in fragment
    closed = client.get(card_url, {"full": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert rows(closed) == [str(target.public_id)]

    plain = client.get(card_url)
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"?open={target.public_id}#set-{target.public_id}")


def test_a_move_on_a_300_set_board_returns_only_the_two_sets_and_the_summary(cast: Cast, big: LargeProgramme) -> None:
    client = cast.client("designer")
    source, target = big.sets[10], big.sets[200]
    mover = source.memberships.select_related("enrolment").first().enrolment  # type: ignore[union-attr]
    response = client.post(
        reverse("sets:move", kwargs={"programme": big.programme.public_id}),
        {"enrolment": mover.public_id, "learning_set": target.public_id},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert full_cards(html) == [str(source.public_id)]  # the set acted in stays open
    assert rows(html) == [str(target.public_id)]
    assert html.count('hx-swap-oob="true"') == 3  # the two sets and the summary
    # Most of it is the open set's facilitator choices (150 facilitators, twice); the board is 300 sets.
    assert len(html.encode()) < 40_000
    assert "moved to Set 201" in html


# --- the move chooser --------------------------------------------------------------------------------


@pytest.fixture
def four_sets(cast: Cast, pool_programme: Programme) -> list[LearningSet]:
    """18 people in four sets of 5 to 7 people: 5, 5, 5 and 3 (the last too small already)."""
    pool_programme.set_size_min, pool_programme.set_size_max = 4, 6
    pool_programme.save()
    sets = [
        LearningSetFactory.create(programme=pool_programme, name=f"Set {g + 1}", position=g, slot="tue-am")
        for g in range(4)
    ]
    sizes = [5, 5, 5, 3]
    people = list(pool_programme.enrolments.order_by("person__name"))
    k = 0
    for g, size in enumerate(sizes):
        for e in people[k : k + size]:
            MembershipFactory.create(learning_set=sets[g], enrolment=e)
        k += size
    return sets


def chooser_names(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="learning_set" value="[^"]+"(?: checked)?>\s*<strong>([^<]+)<', html)


def test_the_move_chooser_offers_only_the_sets_that_keep_every_rule(
    cast: Cast, pool_programme: Programme, four_sets: list[LearningSet]
) -> None:
    _one, _two, three, _four = four_sets
    mover = Enrolment.objects.get(programme=pool_programme, person__name="Person 00")  # in Set 1
    # Set 2 holds the mover's line manager; Set 3 meets when the mover cannot.
    manager = Enrolment.objects.get(programme=pool_programme, person__name="Person 05")
    mover.person.line_manager = manager.person
    mover.person.save()
    three.slot = "fri-pm"
    three.save()
    mover.availability = ["tue-am"]
    mover.save()
    url = reverse("sets:move_choices", kwargs={"programme": pool_programme.public_id})

    response = cast.client("designer").get(url, {"enrolment": str(mover.public_id)}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    # Set 4 is too small already, and the move makes it less so: the only set offered.
    assert chooser_names(html) == ["Set 4"]
    assert "Person 00 and Person 05 (line manager and report)" in html
    assert "Person 00 cannot" in html or "allowed sets" not in html
    # The change in Set 4's score is the engine's own.
    data = board_read(pool_programme, reveal_keep_apart=True)
    assert data.composition is not None
    after = list(data.assignment)
    after[data.composition.index_of(mover.pk)] = 3
    expected = evaluate(data.composition.problem, after).set_scores[3]
    assert f"→ {expected:.1f}" in html


def test_the_move_chooser_says_why_when_no_set_keeps_every_rule(
    cast: Cast, pool_programme: Programme, four_sets: list[LearningSet]
) -> None:
    four_sets[3].memberships.all().delete()
    pool_programme.set_size_min = 5
    pool_programme.save()
    mover = Enrolment.objects.get(programme=pool_programme, person__name="Person 00")
    html = (
        cast.client("designer")
        .get(
            reverse("sets:move_choices", kwargs={"programme": pool_programme.public_id}),
            {"enrolment": str(mover.public_id)},
        )
        .content.decode()
    )
    assert chooser_names(html) == []
    assert "No other set keeps every rule with Person 00 in it and Set 1 without them." in html
    assert "Set 1 has 4 people, outside 5..6" in html
    assert "<html" in html  # without JavaScript, a page of its own


def test_the_move_chooser_finds_nobody_outside_the_programme(
    cast: Cast, pool_programme: Programme, four_sets: list[LearningSet]
) -> None:
    other = large_programme(cast.org_a, sets=2, designer=cast.users["designer"], title="Another")
    stranger = Enrolment.objects.filter(programme=other.programme).first()
    assert stranger is not None
    url = reverse("sets:move_choices", kwargs={"programme": pool_programme.public_id})
    client = cast.client("designer")
    assert client.get(url, {"enrolment": str(stranger.public_id)}).status_code == 404
    assert client.get(url, {"enrolment": "not-an-id"}).status_code == 404
    assert client.get(url).status_code == 404


def test_the_chooser_at_300_sets_checks_every_set(big: LargeProgramme) -> None:
    data = board_read(big.programme, reveal_keep_apart=True)
    mover = big.sets[7].memberships.select_related("enrolment__person").first().enrolment  # type: ignore[union-attr]
    chooser = move_chooser(data, mover, reveal_keep_apart=True)
    assert chooser is not None
    assert len(chooser.choices) + sum(n for _, n in chooser.refused) == 299
    assert 0 < len(chooser.choices) < 299
    assert FULL_UP_TO < 300


# --- progress ------------------------------------------------------------------------------------------


def progress(client: Client, programme: Programme) -> tuple[int, str, dict[str, str]]:
    response = client.get(
        reverse("sets:progress", kwargs={"programme": programme.public_id}),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="composition-progress",
    )
    return response.status_code, response.content.decode(), dict(response.headers)


def test_progress_polls_one_answer_at_a_time_and_ends_with_the_result_in_place(
    cast: Cast, pool_programme: Programme
) -> None:
    client = cast.client("designer")
    run = composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3)
    status, html, headers = progress(client, pool_programme)
    assert status == 200
    # The next poll is asked for a second after this answer arrives, never on a clock of its own.
    assert 'hx-trigger="load delay:1s"' in html
    assert "every 1s" not in html
    assert "HX-Refresh" not in headers

    LearningSetFactory.create(programme=pool_programme, name="Set 1", slot="tue-am")
    CompositionRun.objects.filter(pk=run.pk).update(status=CompositionRun.Status.DONE)
    status, html, headers = progress(client, pool_programme)
    # Finished: the board with the result replaces the whole board, with nothing left to poll; no reload.
    assert status == 200
    assert "HX-Refresh" not in headers
    assert headers["HX-Retarget"] == "#board"
    assert headers["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<div id="board"')
    assert "sets:progress" not in html
    assert "/compose/progress/" not in html
    assert "Set 1" in html


def test_people_waiting_for_a_set_on_a_large_board_are_placed_with_one_form(cast: Cast, big: LargeProgramme) -> None:
    waiting = [
        Enrolment.objects.create(programme=big.programme, person=PersonFactory.create(organisation=cast.org_a))
        for _ in range(40)
    ]
    html = cast.client("designer").get(board_url(big.programme)).content.decode()
    assert "40 people are not in a set yet" in html
    # Each set is named once for all 40 people, not once for each of them.
    assert html.count(f'<option value="{big.sets[0].public_id}">') == 1
    assert len(html.encode()) < 300_000

    response = cast.client("designer").post(
        reverse("sets:move", kwargs={"programme": big.programme.public_id}),
        {"enrolment": waiting[0].public_id, "learning_set": big.sets[3].public_id},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert re.search(r'<section [^>]*id="unplaced"[^>]*hx-swap-oob="true"', html)
    assert "39 people are not in a set yet" in html
