"""Facilitators at scale: coverage on the board, one click to fill the uncovered sets (capacity across programmes,
time and independence kept), and publishing that asks before sets meet without a facilitator."""

from __future__ import annotations

from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.programmes.models import Programme
from actionset.sets.models import FacilitatorAssignment, LearningSet
from actionset.sets.services import facilitators_fill
from actionset.sets.tests.factories import large_programme
from conftest import Cast
from tests.factories import (
    LearningSetFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)


def fill_url(programme: Programme) -> str:
    return reverse("sets:facilitators_fill", kwargs={"programme": programme.public_id})


def test_the_board_counts_the_sets_with_a_facilitator(cast: Cast) -> None:
    big = large_programme(cast.org_a, sets=50, facilitated=42 / 50, designer=cast.users["designer"])
    html = cast.client("designer").get(reverse("sets:board", kwargs={"programme": big.programme.public_id})).content
    assert "42 of 50 sets have a facilitator" in html.decode()
    assert "8 sets have no facilitator" in html.decode()


def test_one_click_fills_every_uncovered_set_of_a_large_programme(cast: Cast) -> None:
    big = large_programme(cast.org_a, sets=150, facilitators=80, designer=cast.users["designer"])
    assert FacilitatorAssignment.objects.filter(learning_set__programme=big.programme).count() == 75

    response = cast.client("designer").post(fill_url(big.programme), follow=True)

    assert "75 sets were given a facilitator." in response.content.decode()
    assert not big.programme.sets.filter(facilitators__isnull=True).exists()
    # Nobody beyond the programme's capacity, nobody in two sets that meet at the same time.
    for user in big.facilitators:
        held = list(LearningSet.objects.filter(facilitators__user=user))
        assert len(held) <= big.programme.max_sets_per_facilitator
        assert len({s.slot for s in held}) == len(held)
    assert AuditEvent.objects.filter(action="sets.facilitators_changed", detail__filled=True).count() == 75


def test_filling_counts_the_sets_a_facilitator_has_in_other_programmes(cast: Cast, pool_programme: Programme) -> None:
    busy = UserFactory.create(name="Busy Bo", staff_roles=["facilitator"])
    free = UserFactory.create(name="Free Fi", staff_roles=["facilitator"])
    elsewhere = ProgrammeFactory.create(organisation=cast.org_b, status="running")
    for g in range(2):
        FacilitatorAssignment.objects.create(
            learning_set=LearningSetFactory.create(programme=elsewhere, slot=f"mon-{'am' if g else 'pm'}"), user=busy
        )
    # A closed programme's sets are over: they take no capacity.
    closed = ProgrammeFactory.create(organisation=cast.org_b, status="closed")
    FacilitatorAssignment.objects.create(learning_set=LearningSetFactory.create(programme=closed), user=free)
    FacilitatorAssignment.objects.create(learning_set=LearningSetFactory.create(programme=closed), user=free)
    sets = [LearningSetFactory.create(programme=pool_programme, slot="tue-am", position=g) for g in range(2)]
    others = [u for u in cast.users.values() if u.staff_roles.filter(role="facilitator").exists()]
    for user in others:  # the cast's facilitator is busy at the sets' time
        FacilitatorAssignment.objects.create(
            learning_set=LearningSetFactory.create(programme=elsewhere, slot="tue-am"), user=user
        )

    result = facilitators_fill(actor=cast.users["designer"], programme=pool_programme)

    assert [a.user for s in sets for a in s.facilitators.all()] == [free]
    assert result.left == [sets[1]]  # Free Fi meets the first set on Tuesday morning, and so cannot take the second


