from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.core.access import access, actor_for, can
from actionset.meetings.calendar import download_ics, feed_ics
from actionset.meetings.forms import CancelForm, RescheduleForm, SetSlotForm
from actionset.meetings.home import facilitated_sets
from actionset.meetings.models import CalendarFeed, Meeting, hash_feed_token
from actionset.meetings.scheduling import SetPlan, programme_plans, slot_label
from actionset.meetings.services import (
    ScheduleError,
    calendar_feed_create,
    calendar_feed_revoke,
    meeting_cancel,
    meeting_reschedule,
    schedule_create,
)
from actionset.programmes.models import Programme, uncovered_text
from actionset.programmes.slots import HALF_DAY_MINUTES
from actionset.programmes.views import programme_page_context
from actionset.sets.models import LearningSet

#: The new feed token, carried across the redirect after it is made and shown once.
NEW_FEED_TOKEN = "meetings.new_feed_token"


def programme_from_url(*, programme: UUID) -> Programme:
    return get_object_or_404(Programme.objects.select_related("organisation"), public_id=programme)


def meeting_from_url(*, meeting: UUID) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("learning_set__programme__organisation"), public_id=meeting)


def feed_from_url(*, token: str) -> CalendarFeed:
    feed = CalendarFeed.objects.by_token(token)
    if feed is None:
        raise Http404
    return feed


# --- the schedule of a programme -----------------------------------------------------------


@dataclass
class SetSchedule:
    learning_set: LearningSet
    meetings: list[Meeting]
    slot_label: str
    #: For a set with no meetings yet: the slot it would get, and who could not come.
    plan: SetPlan | None = None
    form: SetSlotForm | None = None


def _schedule_context(
    request: HttpRequest, programme: Programme, *, bound: tuple[LearningSet, SetSlotForm] | None = None
) -> dict[str, Any]:
    actor = actor_for(request)
    can_design = can(actor, "programme.design", programme)
    full_day = programme.meeting_minutes > HALF_DAY_MINUTES
    sets = list(
        programme.sets.order_by("position", "name")
        .annotate(facilitator_count=Count("facilitators"))
        .prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at"), to_attr="scheduled_meetings")
        )
    )
    rows = [
        SetSchedule(
            learning_set=s,
            meetings=s.scheduled_meetings,  # type: ignore[attr-defined]
            slot_label=slot_label(s.slot, full_day=full_day) if s.slot else "",
        )
        for s in sets
    ]
    unscheduled = [row for row in rows if not row.meetings]
    # Only designers see the plan: it names who cannot attend, which is the participants' own business.
    if can_design and rows:
        for row, plan in zip(rows, programme_plans(programme, sets), strict=True):
            row.plan = plan
            if row.meetings:
                continue
            if bound and bound[0].pk == row.learning_set.pk:
                row.form = bound[1]
            else:
                row.form = SetSlotForm(options=plan.options, initial={"slot": plan.chosen.slot})
    uncovered = sum(1 for row in unscheduled if not getattr(row.learning_set, "facilitator_count", 0))
    return programme_page_context(
        request,
        programme,
        "schedule",
        rows=rows,
        unscheduled_count=len(unscheduled),
        uncovered=uncovered,
        uncovered_warning=uncovered_text(uncovered) if uncovered else "",
        ready=programme.is_published and programme.start_date is not None,
        meeting_length=programme.meeting_length,
    )


@access("programme.view", load=programme_from_url)
def schedule(request: HttpRequest, programme: Programme) -> HttpResponse:
    return render(request, "meetings/schedule.html", _schedule_context(request, programme))


