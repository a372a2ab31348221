from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from actionset.accounts.http import Request
from actionset.core.access import access, actor_for, can
from actionset.programmes.models import Programme
from actionset.programmes.views import programme_page_context
from actionset.sets import board as board_data
from actionset.sets.forms import ComposeForm, FacilitatorsForm, LockForm, MeetingLinkForm, MemberLockForm, MoveForm
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership
from actionset.sets.services import (
    SetsError,
    composition_cancel,
    composition_start,
    facilitator_assign,
    meeting_link_change,
    membership_lock,
    membership_move,
    set_lock,
    sets_publish,
)


def programme_from_url(*, programme: UUID) -> Programme:
    return get_object_or_404(Programme.objects.select_related("organisation"), public_id=programme)


def set_from_url(*, learning_set: UUID) -> LearningSet:
    return get_object_or_404(LearningSet.objects.select_related("programme__organisation"), public_id=learning_set)


def _board_context(request: HttpRequest, programme: Programme, **kwargs: Any) -> dict[str, Any]:
    actor = actor_for(request)
    context = board_data.board(programme, reveal_keep_apart=can(actor, "programme.keep_apart", programme), **kwargs)
    run = context["run"]
    context["compose_form"] = ComposeForm(
        initial={"number_of_sets": run.number_of_sets if run else context["default_sets"], "time_limit": 10}
    )
    context["reveal_keep_apart"] = can(actor, "programme.keep_apart", programme)
    return {**context, **programme_page_context(request, programme, "sets")}


def _board_response(request: Request, programme: Programme, **kwargs: Any) -> HttpResponse:
    """After a change: htmx swaps the board in place; without JavaScript, back to the board page."""
    if request.htmx:
        return render(request, "sets/board.html#board", _board_context(request, programme, **kwargs))
    return redirect("sets:board", programme=programme.public_id)


@require_GET
@access("programme.design", load=programme_from_url)
def board(request: Request, programme: Programme) -> HttpResponse:
    context = _board_context(request, programme)
    if request.htmx and not request.htmx.boosted:
        return render(request, "sets/board.html#board", context)
    return render(request, "sets/board.html", context)


@require_GET
@access("programme.design", load=programme_from_url)
def progress(request: Request, programme: Programme) -> HttpResponse:
    run = programme.composition_runs.first()
    response = render(request, "sets/board.html#progress", {"programme": programme, "run": run, "run_active": True})
    if run is None or run.is_finished or run.is_stalled:
        # The result changes the whole board: reload it rather than patch pieces of it.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@access("programme.design", load=programme_from_url)
def compose(request: Request, programme: Programme) -> HttpResponse:
    form = ComposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("sets:board", programme=programme.public_id)
    try:
        composition_start(
            actor=request.user,
            programme=programme,
            number_of_sets=form.cleaned_data["number_of_sets"],
            time_limit=form.cleaned_data["time_limit"],
            request=request,
        )
    except SetsError as error:
        messages.error(request, str(error))
    return redirect("sets:board", programme=programme.public_id)


@require_POST
@access("programme.design", load=programme_from_url)
def compose_cancel(request: Request, programme: Programme) -> HttpResponse:
    run = programme.composition_runs.first()
    if run is not None and composition_cancel(actor=request.user, run=run):
        messages.success(request, "Composition cancelled. The sets are as they were.")
    return redirect("sets:board", programme=programme.public_id)


@require_POST
@access("programme.design", load=programme_from_url)
def move(request: Request, programme: Programme) -> HttpResponse:
    form = MoveForm(request.POST, programme=programme)
    if form.is_valid():
        enrolment, learning_set = form.cleaned_data["enrolment"], form.cleaned_data["learning_set"]
        membership_move(actor=request.user, enrolment=enrolment, learning_set=learning_set, request=request)
        messages.success(request, f"{enrolment.person.name} moved to {learning_set.name}.")
    else:
        messages.error(request, "That move could not be made: choose a set of this programme.")
    return _board_response(request, programme)


