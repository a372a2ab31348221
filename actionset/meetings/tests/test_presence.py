"""Who facilitated a meeting is recorded as it happens: by starting it, or ticked in the attendance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actionset.meetings.models import FacilitatorPresence, Meeting
from actionset.sets.models import FacilitatorAssignment
from conftest import Cast
from tests.factories import FacilitatorAssignmentFactory, UserFactory

from .test_live_views import _meeting, command, url


def _present(meeting: Meeting) -> dict[str, str]:
    return {p.user.email: p.role for p in FacilitatorPresence.objects.filter(meeting=meeting).select_related("user")}


def test_the_facilitator_who_starts_the_meeting_is_recorded_as_facilitating_it(programme_world: Cast) -> None:
    FacilitatorAssignment.objects.update(assigned_at=timezone.now() - dt.timedelta(days=30))
    command(programme_world.client("facilitator"), programme_world, "start", 0)
    assert _present(_meeting(programme_world)) == {"facilitator@provider.test": "lead"}


def test_a_co_facilitator_is_ticked_in_the_attendance_and_can_be_unticked(programme_world: Cast) -> None:
    meeting = _meeting(programme_world)
    co = UserFactory.create(email="co@provider.test", staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=programme_world.learning_set, user=co, role="co")
    FacilitatorAssignment.objects.update(assigned_at=meeting.starts_at - dt.timedelta(days=1))
    client = programme_world.client("facilitator")
    page = client.get(url("live", programme_world)).content.decode()
    assert f'name="facilitator-{co.public_id}"' in page
    lead = programme_world.users["facilitator"]
    client.post(
        url("attendance", programme_world),
        {
            "facilitators-listed": "1",
            f"facilitator-{co.public_id}": "present",
            f"facilitator-{lead.public_id}": "present",
        },
    )
    assert _present(meeting) == {"co@provider.test": "co", "facilitator@provider.test": "lead"}
    client.post(
        url("attendance", programme_world), {"facilitators-listed": "1", f"facilitator-{lead.public_id}": "present"}
    )
    assert _present(meeting) == {"facilitator@provider.test": "lead"}
    # A form from a page that did not list the facilitators leaves them as recorded.
    client.post(url("attendance", programme_world), {})
    assert _present(meeting) == {"facilitator@provider.test": "lead"}


def test_someone_assigned_after_the_meeting_began_is_not_recorded(programme_world: Cast) -> None:
    meeting = _meeting(programme_world)
    FacilitatorAssignment.objects.update(assigned_at=meeting.starts_at + dt.timedelta(minutes=5))
    command(programme_world.client("facilitator"), programme_world, "start", 0)
    programme_world.client("facilitator").post(
        url("attendance", programme_world),
        {"facilitators-listed": "1", f"facilitator-{programme_world.users['facilitator'].public_id}": "present"},
    )
    assert _present(meeting) == {}
    assert "is here" not in programme_world.client("facilitator").get(url("live", programme_world)).content.decode()
