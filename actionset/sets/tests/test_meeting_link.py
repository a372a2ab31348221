"""A set's meeting link: what is accepted, who keeps it, and where its Join button shows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.meetings.models import Meeting
from actionset.sets.forms import MeetingLinkForm
from actionset.sets.models import MEETING_LINK_MAX_LENGTH, validate_meeting_link
from actionset.sets.services import meeting_link_change
from conftest import Cast
from tests.factories import UserFactory

ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=QWERTYabc123"


@pytest.mark.parametrize(
    "link",
    [
        ZOOM,
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d",
        "https://meet.google.com/abc-defg-hij",
        "https://video.example.org:8443/room/set-1",
        "https://meet.example.xn--p1ai/room",  # an internationalised top-level domain
    ],
)
def test_a_video_services_https_link_is_accepted(link: str) -> None:
    validate_meeting_link(link)


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript://zoom.us/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://zoom.us/j/123",  # the passcode would travel in the clear
        "ftp://files.example.org/room",
        "zoom.us/j/123",  # no scheme: the form says to paste the whole link
        "https://localhost/room",
        "https://intranet/room",
        "https://192.168.1.20/room",
        "https://[::1]/room",
        "https://someone:secret@zoom.us/j/123",
        "https://zoom.us/j/1 2",
    ],
)
def test_anything_but_an_https_link_on_a_named_host_is_refused(link: str) -> None:
    with pytest.raises(ValidationError):
        validate_meeting_link(link)
    assert not MeetingLinkForm({"meeting_link": link}).is_valid()


def test_a_link_is_bounded_in_length() -> None:
    longest = "https://zoom.us/j/"
    longest += "1" * (MEETING_LINK_MAX_LENGTH - len(longest))
    assert MeetingLinkForm({"meeting_link": longest}).is_valid()
    assert not MeetingLinkForm({"meeting_link": longest + "1"}).is_valid()


def test_an_empty_link_means_the_set_meets_in_person() -> None:
    form = MeetingLinkForm({"meeting_link": "   "})
    assert form.is_valid()
    assert form.cleaned_data["meeting_link"] == ""


def test_the_service_refuses_a_bad_link_whoever_calls_it(programme_world: Cast) -> None:
    assert programme_world.learning_set is not None
    with pytest.raises(ValidationError):
        meeting_link_change(
            actor=programme_world.users["facilitator"],
            learning_set=programme_world.learning_set,
            meeting_link="javascript:alert(1)",
        )
    programme_world.learning_set.refresh_from_db()
    assert programme_world.learning_set.meeting_link == ""


def link_url(cast: Cast) -> str:
    assert cast.learning_set is not None
    return reverse("sets:meeting_link", kwargs={"learning_set": cast.learning_set.public_id})


def detail_url(cast: Cast) -> str:
    assert cast.learning_set is not None
    return reverse("sets:detail", kwargs={"learning_set": cast.learning_set.public_id})


def test_the_facilitator_sets_the_link_and_the_change_is_audited_without_it(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = programme_world
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("facilitator").post(link_url(cast), {"meeting_link": f"  {ZOOM} "})
    assert response.status_code == 302
    assert cast.learning_set is not None
    cast.learning_set.refresh_from_db()
    assert cast.learning_set.meeting_link == ZOOM
    event = AuditEvent.objects.get(action="sets.meeting_link_changed")
    assert event.detail == {"before": "none", "after": "set"}
    # The passcode in the link is the set's: the audit log, read outside the set, never holds it.
    assert "QWERTY" not in str(event.detail)
    assert "QWERTY" not in event.target_label


def test_a_designer_may_change_the_link_and_clear_it(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    designer = cast.client("designer")
    assert designer.post(link_url(cast), {"meeting_link": ZOOM}).status_code == 302
    assert designer.post(link_url(cast), {"meeting_link": ""}).status_code == 302
    cast.learning_set.refresh_from_db()
    assert cast.learning_set.meeting_link == ""
    assert AuditEvent.objects.filter(action="sets.meeting_link_changed").count() == 2


def test_a_member_cannot_change_the_link(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    response = cast.client("a_participant").post(link_url(cast), {"meeting_link": ZOOM})
    assert response.status_code == 403
    cast.learning_set.refresh_from_db()
    assert cast.learning_set.meeting_link == ""
    # Nor are they offered the form.
    assert 'name="meeting_link"' not in cast.client("a_participant").get(detail_url(cast)).content.decode()


def test_a_bad_link_re_renders_the_set_page_with_the_error_and_what_was_typed(programme_world: Cast) -> None:
    cast = programme_world
    typed = "http://zoom.us/j/123?pwd=typed"
    response = cast.client("facilitator").post(link_url(cast), {"meeting_link": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="http://zoom.us/j/123?pwd=typed"' in page
    assert "https://" in page
    assert "aria-invalid" in page
    assert cast.learning_set is not None
    cast.learning_set.refresh_from_db()
    assert cast.learning_set.meeting_link == ""
    assert not AuditEvent.objects.filter(action="sets.meeting_link_changed").exists()


def join_buttons(html: str) -> list[str]:
    return re.findall(r'<a class="button join[^"]*"[^>]*>', html)


def with_link(cast: Cast) -> None:
    assert cast.learning_set is not None
    cast.learning_set.meeting_link = ZOOM
    cast.learning_set.save(update_fields=["meeting_link"])


@pytest.mark.parametrize("role", ["a_participant", "facilitator", "designer"])
def test_the_set_page_shows_a_join_button_to_those_who_may_see_the_set(programme_world: Cast, role: str) -> None:
    with_link(programme_world)
    (button,) = join_buttons(programme_world.client(role).get(detail_url(programme_world)).content.decode())
    assert f'href="{ZOOM.replace("&", "&amp;")}"' in button
    assert 'target="_blank"' in button
    assert 'rel="noopener noreferrer"' in button


def test_no_join_button_without_a_link(programme_world: Cast) -> None:
    for role in ("a_participant", "facilitator"):
        assert join_buttons(programme_world.client(role).get(detail_url(programme_world)).content.decode()) == []


@pytest.mark.parametrize("role", ["a_sponsor", "a_admin", "administrator", "b_participant", "trainer"])
def test_people_outside_the_set_never_see_the_link(programme_world: Cast, role: str) -> None:
    with_link(programme_world)
    response = programme_world.client(role).get(detail_url(programme_world))
    assert response.status_code == 404
    assert "us02web" not in response.content.decode()
    assert "us02web" not in programme_world.client(role).get(reverse("core:home")).content.decode()


def test_the_home_pages_next_meetings_carry_the_join_button(programme_world: Cast) -> None:
    cast = programme_world
    home = reverse("core:home")
    assert join_buttons(cast.client("a_participant").get(home).content.decode()) == []
    with_link(cast)
    for role in ("a_participant", "facilitator"):
        (button,) = join_buttons(cast.client(role).get(home).content.decode())
        assert 'rel="noopener noreferrer"' in button


def test_a_member_of_another_set_sees_no_join_button_for_this_one(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.other_set is not None
    with_link(cast)
    other = cast.other_set.memberships.select_related("enrolment__person").first()
    assert other is not None
    # Someone in the other set, with a login of their own.
    user = UserFactory.create()
    person = other.enrolment.person
    person.user = user
    person.save(update_fields=["user"])
    client = cast.client("anonymous")
    client.force_login(user)
    assert join_buttons(client.get(reverse("core:home")).content.decode()) == []


def test_the_live_page_header_carries_the_join_button(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.meeting is not None
    live = reverse("live:live", kwargs={"meeting": cast.meeting.public_id})
    assert join_buttons(cast.client("a_participant").get(live).content.decode()) == []
    with_link(cast)
    for role in ("a_participant", "facilitator"):
        (button,) = join_buttons(cast.client(role).get(live).content.decode())
        assert 'target="_blank"' in button


def test_changing_the_link_sends_the_meetings_to_come_again_in_one_calendar_file(
    programme_world: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    second = Meeting.objects.create(
        learning_set=cast.learning_set,
        number=2,
        starts_at=cast.meeting.starts_at + dt.timedelta(weeks=4),
        ends_at=cast.meeting.ends_at + dt.timedelta(weeks=4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_link_change(actor=cast.users["facilitator"], learning_set=cast.learning_set, meeting_link=ZOOM)
    message = next(m for m in mail.outbox if "facilitator@provider.test" in m.to)
    assert ZOOM in str(message.body)
    (attachment,) = message.attachments
    calendar = icalendar.Calendar.from_ical(attachment.content)
    assert {str(e.uid) for e in calendar.events} == {cast.meeting.calendar_uid, second.calendar_uid}
    for event in calendar.events:
        assert str(event["URL"]) == ZOOM
        assert str(event["LOCATION"]) == ZOOM
        assert event["SEQUENCE"] == 1
    # Everyone in the set is told: its members with an address and its facilitator.
    assert len(mail.outbox) >= 2
