"""The pages: public booking, a person's own bookings, the trainer's cohort page, materials; who sees what."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionset.core import bots
from actionset.training import services
from actionset.training.models import Attendance, Booking, Cohort, Course, Material
from actionset.training.tests.factories import BookingFactory, CohortFactory, CourseFactory, SessionFactory
from conftest import Cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort() -> Cohort:
    cohort = CohortFactory.create(name="Spring, Leeds", course__slug="foundation", capacity=2)
    SessionFactory.create(cohort=cohort, starts_at=timezone.now() - timedelta(days=3))
    SessionFactory.create(cohort=cohort)
    return cohort


def course_url(cohort: Cohort) -> str:
    return reverse("training:course", kwargs={"slug": cohort.course.slug})


def booking_form(cohort: Cohort, **overrides: Any) -> dict[str, Any]:
    return {
        # The form as a person sends it: shown a minute ago, honeypot empty.
        "started": signing.dumps({"t": time.time() - 60}, salt=bots.SALT),
        "website": "",
        "cohort": str(cohort.public_id),
        "name": "Ann Lee",
        "email": "ann@example.org",
        "organisation_name": "Calder Council",
        "consent_to_contact": "on",
        **overrides,
    }


# --- the public catalogue and booking ------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_with_dates_and_places(cohort: Cohort, client: Any) -> None:
    CourseFactory.create(title="A draft course", is_published=False)
    BookingFactory.create(cohort=cohort)
    page = client.get(reverse("training:catalogue")).content.decode()
    assert cohort.course.title in page
    assert "A draft course" not in page
    assert "1 place left" in page
    assert cohort.name in page


def test_the_catalogue_costs_the_same_queries_however_many_courses(cohort: Cohort, client: Any) -> None:
    url = reverse("training:catalogue")
    client.get(url)  # the site layout's own first-request work
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        other = CohortFactory.create()
        SessionFactory.create_batch(2, cohort=other)
        BookingFactory.create(cohort=other)
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).content.decode().count("Dates, outcomes and booking<") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_running_cohort_closed_to_booking_is_not_in_the_catalogue(cohort: Cohort, client: Any) -> None:
    cohort.status = Cohort.Status.CLOSED
    cohort.save()  # its first session is already past
    assert cohort.name not in client.get(reverse("training:catalogue")).content.decode()
    assert cohort.name not in client.get(course_url(cohort)).content.decode()


def test_an_unpublished_course_page_is_hidden_from_the_public_but_not_from_trainers(cast: Cast) -> None:
    course = CourseFactory.create(is_published=False)
    url = reverse("training:course", kwargs={"slug": course.slug})
    assert cast.client("anonymous").get(url).status_code == 404
    assert cast.client("a_participant").get(url).status_code == 404
    assert cast.client("trainer").get(url).status_code == 200


def test_a_member_of_the_public_books_a_place_and_lands_on_their_booking_page(
    cohort: Cohort, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(course_url(cohort), booking_form(cohort))
    booking = Booking.objects.get()
    assert (booking.status, booking.user, booking.consent_to_contact) == ("confirmed", None, True)
    assert booking.source == Booking.Source.PUBLIC
    assert response["Location"] == reverse("training:booking_manage", kwargs={"token": services.booking_token(booking)})
    page = client.get(response["Location"]).content.decode()
    assert "Your place is booked" in page
    assert len(mail.outbox) == 1


def test_a_bot_that_fills_the_honeypot_is_thanked_and_nothing_is_booked(cohort: Cohort, client: Any) -> None:
    response = client.post(course_url(cohort), booking_form(cohort, website="http://cheap-pills.example"))
    assert response.status_code == 302
    assert not Booking.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_could_comes_back_as_typed(cohort: Cohort, client: Any) -> None:
    just_now = signing.dumps({"t": time.time()}, salt=bots.SALT)
    response = client.post(course_url(cohort), booking_form(cohort, started=just_now))
    assert response.status_code == 200
    assert not Booking.objects.exists()
    body = response.content.decode()
    assert "nothing has been sent yet" in body
    assert 'value="Ann Lee"' in body
    # A second send with the fresh stamp the form came back with, once a person has had time, goes through.
    fresh = response.context["form"].data["started"]
    assert bots.seconds_since(fresh) is not None


def test_a_forged_stamp_is_treated_as_too_quick(cohort: Cohort, client: Any) -> None:
    response = client.post(course_url(cohort), booking_form(cohort, started="not-a-signed-stamp"))
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_a_signed_in_person_is_not_timed(cohort: Cohort, client: Any) -> None:
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(course_url(cohort), booking_form(cohort, started=""))
    assert response.status_code == 302
    assert Booking.objects.get().user == user


def test_the_booking_form_keeps_what_was_typed_and_asks_for_consent(cohort: Cohort, client: Any) -> None:
    response = client.post(course_url(cohort), booking_form(cohort, consent_to_contact=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "please tick to agree" in page
    assert 'value="Ann Lee"' in page
    assert 'value="Calder Council"' in page
    assert not Booking.objects.exists()


def test_booking_a_full_cohort_asks_about_the_waitlist_and_then_queues(cohort: Cohort, client: Any) -> None:
    BookingFactory.create_batch(2, cohort=cohort)
    response = client.post(course_url(cohort), booking_form(cohort))
    assert response.status_code == 200
    assert "Tick the box to join its waitlist" in response.content.decode()
    response = client.post(course_url(cohort), booking_form(cohort, join_waitlist="on"))
    assert response.status_code == 302
    assert Booking.objects.get(email="ann@example.org").status == "waitlisted"
    assert cohort.held_places_count() == 2


def test_a_closed_cohort_cannot_be_chosen_on_the_form(cohort: Cohort, client: Any) -> None:
    cohort.status = Cohort.Status.CLOSED
    cohort.save()
    response = client.post(course_url(cohort), booking_form(cohort))
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_a_signed_in_person_books_for_themself_under_their_own_address(cohort: Cohort, cast: Cast) -> None:
    client = cast.client("a_participant")
    client.post(course_url(cohort), booking_form(cohort, email="someone.else@example.org"))
    booking = Booking.objects.get()
    assert booking.user == cast.users["a_participant"]
    assert booking.email == cast.users["a_participant"].email
    assert booking.source == Booking.Source.SELF
    page = client.get(reverse("training:my_bookings")).content.decode()
    assert cohort.name in page
    assert f"You are booked on {cohort.name}" in client.get(course_url(cohort)).content.decode()


def test_the_public_pages_never_show_other_bookers(cohort: Cohort, client: Any) -> None:
    other = BookingFactory.create(cohort=cohort, name="Zed Private", email="zed@private.example")
    mine = BookingFactory.create(cohort=cohort, name="Ann Lee", email="ann@example.org")
    token = services.booking_token(mine)
    for url in (
        reverse("training:catalogue"),
        course_url(cohort),
        reverse("training:booking_manage", kwargs={"token": token}),
    ):
        page = client.get(url).content.decode()
        assert other.name not in page
        assert other.email not in page


def test_the_signed_link_gives_the_calendar_file_again(cohort: Cohort, client: Any) -> None:
    booking = BookingFactory.create(cohort=cohort)
    url = reverse("training:booking_manage_ics", kwargs={"token": services.booking_token(booking)})
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.count(b"BEGIN:VEVENT") == 2
    forged = reverse("training:booking_manage_ics", kwargs={"token": str(booking.public_id)})
    assert client.get(forged).status_code == 404


def test_a_forged_booking_link_is_not_found(cohort: Cohort, client: Any) -> None:
    booking = BookingFactory.create(cohort=cohort)
    token = services.booking_token(booking)
    assert client.get(reverse("training:booking_manage", kwargs={"token": token + "x"})).status_code == 404
    url = reverse("training:booking_manage", kwargs={"token": str(booking.public_id)})
    assert client.get(url).status_code == 404


def test_the_signed_link_cancels_and_the_place_is_offered_on(
    cohort: Cohort, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mine = BookingFactory.create(cohort=cohort, email="ann@example.org")
    BookingFactory.create(cohort=cohort)
    waiting = BookingFactory.create(
        cohort=cohort, status=Booking.Status.WAITLISTED, waitlisted_at=timezone.now(), confirmed_at=None
    )
    url = reverse("training:booking_manage", kwargs={"token": services.booking_token(mine)})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "cancel"})
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("cancelled", "offered")
    # The offered person accepts through their own link.
    offer_url = reverse("training:booking_manage", kwargs={"token": services.booking_token(waiting)})
    assert "Accept the place" in client.get(offer_url).content.decode()
    client.post(offer_url, {"action": "accept"})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_a_signed_in_person_cancels_their_own_booking_but_not_anothers(cohort: Cohort, cast: Cast) -> None:
    participant = cast.users["a_participant"]
    mine = BookingFactory.create(cohort=cohort, user=participant, email=participant.email)
    theirs = BookingFactory.create(cohort=cohort)
    client = cast.client("a_participant")
    response = client.post(reverse("training:booking_cancel", kwargs={"booking": theirs.public_id}))
    assert response.status_code == 404
    client.post(reverse("training:booking_cancel", kwargs={"booking": mine.public_id}))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("cancelled", "confirmed")


def test_a_public_booking_shows_up_once_the_booker_signs_in_with_that_address(cohort: Cohort) -> None:
    BookingFactory.create(cohort=cohort, email="ann@example.org", user=None)
    user = UserFactory.create(email="ann@example.org")
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert cohort.name in client.get(reverse("training:my_bookings")).content.decode()


# --- the cohort page: trainer's and candidate's -------------------------------------------------------------


def test_the_trainer_sees_candidates_attendance_and_the_waitlist(cohort: Cohort, cast: Cast) -> None:
    ann = BookingFactory.create(cohort=cohort, name="Ann Lee")
    BookingFactory.create(cohort=cohort, name="Ben Ode")
    BookingFactory.create(
        cohort=cohort, name="Cat Wait", status=Booking.Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    Attendance.objects.create(session=cohort.sessions.order_by("starts_at")[0], booking=ann, present=True)
    page = cast.client("trainer").get(reverse("training:cohort", kwargs={"cohort": cohort.public_id})).content.decode()
    assert "Ann Lee" in page
    assert "Ben Ode" in page
    assert "Cat Wait" in page
    assert "1 of 1 present" in page
    assert "Nothing recorded" in page


def test_a_candidate_sees_their_cohort_but_no_other_candidate(cohort: Cohort, cast: Cast) -> None:
    participant = cast.users["a_participant"]
    mine = BookingFactory.create(cohort=cohort, user=participant, email=participant.email)
    BookingFactory.create(cohort=cohort, name="Zed Private", email="zed@private.example")
    Attendance.objects.create(session=cohort.sessions.order_by("starts_at")[0], booking=mine, present=False)
    response = cast.client("a_participant").get(reverse("training:cohort", kwargs={"cohort": cohort.public_id}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zed Private" not in page
    assert "zed@private.example" not in page
    assert "Absent" in page
    assert "Enrol someone" not in page


def test_a_waitlisted_person_cannot_open_the_cohort(cohort: Cohort, cast: Cast) -> None:
    participant = cast.users["a_participant"]
    BookingFactory.create(cohort=cohort, user=participant, status=Booking.Status.WAITLISTED)
    response = cast.client("a_participant").get(reverse("training:cohort", kwargs={"cohort": cohort.public_id}))
    assert response.status_code == 404


def test_the_trainer_records_attendance(cohort: Cohort, cast: Cast) -> None:
    ann = BookingFactory.create(cohort=cohort)
    ben = BookingFactory.create(cohort=cohort)
    waiting = BookingFactory.create(cohort=cohort, status=Booking.Status.WAITLISTED)
    session = cohort.sessions.order_by("starts_at").first()
    assert session is not None
    url = reverse("training:attendance", kwargs={"session": session.public_id})
    cast.client("trainer").post(
        url,
        {f"b-{ann.public_id}": "present", f"b-{ben.public_id}": "absent", f"b-{waiting.public_id}": "present"},
    )
    marks = dict(Attendance.objects.values_list("booking__name", "present"))
    assert marks == {ann.name: True, ben.name: False}


def test_attendance_waits_for_the_session_to_start(cohort: Cohort, cast: Cast) -> None:
    ann = BookingFactory.create(cohort=cohort)
    future = cohort.sessions.order_by("starts_at").last()
    assert future is not None
    url = reverse("training:attendance", kwargs={"session": future.public_id})
    response = cast.client("trainer").post(url, {f"b-{ann.public_id}": "present"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    with pytest.raises(ValueError, match="once the session has started"):
        services.attendance_record(actor=None, session=future, present={ann.pk: True})


def test_the_trainer_enrols_someone_and_their_login_is_linked(cohort: Cohort, cast: Cast) -> None:
    user = UserFactory.create(email="dev@example.org")
    cast.client("trainer").post(
        reverse("training:enrol", kwargs={"cohort": cohort.public_id}), {"name": "Dev", "email": "Dev@example.org"}
    )
    booking = Booking.objects.get()
    assert (booking.user, booking.source, booking.booked_by) == (user, "enrolled", cast.users["trainer"])


def test_enrolling_into_a_full_cohort_needs_the_waitlist_box(cohort: Cohort, cast: Cast) -> None:
    BookingFactory.create_batch(2, cohort=cohort)
    url = reverse("training:enrol", kwargs={"cohort": cohort.public_id})
    cast.client("trainer").post(url, {"name": "Dev", "email": "dev@example.org"})
    assert not Booking.objects.filter(email="dev@example.org").exists()
    cast.client("trainer").post(url, {"name": "Dev", "email": "dev@example.org", "join_waitlist": "on"})
    assert Booking.objects.get(email="dev@example.org").status == "waitlisted"


# --- materials: served only to the cohort --------------------------------------------------------------------


@pytest.fixture
def handout(cohort: Cohort, settings: Any, tmp_path: Any) -> Material:
    settings.MEDIA_ROOT = tmp_path
    return services.material_add(
        actor=None, cohort=cohort, title="Log template", file=ContentFile(b"Reflective log", name="log.txt")
    )


def test_a_candidate_on_the_cohort_downloads_a_material(cohort: Cohort, cast: Cast, handout: Material) -> None:
    participant = cast.users["a_participant"]
    BookingFactory.create(cohort=cohort, user=participant, email=participant.email)
    response = cast.client("a_participant").get(reverse("training:material", kwargs={"material": handout.public_id}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Reflective log"  # type: ignore[attr-defined]
    assert "private" in response["Cache-Control"]
    assert 'filename="log.txt"' in response["Content-Disposition"]


def test_a_material_is_hidden_from_candidates_of_other_cohorts(cohort: Cohort, cast: Cast, handout: Material) -> None:
    participant = cast.users["a_participant"]
    BookingFactory.create(user=participant, email=participant.email)  # on another cohort
    response = cast.client("a_participant").get(reverse("training:material", kwargs={"material": handout.public_id}))
    assert response.status_code == 404


def test_uploads_are_not_under_a_guessable_path(handout: Material) -> None:
    assert str(handout.public_id) in handout.file.name


def test_the_trainer_adds_a_link_and_needs_one_of_file_or_link(cohort: Cohort, cast: Cast) -> None:
    url = reverse("training:material_new", kwargs={"cohort": cohort.public_id})
    cast.client("trainer").post(url, {"title": "Nothing"})
    assert not Material.objects.exists()
    cast.client("trainer").post(url, {"title": "Reading", "url": "https://example.org/r"})
    assert Material.objects.get().url == "https://example.org/r"


# --- keeping the catalogue ---------------------------------------------------------------------------------------


def test_a_trainer_creates_a_course_a_cohort_and_a_session(cast: Cast) -> None:
    client = cast.client("trainer")
    client.post(
        reverse("training:course_new"),
        {
            "title": "Taster",
            "slug": "taster",
            "kind": "taster",
            "develops": "in_set_facilitator",
            "summary": "A half day.",
            "price": "95",
            "is_published": "on",
        },
    )
    course = Course.objects.get(slug="taster")
    client.post(
        reverse("training:cohort_new", kwargs={"course": course.public_id}),
        {"name": "Leeds", "capacity": "6", "status": "open", "trainers": [cast.users["trainer"].pk]},
    )
    cohort = course.cohorts.get()
    assert list(cohort.trainers.all()) == [cast.users["trainer"]]
    response = client.post(
        reverse("training:session_new", kwargs={"cohort": cohort.public_id}),
        {"title": "Workshop", "starts_at": "2030-03-02T09:30", "ends_at": "2030-03-02T09:00", "venue": "Leeds"},
    )
    assert "A session ends after it starts." in response.content.decode()
    client.post(
        reverse("training:session_new", kwargs={"cohort": cohort.public_id}),
        {"title": "Workshop", "starts_at": "2030-03-02T09:30", "ends_at": "2030-03-02T13:00", "venue": "Leeds"},
    )
    assert cohort.sessions.get().title == "Workshop"


def test_changing_a_session_counts_up_its_calendar_sequence(cohort: Cohort, cast: Cast) -> None:
    session = cohort.sessions.order_by("starts_at").last()
    assert session is not None
    cast.client("trainer").post(
        reverse("training:session_edit", kwargs={"session": session.public_id}),
        {"title": "Moved", "starts_at": "2030-03-03T09:30", "ends_at": "2030-03-03T16:00", "venue": "Leeds"},
    )
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Moved", 1)


def test_the_capacity_cannot_drop_below_the_places_taken(cohort: Cohort, cast: Cast) -> None:
    BookingFactory.create_batch(2, cohort=cohort)
    response = cast.client("trainer").post(
        reverse("training:cohort_edit", kwargs={"cohort": cohort.public_id}),
        {"name": cohort.name, "capacity": "1", "status": "open"},
    )
    assert "cannot be lower" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 2


# --- navigation and the home page -----------------------------------------------------------------------


def test_the_navigation_offers_training_to_its_keepers_and_your_courses_to_bookers(cohort: Cohort, cast: Cast) -> None:
    from actionset.core.access import Actor
    from actionset.training.navigation import nav_items

    participant = cast.users["a_participant"]
    assert [i.label for i in nav_items(Actor(cast.users["trainer"]))] == ["Training"]
    assert [i.label for i in nav_items(Actor(cast.users["designer"]))] == []
    assert [i.label for i in nav_items(Actor(participant))] == []
    BookingFactory.create(cohort=cohort, user=participant, email=participant.email)
    assert [i.label for i in nav_items(Actor(participant))] == ["Your courses"]


def test_the_home_page_shows_a_candidates_next_session(cohort: Cohort, cast: Cast) -> None:
    participant = cast.users["a_participant"]
    BookingFactory.create(cohort=cohort, user=participant, email=participant.email)
    page = cast.client("a_participant").get(reverse("core:home")).content.decode()
    assert "Your training" in page
    assert reverse("training:cohort", kwargs={"cohort": cohort.public_id}) in page
    assert "Your training" not in cast.client("a_sponsor").get(reverse("core:home")).content.decode()
