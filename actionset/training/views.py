from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.accounts.models import User
from actionset.core import bots
from actionset.core.access import access, actor_for, can, visible
from actionset.core.network import client_ip
from actionset.training import progress, services
from actionset.training.forms import BookingForm, CohortForm, CourseForm, EnrolForm, MaterialForm, SessionForm
from actionset.training.ics import cohort_ics
from actionset.training.models import Attendance, Booking, Cohort, CohortSession, Course, Material

bot_log = logging.getLogger("actionset.training.bots")

# --- loaders: the URL's object, or 404 -------------------------------------------------------------------


def course_from_slug(*, slug: str) -> Course:
    return get_object_or_404(Course, slug=slug)


def course_from_url(*, course: UUID) -> Course:
    return get_object_or_404(Course, public_id=course)


def cohort_from_url(*, cohort: UUID) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("course"), public_id=cohort)


def session_from_url(*, session: UUID) -> CohortSession:
    return get_object_or_404(CohortSession.objects.select_related("cohort__course"), public_id=session)


def booking_from_url(*, booking: UUID) -> Booking:
    return get_object_or_404(Booking.objects.select_related("cohort__course"), public_id=booking)


def material_from_url(*, material: UUID) -> Material:
    return get_object_or_404(Material.objects.select_related("cohort"), public_id=material)


def _upcoming_cohorts(courses: list[Course]) -> dict[int, list[Cohort]]:
    """Course pk → the cohorts the public sees (`CohortQuerySet.upcoming`), soonest first."""
    cohorts = Cohort.objects.filter(course__in=courses).upcoming().with_counts().with_session_list().order_by("pk")
    result: dict[int, list[Cohort]] = {course.pk: [] for course in courses}
    for cohort in sorted(cohorts, key=_first_start):
        result[cohort.course_id].append(cohort)
    return result


def _first_start(cohort: Cohort) -> Any:
    sessions = cohort.session_list  # type: ignore[attr-defined]
    return sessions[0].starts_at if sessions else timezone.now().replace(year=9999)


# --- the public catalogue ------------------------------------------------------------------------------------


@access("public")
def catalogue(request: HttpRequest) -> HttpResponse:
    # The public catalogue: published courses only, even for the staff who may open drafts.
    courses = list(
        visible(actor_for(request), "training.course.view", Course.objects.published()).order_by("kind", "title")
    )
    kind_order = [k for k, _ in Course.Kind.choices]
    courses.sort(key=lambda c: kind_order.index(c.kind))
    upcoming = _upcoming_cohorts(courses)
    rows = [
        {"course": c, "cohorts": upcoming[c.pk], "next": upcoming[c.pk][0] if upcoming[c.pk] else None} for c in courses
    ]
    return render(request, "training/catalogue.html", {"rows": rows})


@access("training.course.view", load=course_from_slug)
def course(request: HttpRequest, course: Course) -> HttpResponse:
    cohorts = _upcoming_cohorts([course])[course.pk]
    bookable = Cohort.objects.filter(pk__in=[c.pk for c in cohorts if c.is_bookable]).order_by("pk")
    user = request.user if request.user.is_authenticated else None
    assert user is None or isinstance(user, User)
    chosen = request.GET.get("cohort") or next((str(c.public_id) for c in cohorts if c.is_bookable), None)
    form = BookingForm(request.POST or None, cohorts=bookable, user=user, initial={"cohort": chosen})
    verdict = bots.Verdict.PERSON
    if request.method == "POST" and form.is_valid() and user is None:
        verdict = form.bot_verdict()
    if verdict == bots.Verdict.BOT:
        # Told what a person would be told, so that it learns nothing to adapt to; nothing is booked.
        bot_log.warning("public booking dropped: honeypot filled (ip=%s)", client_ip(request))
        messages.success(request, "Thank you. We have emailed you about your booking.")
        return redirect("training:course", slug=course.slug)
    if verdict == bots.Verdict.TOO_QUICK:
        form.restamp()
        form.add_error(None, bots.TOO_QUICK_MESSAGE)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                cohort=data["cohort"],
                name=data["name"],
                email=user.email if user else data["email"],
                organisation_name=data["organisation_name"],
                consent_to_contact=data["consent_to_contact"],
                join_waitlist=data["join_waitlist"],
                user=user,
                booked_by=user,
                source=Booking.Source.SELF if user else Booking.Source.PUBLIC,
            )
        except services.CohortFull:
            form.add_error(
                "join_waitlist",
                "That cohort has just filled up. Tick the box to join its waitlist, or choose another cohort.",
            )
        except services.BookingError as error:
            form.add_error(None, str(error))
        else:
            # The signed link is this person's key to their booking: it goes by email and into their browser here.
            return redirect("training:booking_manage", token=services.booking_token(booking))
    can_manage = can(actor_for(request), "training.manage")
    mine = list(Booking.objects.for_user(user).active().filter(cohort__course=course)) if user else []
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "cohorts": cohorts,
            "form": form,
            "bookable": bookable.exists(),
            "can_manage": can_manage,
            "my_bookings": mine,
        },
    )