@access("programme.design", load=programme_from_url)
@require_POST
def schedule_new(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Schedule every set not yet scheduled, or one set (`learning_set`) at the slot the designer picked."""
    set_id = request.POST.get("learning_set")
    # Sets about to be scheduled without a facilitator: their members would be invited to meetings nobody runs.
    waiting = programme.sets.filter(meetings__isnull=True, facilitators__isnull=True)
    if set_id:
        waiting = waiting.filter(public_id=_set_of(programme, set_id).public_id)
    uncovered = waiting.count()
    if uncovered and request.POST.get("confirm_uncovered") != str(uncovered):
        messages.error(request, uncovered_text(uncovered, _("Confirm to schedule them all the same.")))
        return redirect("meetings:schedule", programme=programme.public_id)
    try:
        if set_id:
            learning_set = _set_of(programme, set_id)
            plan = programme_plans(programme, [learning_set])[0]
            form = SetSlotForm(request.POST, options=plan.options)
            if not form.is_valid():
                context = _schedule_context(request, programme, bound=(learning_set, form))
                return render(request, "meetings/schedule.html", context)
            result = schedule_create(
                actor=user_of(request), learning_set=learning_set, slot=form.cleaned_data["slot"], request=request
            )
        else:
            result = schedule_create(actor=user_of(request), programme=programme, request=request)
    except ScheduleError as error:
        messages.error(request, str(error))
    else:
        if result.scheduled:
            count = len(result.scheduled)
            messages.success(
                request,
                f"Scheduled {count} set{pluralize(count)}. Members and facilitators have been sent their invitations.",
            )
            for moved, best, used in result.moved_for_venue:
                messages.info(
                    request,
                    _("%(set)s meets on %(used)s: %(venue)s had no room free on %(best)s.")
                    % {"set": moved.name, "used": used, "best": best, "venue": programme.venue},
                )
        elif result.skipped:
            messages.info(request, "Every set already has its meetings. Change them one at a time below.")
        else:
            messages.info(request, "There are no sets to schedule yet.")
    return redirect("meetings:schedule", programme=programme.public_id)


def _set_of(programme: Programme, set_id: str) -> LearningSet:
    try:
        public_id = UUID(set_id)
    except ValueError:
        raise Http404 from None
    learning_set = get_object_or_404(LearningSet, programme=programme, public_id=public_id)
    learning_set.programme = programme
    return learning_set


# --- one meeting ---------------------------------------------------------------------------


def _change_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: RescheduleForm | None = None,
    cancel_form: CancelForm | None = None,
    confirm_cancel: bool = False,
) -> HttpResponse:
    programme = meeting.learning_set.programme
    return render(
        request,
        "meetings/meeting_change.html",
        {
            "meeting": meeting,
            "programme": programme,
            "organisation": programme.organisation,
            "form": form or RescheduleForm(meeting=meeting),
            "cancel_form": cancel_form or CancelForm(),
            "confirm_cancel": confirm_cancel,
        },
    )


@access("set.design", load=meeting_from_url)
def meeting_change(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if request.method == "POST" and meeting.can_change:
        form = RescheduleForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                meeting_reschedule(
                    actor=user_of(request),
                    meeting=meeting,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    location=form.cleaned_data["location"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ScheduleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{meeting} moved. Everyone in the set has been sent the new invitation.")
                return redirect("meetings:schedule", programme=meeting.learning_set.programme.public_id)
        return _change_page(request, meeting, form=form)
    return _change_page(request, meeting)


@access("set.design", load=meeting_from_url)
@require_POST
def meeting_cancel_view(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    programme = meeting.learning_set.programme
    if meeting.is_cancelled:
        messages.info(request, f"{meeting} was already cancelled.")
        return redirect("meetings:schedule", programme=programme.public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _change_page(request, meeting, cancel_form=form)
    if not form.cleaned_data["confirmed"]:
        # The second step, with the reason carried over: nothing typed is lost on the way.
        return _change_page(request, meeting, cancel_form=form, confirm_cancel=True)
    try:
        meeting_cancel(actor=user_of(request), meeting=meeting, reason=form.cleaned_data["reason"], request=request)
    except ScheduleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{meeting} cancelled. Everyone in the set has been told.")
    return redirect("meetings:schedule", programme=programme.public_id)


@access("set.view", load=meeting_from_url)
def meeting_ics(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    response = HttpResponse(download_ics(meeting), content_type="text/calendar; charset=utf-8")
    filename = f"{slugify(meeting.learning_set.name)}-meeting-{meeting.number}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the sets one facilitates ---------------------------------------------------------------


#: Sets a page on the list of those one facilitates.
FACILITATING_PER_PAGE = 50


@access("signed_in")
def facilitating(request: HttpRequest) -> HttpResponse:
    """Every set one facilitates, a page at a time: the home page lists the soonest few."""
    page = Paginator(facilitated_sets(actor_for(request)), FACILITATING_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "meetings/facilitating.html", {"page": page})


# --- a person's calendar --------------------------------------------------------------------


@access("calendar.manage")
def calendar(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "reset"):
            token = calendar_feed_create(actor=user, request=request)
            request.session[NEW_FEED_TOKEN] = token
            messages.success(
                request,
                "Your calendar address is ready."
                if action == "create"
                else "Your calendar address is reset. The old one no longer works.",
            )
        elif action == "revoke":
            calendar_feed_revoke(actor=user, request=request)
            messages.success(request, "Your calendar address is turned off.")
        return redirect("meetings:calendar")
    feed = CalendarFeed.objects.active().filter(user=user).first()
    token = request.session.pop(NEW_FEED_TOKEN, None)
    feed_url = webcal_url = None
    # Shown only on the visit straight after it was made, and only while it is still the live address.
    if token and feed and feed.token_hash == hash_feed_token(token):
        feed_url = request.build_absolute_uri(reverse("meetings:calendar_feed", kwargs={"token": token}))
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(
        request,
        "meetings/calendar.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": webcal_url,
            "next_meetings": Meeting.objects.next_for(user, limit=5),
        },
    )


@access("public", load=feed_from_url)
def calendar_feed(request: HttpRequest, feed: CalendarFeed) -> HttpResponse:
    meetings = list(Meeting.objects.for_attendee(feed.user).order_by("starts_at"))
    response = HttpResponse(
        feed_ics(meetings, name=f"Action learning · {feed.user}"), content_type="text/calendar; charset=utf-8"
    )
    # The address is a secret: keep shared caches from holding the calendar behind it.
    response["Cache-Control"] = "private, max-age=300"
    return response
