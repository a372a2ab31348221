"""The set tier: nothing a set says or does is visible outside it — not even to a member of a neighbouring set."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import Cast
from tests.factories import EnrolmentFactory, MembershipFactory, UserFactory
from tests.matrix import all_cases

SET_TIER_PREFIXES = ("live:", "setwork:")
NOT_SET_TIER = {"live:run_sheet"}  # a programme's timings: designers' business, not a set's


def test_a_member_of_another_set_gets_404_on_every_meeting_url_of_the_set(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.other_set is not None
    neighbour = UserFactory.create(email="neighbour@org.test")
    enrolment = EnrolmentFactory.create(programme=cast.other_set.programme, person__organisation=cast.org_a)
    enrolment.person.user = neighbour
    enrolment.person.save()
    MembershipFactory.create(learning_set=cast.other_set, enrolment=enrolment)
    client = Client()
    client.force_login(neighbour)

    checked = []
    for name, case in sorted(all_cases().items()):
        if not name.startswith(SET_TIER_PREFIXES) or name in NOT_SET_TIER:
            continue
        response = getattr(client, case.method)(reverse(name, kwargs=case.kwargs(cast)), case.data(cast))
        assert response.status_code == 404, name
        checked.append(name)
    assert len(checked) >= 15
    # and the neighbour does reach their own set's meeting page
    from tests.factories import MeetingFactory

    own = MeetingFactory.create(learning_set=cast.other_set)
    assert client.get(reverse("live:live", kwargs={"meeting": own.public_id})).status_code == 200
