"""The live meeting page, its polled state, the facilitator's commands and notes, attendance, the run sheet page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actionset.core.admin import admin_site
from actionset.meetings import live
from actionset.meetings.models import Attendance, FacilitatorNote, Meeting, MeetingRun
from conftest import Cast
from tests.factories import FacilitatorAssignmentFactory, MembershipFactory, UserFactory


@pytest.fixture
def world(programme_world: Cast) -> Cast:
    return programme_world


def _meeting(cast: Cast) -> Meeting:
    assert cast.meeting is not None
    return cast.meeting


def url(name: str, cast: Cast) -> str:
    return reverse(f"live:{name}", kwargs={"meeting": _meeting(cast).public_id})


def command(client: Client, cast: Cast, name: str, version: int, htmx: bool = False, **data: Any) -> Any:
    """Post a command as its confirmed second step (the cast's meeting is a week away: an early start)."""
    headers = {"HX-Request": "true"} if htmx else {}
    if name in ("start", "end"):
        data = {"confirmed": "on", "early": "on", **data}
    return client.post(url("command", cast), {"command": name, "version": version, **data}, headers=headers)


def test_a_member_follows_the_meeting_without_the_facilitator_s_controls_or_guidance(world: Cast) -> None:
    facilitator = world.client("facilitator")
    assert command(facilitator, world, "start", 0).status_code == 302
    page = world.client("a_participant").get(url("live", world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check-in" in html
    assert "Guidance for you" not in html
    assert 'value="next"' not in html
    assert "My private notes" not in html
    assert 'http-equiv="refresh"' in html  # without JavaScript a member's page still follows, more slowly
    own = facilitator.get(url("live", world)).content.decode()
    assert 'http-equiv="refresh"' not in own  # it would throw away the facilitator's typing
    assert "Guidance for you" in own
    assert 'value="next"' in own
    assert "My private notes" in own


def test_a_command_moves_the_meeting_and_htmx_gets_the_new_state(world: Cast) -> None:
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    response = command(facilitator, world, "next", 1, htmx=True)
    assert response.status_code == 200
    assert "Progress round" in response.content.decode()
    assert response["ETag"]


def test_a_stale_command_gets_409_with_the_current_state(world: Cast) -> None:
    facilitator, tablet = world.client("facilitator"), world.client("facilitator")
    command(facilitator, world, "start", 0)
    command(facilitator, world, "next", 1)
    response = command(tablet, world, "next", 1, htmx=True)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Progress round" in html
    assert "Someone else changed the meeting" in html
    assert MeetingRun.objects.get().phase_index == 1
    assert command(tablet, world, "next", 1).status_code == 409  # without JavaScript too


def test_a_refused_command_says_why(world: Cast) -> None:
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    response = command(facilitator, world, "previous", 1, htmx=True)
    assert response.status_code == 422
    assert "first phase" in response.content.decode()


def test_polling_an_unchanged_meeting_is_a_bodiless_304(world: Cast) -> None:
    member = world.client("a_participant")
    command(world.client("facilitator"), world, "start", 0)
    first = member.get(url("state", world), headers={"HX-Request": "true"})
    assert first.status_code == 200
    etag = first["ETag"]
    again = member.get(url("state", world), headers={"HX-Request": "true", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    command(world.client("facilitator"), world, "next", 1)
    changed = member.get(url("state", world), headers={"HX-Request": "true", "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_an_idle_poll_costs_the_same_few_queries_however_big_the_set(world: Cast) -> None:
    def idle_poll_queries(role: str) -> int:
        client = world.client(role)
        etag = client.get(url("state", world))["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("state", world), headers={"If-None-Match": etag}).status_code == 304
        return len(queries)

    command(world.client("facilitator"), world, "start", 0)
    before = {role: idle_poll_queries(role) for role in ("a_participant", "facilitator")}
    for _ in range(4):
        MembershipFactory.create(learning_set=world.learning_set)
    assert {role: idle_poll_queries(role) for role in before} == before
    assert max(before.values()) <= 10


#: What the access check reads: the session and its user, the actor's roles, the meeting the URL names, and whether
#: the actor facilitates or belongs to its set.
ACCESS_TABLES = {
    "django_session",
    "accounts_user",
    "organisations_staffrole",
    "organisations_provider",
    "organisations_person",
    "meetings_meeting",
    "sets_facilitatorassignment",
    "sets_membership",
}


def _table(sql: str) -> str:
    return sql.split(" FROM ", 1)[1].split()[0].strip('"')


@pytest.fixture
def shared_cache(settings: Any) -> None:
    # Production's cache is shared by every process (Redis, or the database's cache table); one that is not the
    # database shows what the poll itself reads.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.usefixtures("shared_cache")
def test_an_unchanged_poll_reads_nothing_beyond_the_access_check(world: Cast) -> None:
    def idle_poll_tables(role: str) -> list[str]:
        client = world.client(role)
        etag = client.get(url("state", world))["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("state", world), headers={"If-None-Match": etag}).status_code == 304
        return [_table(q["sql"]) for q in queries.captured_queries]

    command(world.client("facilitator"), world, "start", 0)
    before = {role: idle_poll_tables(role) for role in ("a_participant", "facilitator")}
    for role, tables in before.items():
        assert set(tables) <= ACCESS_TABLES, role
    for _ in range(4):
        MembershipFactory.create(learning_set=world.learning_set)
    assert {role: idle_poll_tables(role) for role in before} == before


@pytest.mark.usefixtures("shared_cache")
def test_a_change_made_anywhere_is_seen_by_the_next_poll(world: Cast) -> None:
    member = world.client("a_participant")
    not_started = member.get(url("state", world))["ETag"]
    # Started and moved on through the services, as another process serving the facilitator's device would.
    facilitator = world.users["facilitator"]
    live.live_start(actor=facilitator, meeting=_meeting(world), early=True)
    started = member.get(url("state", world), headers={"If-None-Match": not_started})
    assert started.status_code == 200
    assert member.get(url("state", world), headers={"If-None-Match": started["ETag"]}).status_code == 304
    live.live_next(actor=facilitator, meeting=_meeting(world), version=1)
    moved = member.get(url("state", world), headers={"If-None-Match": started["ETag"]})
    assert moved.status_code == 200
    assert "Progress round" in moved.content.decode()
    MeetingRun.objects.all().delete()
    assert member.get(url("state", world), headers={"If-None-Match": moved["ETag"]}).status_code == 200


@pytest.mark.usefixtures("shared_cache")
def test_a_version_read_from_the_database_never_replaces_a_newer_one_in_the_cache(world: Cast) -> None:
    from django.core.cache import cache

    meeting = _meeting(world)
    run = live.live_start(actor=world.users["facilitator"], meeting=meeting, early=True)
    cache.clear()
    # A poll reads version 1 from the database; before it fills the cache, a command saves version 2.
    MeetingRun.objects.filter(pk=run.pk).update(version=1)
    run.version = 2
    run.save()
    assert live.current_version(meeting) == live.version_tag(run)
    assert live.version_tag(run).startswith("2-")


def test_a_gzipped_fragment_s_weak_tag_still_answers_304(world: Cast) -> None:
    member = world.client("a_participant")
    command(world.client("facilitator"), world, "start", 0)
    first = member.get(url("state", world), headers={"Accept-Encoding": "gzip"})
    assert first["ETag"].startswith('W/"')
    again = member.get(url("state", world), headers={"If-None-Match": first["ETag"], "Accept-Encoding": "gzip"})
    assert again.status_code == 304


def test_the_member_s_and_the_facilitator_s_fragments_are_tagged_apart(world: Cast) -> None:
    member = world.client("a_participant").get(url("state", world))
    facilitator = world.client("facilitator").get(url("state", world))
    assert member["ETag"] != facilitator["ETag"]


def test_a_poll_gets_the_new_phase_s_panel_only_when_the_phase_changed(world: Cast, settings: Any) -> None:
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    member = world.client("a_participant")
    fresh = member.get(url("state", world), headers={"HX-Request": "true", "X-Live-Panel": "none"})
    assert 'hx-swap-oob="outerHTML"' in fresh.content.decode()
    shown = re.search(r'data-panel-key="([^"]+)"', fresh.content.decode())
    assert shown is not None
    assert shown[1].startswith("0-0-")
    same = member.get(url("state", world), headers={"HX-Request": "true", "X-Live-Panel": shown[1]})
    assert 'id="live-panel"' not in same.content.decode()


def test_the_page_includes_the_panel_for_the_current_phase_when_one_exists(
    world: Cast, settings: Any, tmp_path: Any
) -> None:
    panels = tmp_path / "meetings" / "panels"
    panels.mkdir(parents=True)
    (panels / "checkin.html").write_text(
        "<p>Panel for {{ phase.kind }}: {{ is_facilitator }} {{ viewer_enrolment.person.name }}</p>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    command(world.client("facilitator"), world, "start", 0)
    html = world.client("a_participant").get(url("live", world)).content.decode()
    assert f"Panel for checkin: False {escape(world.people['a_participant'].name)}" in html


def test_the_facilitator_cannot_end_a_wial_meeting_before_the_reflection(world: Cast) -> None:
    assert world.programme is not None
    world.programme.method = "wial"
    world.programme.save(update_fields=["method"])
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    page = facilitator.get(url("live", world)).content.decode()
    assert 'value="end"' not in page
    assert "Learning reflection" in page
    response = command(facilitator, world, "end", 1, htmx=True)
    assert response.status_code == 422
    assert _meeting(world).status == Meeting.Status.SCHEDULED


def test_ending_shows_the_meeting_held(world: Cast) -> None:
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    assert command(facilitator, world, "end", 1).status_code == 302
    html = world.client("a_participant").get(url("live", world)).content.decode()
    assert "Meeting ended" in html
    # Nothing more to wait for: no poll and no stream.
    assert 'hx-trigger="live-poll"' not in html
    assert "data-events=" not in html


def test_handing_over_airtime_by_the_member_s_public_id(world: Cast) -> None:
    facilitator = world.client("facilitator")
    command(facilitator, world, "start", 0)
    member = _meeting(world).learning_set.active_members()[1]
    response = command(facilitator, world, "presenter", 1, htmx=True, presenter=str(member.public_id))
    assert response.status_code == 200
    assert escape(member.person.name) in response.content.decode()


# --- notes -------------------------------------------------------------------------------------


def test_notes_autosave_and_a_stale_save_shows_both_texts(world: Cast) -> None:
    facilitator = world.client("facilitator")
    htmx = {"HX-Request": "true"}
    saved = facilitator.post(url("notes", world), {"text": "Ama quiet today", "version": 0}, headers=htmx)
    assert saved.status_code == 200
    assert 'id="note-version"' in saved.content.decode()
    assert 'value="1"' in saved.content.decode()
    facilitator.post(url("notes", world), {"text": "From the tablet", "version": 1}, headers=htmx)
    stale = facilitator.post(url("notes", world), {"text": "From the laptop", "version": 1}, headers=htmx)
    assert stale.status_code == 409
    assert "From the tablet" in stale.content.decode()
    page = facilitator.post(url("notes", world), {"text": "From the laptop", "version": 1})
    assert page.status_code == 409
    html = page.content.decode()
    assert "From the laptop" in html
    assert "From the tablet" in html
    assert FacilitatorNote.objects.get().text == "From the tablet"


def test_notes_are_private_to_their_author(world: Cast) -> None:
    meeting = _meeting(world)
    live.note_save(author=world.users["facilitator"], meeting=meeting, text="Private thought", version=0)
    # A co-facilitator of the same set reads only their own (empty) notes.
    co = UserFactory.create(staff_roles=["facilitator"])
    assert world.learning_set is not None
    FacilitatorAssignmentFactory.create(learning_set=world.learning_set, user=co, role="co")
    client = Client()
    client.force_login(co)
    own = client.get(url("notes", world))
    assert own.status_code == 200
    assert "Private thought" not in own.content.decode()
    assert "Private thought" not in client.get(url("live", world)).content.decode()
    # A facilitator of another set, a designer and an administrator are not told the meeting exists.
    stranger = UserFactory.create(staff_roles=["facilitator"])
    assert world.other_set is not None
    FacilitatorAssignmentFactory.create(learning_set=world.other_set, user=stranger)
    client.force_login(stranger)
    assert client.get(url("notes", world)).status_code == 404
    for role in ("designer", "administrator"):
        assert world.client(role).get(url("notes", world)).status_code == 404
        assert world.client(role).post(url("notes", world), {"text": "x", "version": 1}).status_code == 404
    # A member of the set is refused.
    member = world.client("a_participant")
    assert member.get(url("notes", world)).status_code == 403
    assert "Private thought" not in member.get(url("live", world)).content.decode()
    assert FacilitatorNote.objects.get().text == "Private thought"


def test_notes_are_not_in_the_admin() -> None:
    assert FacilitatorNote not in admin_site._registry


# --- attendance and the run sheet --------------------------------------------------------------


def test_the_facilitator_records_attendance_and_members_see_it(world: Cast) -> None:
    first, second = _meeting(world).learning_set.active_members()[:2]
    response = world.client("facilitator").post(
        url("attendance", world),
        {f"attendance-{first.public_id}": "present", f"attendance-{second.public_id}": "apologies"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        first.pk: "present",
        second.pk: "apologies",
    }
    html = world.client("a_participant").get(url("live", world)).content.decode()
    assert "Sent apologies" in html


def test_a_designer_adjusts_the_run_sheet(world: Cast) -> None:
    assert world.programme is not None
    page = reverse("live:run_sheet", kwargs={"programme": world.programme.public_id})
    designer = world.client("designer")
    assert "Bids for airtime" in designer.get(page).content.decode()
    data = {"checkin": 10, "progress": 20, "bids": 10, "airtime": 35, "review": 15, "checkout": 10}
    assert designer.post(page, data).status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.phase_minutes == {"checkin": 10, "airtime": 35}
    refused = designer.post(page, {**data, "airtime": 0})
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
