"""The designers' board: hand edits, locks, facilitators and publishing; and a member's view of their set."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership
from actionset.sets.services import composition_start, membership_move
from conftest import Cast
from tests.factories import (
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)


@pytest.fixture
def two_sets(pool_programme: Programme) -> tuple[LearningSet, LearningSet]:
    """Set 1 with the first nine people and Set 2 with the other nine."""
    one = LearningSetFactory.create(programme=pool_programme, name="Set 1", position=0, slot="tue-am")
    two = LearningSetFactory.create(programme=pool_programme, name="Set 2", position=1, slot="tue-am")
    for k, e in enumerate(pool_programme.enrolments.order_by("person__name")):
        MembershipFactory.create(learning_set=one if k < 9 else two, enrolment=e)
    pool_programme.set_size_max = 9
    pool_programme.save()
    return one, two


def board_url(programme: Programme) -> str:
    return reverse("sets:board", kwargs={"programme": programme.public_id})


def scores(html: str) -> list[str]:
    return re.findall(r'data-testid="set-score">([^<]+)<', html)


def enrolment(programme: Programme, name: str) -> Enrolment:
    return programme.enrolments.get(person__name=name)


def test_moving_a_person_updates_the_scores_and_flags_a_broken_rule(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, _two = two_sets
    boss, report = enrolment(pool_programme, "Person 00"), enrolment(pool_programme, "Person 10")
    report.person.line_manager = boss.person
    report.person.save()
    client = cast.client("designer")
    before = client.get(board_url(pool_programme)).content.decode()
    assert "line manager" not in before

    response = client.post(
        reverse("sets:move", kwargs={"programme": pool_programme.public_id}),
        {"enrolment": report.public_id, "learning_set": one.public_id},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    # Only what the move touched comes back: the two sets and the summary, each swapped in place.
    assert 'id="board"' not in html
    assert "<html" not in html
    assert html.count('hx-swap-oob="true"') == 3
    assert f'id="set-{one.public_id}"' in html
    assert f'id="set-{_two.public_id}"' in html
    assert scores(html) != scores(before)[:2]
    assert "Person 00 and Person 10 (line manager and report)" in html
    assert "Person 10 moved to Set 1" in html
    assert AuditEvent.objects.filter(action="sets.member_moved", detail__to="Set 1").exists()


def test_moving_works_without_javascript(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, two = two_sets
    person = enrolment(pool_programme, "Person 01")
    response = cast.client("designer").post(
        reverse("sets:move", kwargs={"programme": pool_programme.public_id}),
        {"enrolment": person.public_id, "learning_set": two.public_id},
    )
    # Back to the board, at the set the person was moved from.
    assert response.status_code == 302
    assert response["Location"] == f"{board_url(pool_programme)}?open={one.public_id}#set-{one.public_id}"
    person.refresh_from_db()
    assert person.membership.learning_set == two


def test_a_move_to_another_programmes_set_is_refused(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    elsewhere = LearningSetFactory.create(programme__organisation=cast.org_a)
    person = enrolment(pool_programme, "Person 01")
    cast.client("designer").post(
        reverse("sets:move", kwargs={"programme": pool_programme.public_id}),
        {"enrolment": person.public_id, "learning_set": elsewhere.public_id},
    )
    person.refresh_from_db()
    assert person.membership.learning_set == two_sets[0]


def test_set_sizes_out_of_bounds_are_warned(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    pool_programme.set_size_max = 8
    pool_programme.save()
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "Set 1 has 9 people, outside 5..8" in html


def test_locking_a_set_and_a_person(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, _ = two_sets
    client = cast.client("designer")
    client.post(reverse("sets:lock", kwargs={"learning_set": one.public_id}), {"locked": "true"})
    one.refresh_from_db()
    assert one.locked
    person = enrolment(pool_programme, "Person 12")
    client.post(
        reverse("sets:member_lock", kwargs={"programme": pool_programme.public_id}),
        {"enrolment": person.public_id, "locked": "true"},
    )
    person.refresh_from_db()
    assert person.membership.locked
    client.post(reverse("sets:lock", kwargs={"learning_set": one.public_id}), {"locked": "false"})
    one.refresh_from_db()
    assert not one.locked


def test_a_locked_sets_members_are_not_offered_a_lock_of_their_own(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, _ = two_sets
    LearningSet.objects.filter(pk=one.pk).update(locked=True)
    held = enrolment(pool_programme, "Person 01")  # in Set 1, locked before the set was
    Membership.objects.filter(enrolment=held).update(locked=True)
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    lock_buttons = re.findall(r">(Lock|Unlock)<span class=\"visually-hidden\"> (Person \d\d)</span>", html)
    # Everyone in the locked set stays already; only a person locked on their own can be unlocked.
    assert ("Unlock", "Person 01") in lock_buttons
    assert [who for _, who in lock_buttons if who < "Person 09"] == ["Person 01"]
    assert ("Lock", "Person 12") in lock_buttons


def test_keep_apart_names_never_appear_for_an_administrator_who_is_not_a_designer(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    a, b = enrolment(pool_programme, "Person 02"), enrolment(pool_programme, "Person 03")
    a.keep_apart.add(b.person)

    designer = cast.client("designer").get(board_url(pool_programme)).content.decode()
    administrator = cast.client("administrator").get(board_url(pool_programme)).content.decode()

    assert "Person 02 and Person 03 (keep-apart list)" in designer
    assert "keep-apart list)" not in administrator
    assert "confidential keep-apart list" in administrator
    warnings = re.search(r'<ul class="set-warnings".*?</ul>', administrator, re.S)
    assert warnings
    assert "Person 02" not in warnings.group(0)
    assert "Person 03" not in warnings.group(0)


# --- facilitators ---------------------------------------------------------------------------------


def facilitators_url(learning_set: LearningSet) -> str:
    return reverse("sets:facilitators", kwargs={"learning_set": learning_set.public_id})


def test_facilitators_are_assigned_and_audited(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, _ = two_sets
    internal_user = UserFactory.create(name="Internal Ida")
    PersonFactory.create(organisation=cast.org_a, user=internal_user, roles=["facilitator"])
    response = cast.client("designer").post(
        facilitators_url(one), {"lead": cast.users["facilitator"].public_id, "co": internal_user.public_id}
    )
    assert response.status_code == 302
    roles = dict(FacilitatorAssignment.objects.filter(learning_set=one).values_list("role", "user"))
    assert roles == {"lead": cast.users["facilitator"].pk, "co": internal_user.pk}
    assert AuditEvent.objects.filter(action="sets.facilitators_changed").exists()


def test_a_facilitator_beyond_their_capacity_is_refused_with_a_clear_error(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, two = two_sets
    pool_programme.max_sets_per_facilitator = 1
    pool_programme.save()
    facilitator = cast.users["facilitator"]
    FacilitatorAssignment.objects.create(learning_set=one, user=facilitator)

    response = cast.client("designer").post(facilitators_url(two), {"lead": facilitator.public_id})

    assert response.status_code == 200
    assert "already facilitates 1 set across their programmes" in response.content.decode()
    assert not FacilitatorAssignment.objects.filter(learning_set=two).exists()


@pytest.mark.parametrize("relation", ["manager", "report"])
def test_an_internal_facilitator_may_not_facilitate_their_manager_or_reports(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet], relation: str
) -> None:
    one, _ = two_sets
    member = enrolment(pool_programme, "Person 04").person
    user = UserFactory.create(name="Internal Ida")
    internal = PersonFactory.create(organisation=cast.org_a, user=user, roles=["facilitator"])
    if relation == "manager":
        internal.line_manager = member
        internal.save()
        expected = "Person 04, their line manager, is a member of Set 1"
    else:
        member.line_manager = internal
        member.save()
        expected = "Person 04, who reports to them, is a member of Set 1"

    response = cast.client("designer").post(facilitators_url(one), {"lead": user.public_id}, HTTP_HX_REQUEST="true")

    assert expected in response.content.decode()
    assert not FacilitatorAssignment.objects.filter(learning_set=one).exists()


def test_only_facilitators_can_be_chosen(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    one, _ = two_sets
    response = cast.client("designer").post(facilitators_url(one), {"lead": cast.users["trainer"].public_id})
    assert response.status_code == 200
    assert not FacilitatorAssignment.objects.filter(learning_set=one).exists()


# --- publishing and a member's view -------------------------------------------------------------


def test_members_see_their_set_only_once_it_is_published_and_are_told_by_email(
    cast: Cast,
    pool_programme: Programme,
    two_sets: tuple[LearningSet, LearningSet],
    django_capture_on_commit_callbacks: Any,
) -> None:
    one, _ = two_sets
    member = cast.people["a_participant"]
    Enrolment.objects.create(programme=pool_programme, person=member).membership = None
    MembershipFactory.create(learning_set=one, enrolment=member.enrolments.get(programme=pool_programme))
    detail = reverse("sets:detail", kwargs={"learning_set": one.public_id})
    participant = cast.client("a_participant")
    # Until the sets are published a proposed set is nobody's but the designers': its page is not found.
    assert participant.get(detail).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("designer").post(
            reverse("sets:publish", kwargs={"programme": pool_programme.public_id}),
            {"confirm_uncovered": "2"},  # neither set has a facilitator yet: the designer confirmed that
        )

    assert response.status_code == 302
    pool_programme.refresh_from_db()
    assert pool_programme.is_published
    assert len(mail.outbox) == 19
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert "Set 1" in message.subject
    assert detail in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "Set 1" in str(html)
    assert AuditEvent.objects.filter(action="sets.published").exists()

    page = participant.get(detail)
    assert page.status_code == 200
    assert "Person 00" in page.content.decode()
    assert "No meetings scheduled yet" in page.content.decode()
    # The sponsor is outside the set: told nothing about its page, not refused it.
    assert cast.client("a_sponsor").get(detail).status_code == 404


def test_publishing_twice_is_refused(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    client = cast.client("designer")
    url = reverse("sets:publish", kwargs={"programme": pool_programme.public_id})
    client.post(url, {"confirm_uncovered": "2"})
    response = client.post(url, {"confirm_uncovered": "2"}, follow=True)
    assert "already published" in response.content.decode()


def test_the_board_lists_people_not_yet_in_a_set(
    cast: Cast, pool_programme: Programme, two_sets: tuple[LearningSet, LearningSet]
) -> None:
    Enrolment.objects.create(
        programme=pool_programme, person=PersonFactory.create(organisation=cast.org_a, name="Newcomer Nia")
    )
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "Not in a set yet" in html
    assert "Newcomer Nia" in html
    assert "1 person is not in a set yet" in html


def test_the_board_shows_progress_while_composing(cast: Cast, pool_programme: Programme) -> None:
    composition_start(actor=cast.users["designer"], programme=pool_programme, number_of_sets=3)
    html = cast.client("designer").get(board_url(pool_programme)).content.decode()
    assert "<progress" in html
    assert "0%" in html
    assert 'http-equiv="refresh"' in html
    progress = cast.client("designer").get(
        reverse("sets:progress", kwargs={"programme": pool_programme.public_id}), HTTP_HX_REQUEST="true"
    )
    assert "<progress" in progress.content.decode()
    assert "HX-Refresh" not in progress


def test_a_person_moved_after_publication_is_told_and_their_calendar_follows(
    cast: Cast,
    pool_programme: Programme,
    two_sets: tuple[LearningSet, LearningSet],
    django_capture_on_commit_callbacks: Any,
) -> None:
    one, two = two_sets
    pool_programme.published_at = timezone.now()
    pool_programme.save()
    held = MeetingFactory.create(learning_set=one, number=1, starts_at=timezone.now() - dt.timedelta(days=20))
    leaving = MeetingFactory.create(learning_set=one, number=2)
    joining = MeetingFactory.create(learning_set=two, number=2)
    enrolment = one.memberships.order_by("enrolment__person__name").first().enrolment  # type: ignore[union-attr]
    person = enrolment.person

    with django_capture_on_commit_callbacks(execute=True):
        membership_move(actor=cast.users["designer"], enrolment=enrolment, learning_set=two)

    assert [m.to for m in mail.outbox] == [[person.email]]
    message = mail.outbox[0]
    assert "Set 2" in message.subject
    assert "moved from Set 1 to Set 2" in message.body
    files = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    assert set(files) == {"leaving-meeting-2.ics", "meeting-2.ics"}  # the past meeting is left alone
    removal = icalendar.Calendar.from_ical(files["leaving-meeting-2.ics"][0])
    event = removal.events[0]
    assert (str(removal["METHOD"]), str(event["UID"]), str(event["STATUS"])) == (
        "CANCEL",
        leaving.calendar_uid,
        "CANCELLED",
    )
    # Only the person moved is taken off the meeting; the set's other members keep it.
    assert str(event["ATTENDEE"]).lower() == f"mailto:{person.email.lower()}"
    invitation = icalendar.Calendar.from_ical(files["meeting-2.ics"][0])
    assert (str(invitation["METHOD"]), str(invitation.events[0]["UID"])) == ("REQUEST", joining.calendar_uid)
    assert held.calendar_uid not in str(files)


def test_moves_before_publication_tell_nobody(
    cast: Cast,
    pool_programme: Programme,
    two_sets: tuple[LearningSet, LearningSet],
    django_capture_on_commit_callbacks: Any,
) -> None:
    one, two = two_sets
    enrolment = one.memberships.first().enrolment  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        membership_move(actor=cast.users["designer"], enrolment=enrolment, learning_set=two)
    assert mail.outbox == []
