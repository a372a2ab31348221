"""Leavers: their open work goes to the one named, their sessions end, their records stay."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.meetings.models import FacilitatorNote
from actionset.privacy.held import Subject
from actionset.privacy.services import HandoverRefused, leaver_handover
from actionset.programmes.models import Programme
from actionset.room.models import ContractVersion
from actionset.site.models import CallSlot
from actionset.site.tests.factories import EnquiryFactory
from actionset.training.tests.factories import SessionFactory
from conftest import Cast
from tests.factories import (
    TEST_PASSWORD,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)


def _signed_in(email: str) -> Client:
    """Signed in through the sign-in page, as a person is, so that allauth records the session."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_facilitator_leaves_and_their_open_work_goes_to_the_one_named(programme_world: Cast) -> None:
    cast = programme_world
    leaver, successor = cast.users["facilitator"], cast.users["designer"]
    assert cast.learning_set is not None
    assert cast.meeting is not None
    closed = ProgrammeFactory.create(organisation=cast.org_a, status=Programme.Status.CLOSED)
    old_set = LearningSetFactory.create(programme=closed)
    FacilitatorAssignmentFactory.create(learning_set=old_set, user=leaver)
    open_enquiry = EnquiryFactory.create(owner=leaver, stage="new")
    won_enquiry = EnquiryFactory.create(owner=leaver, stage="won")
    designed = ProgrammeFactory.create(organisation=cast.org_a, designer=leaver)
    later = timezone.now() + dt.timedelta(days=3)
    slot = CallSlot.objects.create(host=leaver, starts_at=later)
    session = SessionFactory.create()
    # A course under way (its first day past, its second to come) is still open work.
    past = timezone.now() - dt.timedelta(days=7)
    SessionFactory.create(cohort=session.cohort, starts_at=past, ends_at=past + dt.timedelta(hours=6))
    session.cohort.trainers.add(leaver)
    note = FacilitatorNote.objects.create(meeting=cast.meeting, author=leaver, text="Quiet today.")
    rules = ContractVersion.objects.create(
        learning_set=cast.learning_set, number=1, ground_rules="Confidential.", changed_by=leaver
    )
    browser = _signed_in(leaver.email)
    assert UserSession.objects.filter(user=leaver).exists()

    moved = leaver_handover(actor=cast.users["administrator"], leaver=Subject.of_user(leaver), successor=successor)

    assert moved == {
        "sets_facilitated": 1,
        "enquiries": 1,
        "programmes_designed": 1,
        "call_slots": 1,
        "cohorts": 1,
    }
    assert list(cast.learning_set.facilitators.values_list("user", flat=True)) == [successor.pk]
    # A closed programme's history still says who facilitated it; a won enquiry who won it.
    assert list(old_set.facilitators.values_list("user", flat=True)) == [leaver.pk]
    open_enquiry.refresh_from_db()
    won_enquiry.refresh_from_db()
    assert (open_enquiry.owner, won_enquiry.owner) == (successor, leaver)
    designed.refresh_from_db()
    slot.refresh_from_db()
    assert (designed.designer, slot.host) == (successor, successor)
    assert list(session.cohort.trainers.all()) == [successor]
    # Their records stay theirs.
    note.refresh_from_db()
    rules.refresh_from_db()
    assert (note.author, rules.changed_by) == (leaver, leaver)
    # Signed out everywhere, and unable to sign in.
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not UserSession.objects.filter(user=leaver).exists()
    assert browser.get(reverse("privacy:mine")).status_code == 302  # to the sign-in page
    assert AuditEvent.objects.filter(action="person.handed_over", target_id=str(leaver.public_id)).exists()
    assert AuditEvent.objects.filter(action="account.deactivated", target_id=str(leaver.public_id)).exists()