# --- a person's own bookings -----------------------------------------------------------------------------


def _booking_page(request: HttpRequest, booking: Booking, *, token: str | None) -> HttpResponse:
    sessions = list(booking.cohort.sessions.order_by("starts_at"))
    return render(
        request,
        "training/booking.html",
        {
            "booking": booking,
            "sessions": sessions,
            "token": token,
            "course": booking.cohort.course,
            "offer_hours": services.OFFER_HOURS,
        },
    )


def _booking_from_token(token: str) -> Booking:
    booking = services.booking_from_token(token)
    if booking is None:
        raise Http404
    return booking


@access("public")
def booking_manage(request: HttpRequest, token: str) -> HttpResponse:
    """A booking's own page, reached by the signed link in the booker's email: see, cancel, accept an offer."""
    booking = _booking_from_token(token)
    if request.method == "POST":
        _booking_action(request, booking, request.POST.get("action", ""))
        return redirect("training:booking_manage", token=token)
    return _booking_page(request, booking, token=token)


def _booking_action(request: HttpRequest, booking: Booking, action: str) -> None:
    actor = request.user if request.user.is_authenticated else None
    if action == "cancel":
        services.booking_cancel(booking=booking, actor=actor)
        messages.success(request, "Your booking is cancelled. We have emailed you to confirm.")
    elif action == "accept":
        try:
            services.offer_accept(booking=booking, actor=actor)
        except services.OfferLapsed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your place is confirmed. The dates are in the email we have just sent.")


@access("signed_in")
def my_bookings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    bookings = (
        visible(actor_for(request), "training.booking", Booking.objects.for_user(user))
        .select_related("cohort__course")
        .prefetch_related(Prefetch("cohort__sessions", queryset=CohortSession.objects.order_by("starts_at")))
        .order_by("-created_at")
    )
    live = [b for b in bookings if b.status != Booking.Status.CANCELLED]
    past = [b for b in bookings if b.status == Booking.Status.CANCELLED]
    return render(request, "training/my_bookings.html", {"live": live, "cancelled": past})


@require_POST
@access("training.booking", load=booking_from_url)
def booking_cancel(request: HttpRequest, booking: Booking) -> HttpResponse:
    user = user_of(request)
    if booking.user_id == user.pk or booking.email.lower() == user.email.lower():
        _booking_action(request, booking, "cancel")
    else:
        # A trainer or administrator cancelling someone else's place.
        services.booking_cancel(booking=booking, actor=user, reason="cancelled_by_staff")
        messages.success(request, f"{booking.name}'s place is cancelled, and they have been emailed.")
    return _back(request, reverse("training:my_bookings"))


@require_POST
@access("training.booking", load=booking_from_url)
def booking_accept(request: HttpRequest, booking: Booking) -> HttpResponse:
    _booking_action(request, booking, "accept")
    return _back(request, reverse("training:my_bookings"))


@access("training.booking", load=booking_from_url)
def booking_ics(request: HttpRequest, booking: Booking) -> HttpResponse:
    return _ics_download(booking)


