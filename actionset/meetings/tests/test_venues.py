"""Venues as resources: scheduling never books more of a venue's meetings at one time than it has rooms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.meetings.models import Meeting
from actionset.meetings.services import ScheduleError, VenueFull, meeting_cancel, meeting_reschedule, schedule_create
from actionset.meetings.tests.conftest import add_set, published_programme
from actionset.programmes.forms import ProgrammeForm
from actionset.programmes.models import Programme, Venue
from conftest import Cast

#: Two half-days everyone can make, Tuesday morning the preferred one (the first in the week's order).
BOTH = ["tue-am", "wed-am"]


def _programme(cast: Cast, venue: Venue | None, **fields: Any) -> Programme:
    fields.setdefault("start_date", dt.date(2027, 9, 27))
    fields.setdefault("meeting_minutes", 180)
    return published_programme(cast, number_of_meetings=3, venue=venue, **fields)


def _overlaps(venue: Venue) -> int:
    """The most of the venue's meetings (not cancelled) that overlap at any one time."""
    meetings = list(Meeting.objects.filter(venue=venue).exclude(status="cancelled"))
    return max(
        (sum(1 for o in meetings if o.starts_at < m.ends_at and o.ends_at > m.starts_at) for m in meetings), default=0
    )


def test_a_one_room_venue_moves_the_second_set_to_the_next_slot_its_people_can_make(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", address="1 High Street", rooms=1)
    programme = _programme(cast, hall)
    first, second = add_set(programme, [BOTH, BOTH]), add_set(programme, [BOTH, BOTH])
    result = schedule_create(actor=cast.users["designer"], programme=programme)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot, second.slot) == ("tue-am", "wed-am")
    assert _overlaps(hall) == 1
    assert [(s, best, used) for s, best, used in result.moved_for_venue] == [
        (second, "Tuesday morning", "Wednesday morning")
    ]
    assert set(Meeting.objects.values_list("location", flat=True)) == {"Main hall, 1 High Street"}


def test_a_venue_with_two_rooms_holds_both_sets_at_their_best_slot(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", rooms=2)
    programme = _programme(cast, hall)
    add_set(programme, [BOTH, BOTH])
    add_set(programme, [BOTH, BOTH])
    result = schedule_create(actor=cast.users["designer"], programme=programme)
    assert result.moved_for_venue == []
    assert _overlaps(hall) == 2


def test_another_programme_s_meetings_at_the_venue_count_too(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", rooms=1)
    add_set(_programme(cast, hall), [BOTH])
    schedule_create(actor=cast.users["designer"], programme=Programme.objects.get())
    other = _programme(cast, hall, title="Second programme")
    add_set(other, [BOTH])
    schedule_create(actor=cast.users["designer"], programme=other)
    assert _overlaps(hall) == 1
    assert other.sets.get().slot == "wed-am"


def test_when_no_slot_has_a_room_nothing_is_scheduled_and_the_clash_is_named(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", rooms=1)
    # Another programme's whole-day sets fill the hall every weekday of the same weeks.
    blocker = _programme(cast, hall, title="Blocker", meeting_minutes=420)
    for day in ("mon", "tue", "wed", "thu", "fri"):
        add_set(blocker, [[f"{day}-am", f"{day}-pm"]])
    schedule_create(actor=cast.users["designer"], programme=blocker)
    assert _overlaps(hall) == 1
    programme = _programme(cast, hall)
    add_set(programme, [BOTH], name="Set A")
    add_set(programme, [BOTH], name="Set B")
    before = Meeting.objects.count()
    with pytest.raises(ScheduleError, match=r"Set A cannot be scheduled at Main hall: Main hall has 1 room and it is"):
        schedule_create(actor=cast.users["designer"], programme=programme)
    assert Meeting.objects.count() == before
    assert not programme.sets.exclude(slot="").exists()


def test_a_slot_the_designer_chose_is_refused_rather_than_swapped_when_the_venue_is_full(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", rooms=1)
    programme = _programme(cast, hall)
    add_set(programme, [BOTH])
    second = add_set(programme, [BOTH], name="Set 2")
    schedule_create(actor=cast.users["designer"], learning_set=programme.sets.exclude(pk=second.pk).get())
    with pytest.raises(ScheduleError, match="Set 2 cannot be scheduled at Main hall"):
        schedule_create(actor=cast.users["designer"], learning_set=second, slot="tue-am")


def test_moving_a_meeting_into_a_full_venue_is_refused_and_changes_nothing(cast: Cast) -> None:
    hall = Venue.objects.create(name="Main hall", rooms=1)
    programme = _programme(cast, hall)
    add_set(programme, [BOTH])
    add_set(programme, [BOTH])
    schedule_create(actor=cast.users["designer"], programme=programme)
    tuesday, wednesday = Meeting.objects.filter(number=1).order_by("starts_at")
    with pytest.raises(VenueFull, match="Main hall has 1 room and it is taken"):
        meeting_reschedule(
            actor=cast.users["designer"],
            meeting=wednesday,
            starts_at=tuesday.starts_at,
            ends_at=tuesday.ends_at,
            location=wednesday.location,
        )
    wednesday.refresh_from_db()
    assert wednesday.sequence == 0
    # A cancelled meeting frees its room.
    meeting_cancel(actor=cast.users["designer"], meeting=tuesday)
    meeting_reschedule(
        actor=cast.users["designer"],
        meeting=wednesday,
        starts_at=tuesday.starts_at,
        ends_at=tuesday.ends_at,
        location=wednesday.location,
    )


def test_the_design_form_offers_the_provider_s_venues_and_the_client_s_own_only(cast: Cast) -> None:
    shared = Venue.objects.create(name="Provider centre")
    own = Venue.objects.create(name="Northwind HQ", organisation=cast.org_a)
    Venue.objects.create(name="Southfield HQ", organisation=cast.org_b)
    form = ProgrammeForm(instance=_programme(cast, None))
    assert list(form.fields["venue"].queryset) == [own, shared]  # type: ignore[attr-defined]


def test_a_designer_adds_and_edits_a_venue_and_a_bad_one_is_refused(cast: Cast) -> None:
    client = cast.client("designer")
    url = reverse("programmes:venues")
    refused = client.post(url, {"name": "Annexe", "address": "", "rooms": "0", "organisation": ""})
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in refused.content.decode()
    assert not Venue.objects.exists()
    assert client.post(url, {"name": "Annexe", "address": "", "rooms": "3", "organisation": ""}).status_code == 302
    venue = Venue.objects.get()
    edit = reverse("programmes:venue", kwargs={"venue": venue.public_id})
    assert (
        client.post(
            edit, {"name": "Annexe", "address": "Back lane", "rooms": "2", "organisation": cast.org_a.pk}
        ).status_code
        == 302
    )
    venue.refresh_from_db()
    assert (venue.rooms, venue.address, venue.organisation) == (2, "Back lane", cast.org_a)
    assert AuditEvent.objects.filter(action="venue.saved").count() == 2
    assert "Annexe" in client.get(url).content.decode()