@require_POST
@access("programme.design", load=programme_from_url)
def member_lock(request: Request, programme: Programme) -> HttpResponse:
    form = MemberLockForm(request.POST, programme=programme)
    if form.is_valid():
        enrolment = form.cleaned_data["enrolment"]
        locked = form.cleaned_data["locked"]
        membership_lock(actor=request.user, membership=enrolment.membership, locked=locked)
        state = "stays in their set" if locked else "may be moved"
        messages.success(request, f"{enrolment.person.name} {state} when the sets are re-optimised.")
    return _board_response(request, programme)


@require_POST
@access("set.design", load=set_from_url)
def lock(request: Request, learning_set: LearningSet) -> HttpResponse:
    form = LockForm(request.POST)
    if form.is_valid():
        locked = form.cleaned_data["locked"]
        set_lock(actor=request.user, learning_set=learning_set, locked=locked)
        state = "locked: it is kept as it is" if locked else "unlocked: it may change"
        messages.success(request, f"{learning_set.name} {state} when the sets are re-optimised.")
    return _board_response(request, learning_set.programme)


@require_POST
@access("set.design", load=set_from_url)
def facilitators(request: Request, learning_set: LearningSet) -> HttpResponse:
    programme = learning_set.programme
    form = FacilitatorsForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            facilitator_assign(
                actor=request.user,
                learning_set=learning_set,
                lead=form.cleaned_data["lead"],
                co=form.cleaned_data["co"],
                request=request,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
    if form.errors:
        # Show the errors beside the set they are about, in the page or the swapped board.
        context = _board_context(request, programme, bound_forms={learning_set.pk: form})
        context["focus_set"] = learning_set.pk
        template = "sets/board.html#board" if request.htmx else "sets/board.html"
        return render(request, template, context)
    messages.success(request, f"Facilitators of {learning_set.name} saved.")
    return _board_response(request, programme)


@require_POST
@access("programme.design", load=programme_from_url)
def publish(request: Request, programme: Programme) -> HttpResponse:
    try:
        count = sets_publish(actor=request.user, programme=programme, request=request)
    except SetsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sets published. {count} members have been emailed their set.")
    return redirect("sets:board", programme=programme.public_id)


def _detail_context(
    request: HttpRequest, learning_set: LearningSet, *, link_form: MeetingLinkForm | None = None
) -> dict[str, Any]:
    learning_set = (
        LearningSet.objects.filter(pk=learning_set.pk)
        .select_related("programme__organisation")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(enrolment__withdrawn_at__isnull=True)
                .select_related("enrolment__person")
                .order_by("enrolment__person__name"),
            ),
            Prefetch("facilitators", queryset=FacilitatorAssignment.objects.select_related("user").order_by("role")),
        )
        .get()
    )
    actor = actor_for(request)
    may_change_link = can(actor, "set.meeting_link", learning_set)
    if link_form is None and may_change_link:
        link_form = MeetingLinkForm(initial={"meeting_link": learning_set.meeting_link})
    return {
        "learning_set": learning_set,
        "programme": learning_set.programme,
        "members": [m.enrolment.person for m in learning_set.memberships.all()],
        "facilitators": list(learning_set.facilitators.all()),
        "meetings": list(learning_set.meetings.upcoming()),
        "past_meetings": list(learning_set.meetings.filter(status="held").order_by("-starts_at")),
        "can_design": can(actor, "programme.design", learning_set.programme),
        "link_form": link_form if may_change_link else None,
    }


@require_GET
@access("set.view", load=set_from_url)
def detail(request: HttpRequest, learning_set: LearningSet) -> HttpResponse:
    return render(request, "sets/detail.html", _detail_context(request, learning_set))


@require_POST
@access("set.meeting_link", load=set_from_url)
def meeting_link(request: Request, learning_set: LearningSet) -> HttpResponse:
    form = MeetingLinkForm(request.POST)
    if not form.is_valid():
        # The set's page again, with the link as typed and what is wrong with it beside the field.
        return render(request, "sets/detail.html", _detail_context(request, learning_set, link_form=form))
    link = form.cleaned_data["meeting_link"]
    meeting_link_change(actor=request.user, learning_set=learning_set, meeting_link=link, request=request)
    if link:
        messages.success(
            request, _("Meeting link saved. Members will see a Join button and find it in their calendars.")
        )
    else:
        messages.success(request, _("Meeting link removed."))
    return redirect("sets:detail", learning_set=learning_set.public_id)