def test_a_sponsor_leaves_and_their_programmes_go_to_a_colleague(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.programme is not None
    leaver = cast.people["a_sponsor"]
    colleague = PersonFactory.create(organisation=cast.org_a)
    leaver_handover(
        actor=cast.users["administrator"], leaver=Subject.of_person(leaver), successor=None, successor_person=colleague
    )
    assert list(cast.programme.sponsors.all()) == [colleague]
    assert not cast.users["a_sponsor"].__class__.objects.get(pk=cast.users["a_sponsor"].pk).is_active


def test_work_goes_only_to_someone_who_can_take_it(programme_world: Cast) -> None:
    cast = programme_world
    gone = UserFactory.create(is_active=False, staff_roles=["facilitator"])
    with pytest.raises(HandoverRefused):
        leaver_handover(
            actor=cast.users["administrator"], leaver=Subject.of_user(cast.users["facilitator"]), successor=gone
        )
    elsewhere = PersonFactory.create(organisation=cast.org_b)
    with pytest.raises(HandoverRefused):
        leaver_handover(
            actor=cast.users["administrator"],
            leaver=Subject.of_person(cast.people["a_sponsor"]),
            successor=None,
            successor_person=elsewhere,
        )
    assert cast.users["facilitator"].is_active


def test_an_administrator_hands_over_through_the_page(programme_world: Cast) -> None:
    cast = programme_world
    admin = cast.client("administrator")
    leaver = cast.users["facilitator"]
    url = reverse("privacy:person_leave", kwargs={"subject": leaver.public_id})
    page = admin.get(url).content.decode()
    assert "Sets facilitated" in page
    assert admin.post(url, {}).status_code == 200  # nobody named
    response = admin.post(url, {"successor": cast.users["designer"].pk})
    assert response.status_code == 302
    assert cast.learning_set is not None
    assert list(cast.learning_set.facilitators.values_list("user", flat=True)) == [cast.users["designer"].pk]


def test_open_work_is_never_left_without_someone_to_take_it(programme_world: Cast) -> None:
    cast = programme_world
    with pytest.raises(HandoverRefused, match="member of staff"):
        leaver_handover(
            actor=cast.users["administrator"], leaver=Subject.of_user(cast.users["facilitator"]), successor=None
        )
    with pytest.raises(HandoverRefused, match="sponsor"):
        leaver_handover(
            actor=cast.users["administrator"], leaver=Subject.of_person(cast.people["a_sponsor"]), successor=None
        )
    assert cast.users["facilitator"].is_active


def test_someone_with_no_open_work_simply_leaves(programme_world: Cast) -> None:
    cast = programme_world
    admin = cast.client("administrator")
    url = reverse("privacy:person_leave", kwargs={"subject": cast.people["a_participant"].public_id})
    assert "nothing to hand over" in admin.get(url).content.decode()
    assert admin.post(url, {}).status_code == 302
    cast.users["a_participant"].refresh_from_db()
    assert not cast.users["a_participant"].is_active


def test_deactivating_someone_with_open_work_offers_to_hand_it_over_first(programme_world: Cast) -> None:
    cast = programme_world
    leaver = cast.users["facilitator"]
    page = cast.client("administrator").get(reverse("staff:deactivate", kwargs={"user": leaver.public_id}))
    text = page.content.decode()
    assert "still holds open work: Sets facilitated: 1" in text
    assert reverse("privacy:person_leave", kwargs={"subject": leaver.public_id}) in text
    # Nothing to say of someone who holds none.
    idle = cast.client("administrator").get(
        reverse("staff:deactivate", kwargs={"user": cast.users["developer"].public_id})
    )
    assert "still holds open work" not in idle.content.decode()


def test_an_organisation_admin_is_told_of_a_sponsors_open_work_and_whom_to_ask(programme_world: Cast) -> None:
    cast = programme_world
    sponsor = cast.people["a_sponsor"]
    url = reverse(
        "organisations:person_deactivate", kwargs={"organisation": cast.org_a.public_id, "person": sponsor.public_id}
    )
    text = cast.client("a_admin").get(url).content.decode()
    assert "Programmes they sponsor: 1" in text
    assert "Ask the provider" in text
    assert "/data-rights/people/" not in text