@access("public")
def booking_manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The cohort's calendar file again, for a public booker who has lost the email's attachment."""
    return _ics_download(_booking_from_token(token))


def _ics_download(booking: Booking) -> HttpResponse:
    response = HttpResponse(cohort_ics(booking.cohort), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.cohort.course.slug}.ics"'
    return response


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Return to the page the form was on when it said so (our own paths only), else to `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/training/") and "//" not in target:
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


# --- keeping the catalogue -----------------------------------------------------------------------------------


@access("training.manage")
def manage(request: HttpRequest) -> HttpResponse:
    cohorts: QuerySet[Cohort] = (
        Cohort.objects.with_counts().with_session_list().prefetch_related("trainers").order_by("pk")
    )
    actor = actor_for(request)
    courses = visible(actor, "training.manage", Course.objects.order_by("title")).prefetch_related(
        Prefetch("cohorts", queryset=visible(actor, "training.manage", cohorts))
    )
    return render(request, "training/manage.html", {"courses": courses})


@access("training.manage")
def course_new(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.course_save(actor=user_of(request), course=form.save(commit=False))
        messages.success(
            request, f"{course.title} is in the catalogue{'' if course.is_published else ' (unpublished)'}."
        )
        return redirect("training:manage")
    return render(request, "training/form.html", {"form": form, "title": "New course"})


@access("training.manage", load=course_from_url)
def course_edit(request: HttpRequest, course: Course) -> HttpResponse:
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        services.course_save(actor=user_of(request), course=form.save(commit=False))
        messages.success(request, "Course saved.")
        return redirect("training:manage")
    return render(request, "training/form.html", {"form": form, "title": f"Edit {course.title}", "course": course})


@access("training.manage", load=course_from_url)
def cohort_new(request: HttpRequest, course: Course) -> HttpResponse:
    form = CohortForm(request.POST or None, initial={"trainers": [request.user]})
    if request.method == "POST" and form.is_valid():
        cohort = form.save(commit=False)
        cohort.course = course
        services.cohort_save(actor=user_of(request), cohort=cohort, trainers=form.cleaned_data["trainers"])
        messages.success(request, "Cohort added. Now give it its sessions.")
        return redirect("training:cohort", cohort=cohort.public_id)
    return render(request, "training/form.html", {"form": form, "title": f"New cohort of {course.title}"})


@access("training.manage", load=cohort_from_url)
def cohort_edit(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        services.cohort_save(
            actor=user_of(request), cohort=form.save(commit=False), trainers=form.cleaned_data["trainers"]
        )
        messages.success(request, "Cohort saved.")
        return redirect("training:cohort", cohort=cohort.public_id)
    return render(request, "training/form.html", {"form": form, "title": f"Edit {cohort}", "cohort": cohort})


@access("training.manage", load=cohort_from_url)
def session_new(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.cohort = cohort
        services.session_save(actor=user_of(request), session=session)
        messages.success(request, "Session added.")
        return redirect("training:cohort", cohort=cohort.public_id)
    return render(request, "training/form.html", {"form": form, "title": f"New session of {cohort}", "cohort": cohort})


@access("training.manage", load=session_from_url)
def session_edit(request: HttpRequest, session: CohortSession) -> HttpResponse:
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.session_save(actor=user_of(request), session=form.save(commit=False))
        messages.success(
            request,
            "Session saved. Candidates with a place are emailed any new time or place.",
        )
        return redirect("training:cohort", cohort=session.cohort.public_id)
    return render(request, "training/form.html", {"form": form, "title": f"Edit {session}", "cohort": session.cohort})


# --- a cohort: the trainer's page, and the candidate's ----------------------------------------------------


@dataclass
class CandidateRow:
    booking: Booking
    attended: int
    recorded: int
    marks: list[bool | None] = field(default_factory=list)
    portfolio: Any = None
    #: Whether the viewer may open the portfolio itself: trainers may, administrators (who manage cohorts) may not.
    opens_portfolio: bool = False


@access("training.cohort.view", load=cohort_from_url)
def cohort(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    actor = actor_for(request)
    teaches = can(actor, "training.manage", cohort)
    sessions = list(cohort.sessions.order_by("starts_at"))
    materials = list(cohort.materials.all())
    context: dict[str, Any] = {
        "cohort": cohort,
        "course": cohort.course,
        "sessions": sessions,
        "materials": materials,
        "teaches": teaches,
        "trainers": list(cohort.trainers.order_by("name")),
        "past_count": sum(1 for s in sessions if s.is_past),
    }
    if teaches:
        confirmed = list(cohort.bookings.confirmed().select_related("user").order_by("name"))
        rows = _candidate_rows(cohort, confirmed, sessions)
        started = [p for p in (getattr(row.portfolio, "portfolio", None) for row in rows) if p is not None]
        # One query for the whole list rather than a rule check per candidate.
        opens = set(
            visible(
                actor, "portfolio.view", type(started[0]).objects.filter(pk__in=[p.pk for p in started])
            ).values_list("pk", flat=True)
            if started
            else []
        )
        for row in rows:
            portfolio = getattr(row.portfolio, "portfolio", None)
            row.opens_portfolio = portfolio is not None and portfolio.pk in opens
        context.update(
            rows=rows,
            waiting=list(
                cohort.bookings.filter(status__in=[Booking.Status.OFFERED, Booking.Status.WAITLISTED]).order_by(
                    "status", "waitlisted_at", "pk"
                )
            ),
            places_left=cohort.places_left(),
            enrol_form=EnrolForm(),
            material_form=MaterialForm(),
            portfolio_progress=progress.accreditation_available(),
        )
    else:
        # A candidate sees only their own attendance: the other candidates' records are not theirs to read.
        booking = cohort.bookings.confirmed().filter(user=user_of(request)).first()
        marks = dict(Attendance.objects.filter(booking=booking).values_list("session_id", "present"))
        for session in sessions:
            session.my_mark = marks.get(session.pk)  # type: ignore[attr-defined]
        context["booking"] = booking
    return render(request, "training/cohort.html", context)


def _candidate_rows(cohort: Cohort, confirmed: list[Booking], sessions: list[CohortSession]) -> list[CandidateRow]:
    marks: dict[tuple[int, int], bool] = {
        (booking_id, session_id): present
        for booking_id, session_id, present in Attendance.objects.filter(session__cohort=cohort).values_list(
            "booking_id", "session_id", "present"
        )
    }
    portfolio = progress.portfolio_progress([b for b in confirmed], course=cohort.course)
    rows = []
    for booking in confirmed:
        row_marks = [marks.get((booking.pk, s.pk)) for s in sessions]
        rows.append(
            CandidateRow(
                booking=booking,
                attended=sum(1 for m in row_marks if m),
                recorded=sum(1 for m in row_marks if m is not None),
                marks=row_marks,
                portfolio=portfolio.get(booking.pk),
            )
        )
    return rows


@access("training.manage", load=session_from_url)
def attendance(request: HttpRequest, session: CohortSession) -> HttpResponse:
    cohort = session.cohort
    if session.starts_at > timezone.now():
        messages.info(request, "Attendance can be recorded once the session has started.")
        return redirect("training:cohort", cohort=cohort.public_id)
    confirmed = list(cohort.bookings.confirmed().order_by("name"))
    current = dict(Attendance.objects.filter(session=session).values_list("booking_id", "present"))
    if request.method == "POST":
        present: dict[int, bool] = {}
        for booking in confirmed:
            value = request.POST.get(f"b-{booking.public_id}")
            if value in ("present", "absent"):
                present[booking.pk] = value == "present"
        count = services.attendance_record(actor=user_of(request), session=session, present=present)
        messages.success(request, f"Attendance recorded for {count} candidate{'s' if count != 1 else ''}.")
        return redirect("training:cohort", cohort=cohort.public_id)
    rows = [(b, current.get(b.pk)) for b in confirmed]
    return render(request, "training/attendance.html", {"session": session, "cohort": cohort, "rows": rows})


@require_POST
@access("training.manage", load=cohort_from_url)
def enrol(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    form = EnrolForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                cohort=cohort,
                name=data["name"],
                email=data["email"],
                organisation_name=data["organisation_name"],
                consent_to_contact=True,
                join_waitlist=data["join_waitlist"],
                user=User.objects.filter(email__iexact=data["email"]).first(),
                booked_by=user_of(request),
                source=Booking.Source.ENROLLED,
            )
        except services.CohortFull:
            messages.error(request, f"The cohort is full: {data['name']} was not enrolled. Tick “waitlist” to queue.")
        except services.BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{booking.name}: {booking.get_status_display().lower()}. They have been emailed."
            )
    else:
        messages.error(request, "To enrol someone, give their name and a valid email address.")
    return redirect("training:cohort", cohort=cohort.public_id)


@require_POST
@access("training.manage", load=cohort_from_url)
def material_new(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        services.material_add(
            actor=user_of(request), cohort=cohort, title=data["title"], file=data["file"], url=data["url"] or ""
        )
        messages.success(request, "Material added.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("training:cohort", cohort=cohort.public_id)


@access("training.material", load=material_from_url)
def material(request: HttpRequest, material: Material) -> HttpResponse:
    if material.url:
        return HttpResponseRedirect(material.url)
    name = material.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(material.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    # Private files: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # a streamed file, which the access decorator passes through as is


@require_POST
@access("training.manage", load=material_from_url)
def material_remove(request: HttpRequest, material: Material) -> HttpResponse:
    cohort = material.cohort
    services.material_remove(actor=user_of(request), material=material)
    messages.success(request, "Material removed.")
    return redirect("training:cohort", cohort=cohort.public_id)