def test_filling_never_gives_a_set_its_members_line_manager_or_report(cast: Cast, pool_programme: Programme) -> None:
    internal_user = UserFactory.create(name="Ivo Internal")
    internal = PersonFactory.create(
        organisation=cast.org_a, user=internal_user, name="Ivo Internal", roles=["facilitator"]
    )
    managed, other = (LearningSetFactory.create(programme=pool_programme, position=g) for g in range(2))
    report = pool_programme.enrolments.order_by("person__name").first()
    assert report is not None
    report.person.line_manager = internal
    report.person.save()
    MembershipFactory.create(learning_set=managed, enrolment=report)
    # Only the internal facilitator is a candidate: the provider's are at capacity.
    pool_programme.max_sets_per_facilitator = 1
    pool_programme.save()
    for user in cast.users.values():
        if user.staff_roles.filter(role="facilitator").exists():
            FacilitatorAssignment.objects.create(
                learning_set=LearningSetFactory.create(programme=ProgrammeFactory.create()), user=user
            )

    result = facilitators_fill(actor=cast.users["designer"], programme=pool_programme)

    assert result.left == [managed]
    assert [a.user for a in other.facilitators.all()] == [internal_user]


def test_publishing_sets_without_a_facilitator_needs_a_confirmation(cast: Cast, pool_programme: Programme) -> None:
    sets = [LearningSetFactory.create(programme=pool_programme, position=g) for g in range(2)]
    for k, e in enumerate(pool_programme.enrolments.all()):
        MembershipFactory.create(learning_set=sets[k % 2], enrolment=e)
    FacilitatorAssignment.objects.create(learning_set=sets[0], user=cast.users["facilitator"])
    client = cast.client("designer")
    url = reverse("sets:publish", kwargs={"programme": pool_programme.public_id})

    board = client.get(reverse("sets:board", kwargs={"programme": pool_programme.public_id})).content.decode()
    assert "1 set has no facilitator: its members would meet without one." in board
    assert 'name="confirm_uncovered" value="1" required' in board

    refused = client.post(url, follow=True)
    pool_programme.refresh_from_db()
    assert not pool_programme.is_published
    assert "1 set has no facilitator" in refused.content.decode()
    # A confirmation for a number that no longer stands asks again.
    client.post(url, {"confirm_uncovered": "2"})
    pool_programme.refresh_from_db()
    assert not pool_programme.is_published

    client.post(url, {"confirm_uncovered": "1"})
    pool_programme.refresh_from_db()
    assert pool_programme.is_published


def test_publishing_with_every_set_covered_asks_nothing(cast: Cast, pool_programme: Programme) -> None:
    learning_set = LearningSetFactory.create(programme=pool_programme)
    for e in pool_programme.enrolments.all():
        MembershipFactory.create(learning_set=learning_set, enrolment=e)
    FacilitatorAssignment.objects.create(learning_set=learning_set, user=cast.users["facilitator"])
    cast.client("designer").post(reverse("sets:publish", kwargs={"programme": pool_programme.public_id}))
    pool_programme.refresh_from_db()
    assert pool_programme.is_published


def test_starting_a_programme_with_sets_without_a_facilitator_needs_a_confirmation(
    cast: Cast, pool_programme: Programme
) -> None:
    Programme.objects.filter(pk=pool_programme.pk).update(status="recruiting", published_at=pool_programme.created_at)
    LearningSetFactory.create(programme=pool_programme, position=0)
    covered = LearningSetFactory.create(programme=pool_programme, position=1)
    FacilitatorAssignment.objects.create(learning_set=covered, user=cast.users["facilitator"])
    client = cast.client("designer")
    detail = client.get(reverse("programmes:detail", kwargs={"programme": pool_programme.public_id}))
    assert "1 set has no facilitator: its members would meet without one." in detail.content.decode()
    url = reverse("programmes:status", kwargs={"programme": pool_programme.public_id})

    refused = client.post(url, {"status": "running"}, follow=True)
    pool_programme.refresh_from_db()
    assert pool_programme.status == "recruiting"
    assert "Tick the confirmation to start it all the same." in refused.content.decode()

    client.post(url, {"status": "running", "confirm_uncovered": "1"})
    pool_programme.refresh_from_db()
    assert pool_programme.status == "running"
