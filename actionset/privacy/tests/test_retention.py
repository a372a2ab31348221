"""Retention: the job deletes what is past its period and keeps what is inside it; the provider sets periods
within bounds; the privacy notice prints what the job does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.core.scheduler import JOBS_BY_NAME
from actionset.evaluation.models import Response
from actionset.evaluation.tests.factories import occasion
from actionset.learning.models import JournalEntry
from actionset.meetings.models import Meeting
from actionset.organisations.models import Provider
from actionset.privacy.models import DataExport, RetentionKind
from actionset.privacy.retention import BOUNDS, MONTH, retention_apply, schedule, schedule_change
from actionset.programmes.models import Programme
from actionset.room.models import Action, TrioPlace
from actionset.site.models import Enquiry
from actionset.site.starter import starter_pages_create
from actionset.site.tests.factories import EnquiryFactory
from actionset.training.models import Booking
from actionset.training.tests.factories import BookingFactory, SessionFactory
from conftest import Cast
from tests.factories import EnrolmentFactory, LearningSetFactory, MeetingFactory, MembershipFactory, ProgrammeFactory
from tests.security import test_canary as canary

NOW = timezone.now()


def _aged(model: type[models.Model], pk: int, field: str, months: float) -> None:
    model._default_manager.filter(pk=pk).update(**{field: NOW - months * MONTH})


def test_each_kind_goes_after_its_period_and_not_before(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    assert cast.meeting is not None
    assert cast.programme is not None
    user = cast.users["a_participant"]
    months = schedule()
    old_entry = JournalEntry.objects.create(author=user, about_myself="Long ago.")
    new_entry = JournalEntry.objects.create(author=user, about_myself="Lately.")
    _aged(JournalEntry, old_entry.pk, "updated_at", months[RetentionKind.JOURNALS] + 1)
    _aged(JournalEntry, new_entry.pk, "updated_at", months[RetentionKind.JOURNALS] - 1)

    # A programme that closed long ago, and one that closed lately: each with an action in its set.
    def closed_programme(last_met_months_ago: float) -> Action:
        programme = ProgrammeFactory.create(organisation=cast.org_a, status=Programme.Status.CLOSED)
        learning_set = LearningSetFactory.create(programme=programme)
        member = MembershipFactory.create(learning_set=learning_set).enrolment
        meeting = MeetingFactory.create(learning_set=learning_set, starts_at=NOW - last_met_months_ago * MONTH)
        return Action.objects.create(learning_set=learning_set, owner=member, meeting=meeting, text="Ring the ward.")

    past_set = closed_programme(months[RetentionKind.SET_CONTENT] + 1)
    recent_set = closed_programme(months[RetentionKind.SET_CONTENT] - 1)
    running = Action.objects.create(
        learning_set=cast.learning_set,
        owner=cast.people["a_participant"].enrolments.get(),
        meeting=cast.meeting,
        text="t",
    )
    _aged(Action, running.pk, "created_at", 100)

    survey = occasion(cast.programme)
    old_answer = Response.objects.create(occasion=survey, enrolment=cast.people["a_participant"].enrolments.get())
    new_answer = Response.objects.create(occasion=survey, enrolment=EnrolmentFactory.create(programme=cast.programme))
    _aged(Response, old_answer.pk, "submitted_at", months[RetentionKind.SURVEY_ANSWERS] + 1)

    old_enquiry, new_enquiry, won = EnquiryFactory.create(), EnquiryFactory.create(), EnquiryFactory.create(stage="won")
    _aged(Enquiry, old_enquiry.pk, "updated_at", months[RetentionKind.ENQUIRIES] + 1)
    _aged(Enquiry, won.pk, "updated_at", months[RetentionKind.ENQUIRIES] + 1)

    def booking(ended_months_ago: float) -> Booking:
        session = SessionFactory.create(
            starts_at=NOW - ended_months_ago * MONTH - dt.timedelta(hours=6), ends_at=NOW - ended_months_ago * MONTH
        )
        return BookingFactory.create(cohort=session.cohort)

    old_booking, new_booking = booking(months[RetentionKind.BOOKINGS] + 1), booking(months[RetentionKind.BOOKINGS] - 1)

    AuditEvent.objects.all().delete()
    old_event = AuditEvent.objects.create(action="login")
    new_event = AuditEvent.objects.create(action="login")
    _aged(AuditEvent, old_event.pk, "created_at", months[RetentionKind.AUDIT_EVENTS] + 1)

    call_command("retention_apply", verbosity=0)

    def exists(obj: object) -> bool:
        return type(obj)._default_manager.filter(pk=obj.pk).exists()  # type: ignore[attr-defined]

    gone = [old_entry, past_set, old_answer, old_enquiry, old_booking, old_event]
    kept = [new_entry, recent_set, running, new_answer, new_enquiry, won, new_booking, new_event]
    assert [type(o).__name__ for o in gone if exists(o)] == []
    assert [type(o).__name__ for o in kept if not exists(o)] == []
    # The job says what it did, in numbers only.
    assert AuditEvent.objects.get(action="retention.applied").detail["journal_entries"] == 1


def test_a_shorter_period_the_provider_chooses_is_the_one_enforced(cast: Cast) -> None:
    entry = JournalEntry.objects.create(author=cast.users["a_participant"], about_myself="Two years ago.")
    _aged(JournalEntry, entry.pk, "updated_at", 24)
    retention_apply()
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    schedule_change(actor=cast.users["administrator"], months={RetentionKind.JOURNALS: 12})
    retention_apply()
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_expired_archives_go(cast: Cast) -> None:
    user = cast.users["a_participant"]
    DataExport.objects.create(subject_user=user, requested_by=user, expires_at=NOW - dt.timedelta(minutes=1))
    DataExport.objects.create(subject_user=user, requested_by=user, expires_at=NOW + dt.timedelta(days=1))
    retention_apply()
    assert DataExport.objects.count() == 1


def test_the_form_keeps_periods_within_their_bounds(cast: Cast) -> None:
    admin = cast.client("administrator")
    url = reverse("privacy:retention")
    data = {kind: BOUNDS[kind].default for kind in RetentionKind.values}
    too_long = {**data, RetentionKind.ENQUIRIES: BOUNDS[RetentionKind.ENQUIRIES].most + 1}
    assert admin.post(url, too_long).status_code == 200
    too_short = {**data, RetentionKind.AUDIT_EVENTS: BOUNDS[RetentionKind.AUDIT_EVENTS].least - 1}
    assert admin.post(url, too_short).status_code == 200
    assert schedule() == data
    assert admin.post(url, {**data, RetentionKind.JOURNALS: 60}).status_code == 302
    assert schedule()[RetentionKind.JOURNALS] == 60
    event = AuditEvent.objects.get(action="retention.changed")
    assert event.detail == {"journals": {"before": 36, "after": 60}}
    with pytest.raises(ValueError, match="outside"):
        schedule_change(actor=cast.users["administrator"], months={RetentionKind.JOURNALS: 1000})


def test_the_privacy_notice_prints_the_schedule(cast: Cast) -> None:
    starter_pages_create(provider=Provider.current())
    schedule_change(actor=cast.users["administrator"], months={RetentionKind.JOURNALS: 50})
    response = cast.client("anonymous").get(reverse("site:page", kwargs={"slug": "privacy"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "How long we keep your data" in page
    assert "50 months" in page
    assert str(RetentionKind.JOURNALS.label) in page


def test_the_scheduler_runs_the_job_daily() -> None:
    assert JOBS_BY_NAME["retention_apply"].command == "retention_apply"
    assert JOBS_BY_NAME["retention_apply"].every == dt.timedelta(days=1)


def test_everything_a_set_wrote_goes_with_its_programme_past_the_period(programme_world: Cast) -> None:
    """Every word the canary plants in the room's models (and the facilitator's notes), and who sat in which trio."""
    cast = programme_world
    assert cast.programme is not None
    assert cast.meeting is not None
    words = canary.canaries()
    canary._plant(cast, words)
    enrolment = cast.people["a_participant"].enrolments.get()
    TrioPlace.objects.create(meeting=cast.meeting, enrolment=enrolment, trio=1, seat=1)
    content = {f: c for f, c in words.items() if f.startswith("room.") or f.startswith("meetings.FacilitatorNote.")}
    assert content, "the canary plants the room's fields"
    Programme.objects.filter(pk=cast.programme.pk).update(status=Programme.Status.CLOSED)
    Meeting.objects.filter(learning_set__programme=cast.programme).update(
        starts_at=NOW - (schedule()[RetentionKind.SET_CONTENT] + 1) * MONTH
    )

    retention_apply()

    def held(field: str, word: str) -> bool:
        app_label, model_name, name = field.split(".")
        model = apps.get_model(app_label, model_name)
        return model._default_manager.filter(**{f"{name}__contains": word}).exists()

    assert sorted(f for f, c in content.items() if held(f, c.word)) == []
    assert not TrioPlace.objects.filter(meeting=cast.meeting).exists()
