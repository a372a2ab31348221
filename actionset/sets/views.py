from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from actionset.accounts.http import Request
from actionset.core.access import access, actor_for, can
from actionset.organisations.models import Person
from actionset.programmes.models import Enrolment, Programme, uncovered_text
from actionset.programmes.views import programme_page_context
from actionset.sets import board as board_data
from actionset.sets.composer import SIZES_DIVERSE
from actionset.sets.forms import ComposeForm, FacilitatorsForm, LockForm, MeetingLinkForm, MemberLockForm, MoveForm
from actionset.sets.models import FacilitatorAssignment, LearningSet, Membership
from actionset.sets.services import (
    SetsError,
    composition_cancel,
    composition_start,
    facilitator_assign,
    facilitators_fill,
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


def _open_sets(request: HttpRequest, programme: Programme) -> list[int]:
    """The sets opened in full by `?open=<set>` (how a set is opened without JavaScript)."""
    wanted = [value for value in request.GET.getlist("open") if _is_uuid(value)]
    if not wanted:
        return []
    return list(programme.sets.filter(public_id__in=wanted).values_list("pk", flat=True))


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _board_context(
    request: HttpRequest,
    programme: Programme,
    *,
    data: board_data.Board | None = None,
    bound_forms: dict[int, FacilitatorsForm] | None = None,
) -> dict[str, Any]:
    actor = actor_for(request)
    reveal = can(actor, "programme.keep_apart", programme)
    data = data or board_data.board_read(programme, reveal_keep_apart=reveal)
    context = board_data.board_context(
        data,
        filters=board_data.Filters.from_query(request.GET),
        open_sets=_open_sets(request, programme),
        bound_forms=bound_forms,
    )
    run = context["run"]
    context["compose_form"] = ComposeForm(
        initial={
            "number_of_sets": run.number_of_sets if run else context["default_sets"],
            "time_limit": 10,
            "sizes": run.sizes if run else SIZES_DIVERSE,
        }
    )
    context["reveal_keep_apart"] = reveal
    context["may_invite"] = _may_invite(actor, context["waiting_facilitators"])
    return {**context, **programme_page_context(request, programme, "sets")}


def _may_invite(actor: Any, waiting: list[Any]) -> bool:
    # One organisation's directory: whoever may invite one of its people may invite them all.
    return bool(waiting) and can(actor, "people.manage", waiting[0].person)


def _changed_response(
    request: Request,
    programme: Programme,
    *,
    touched: list[int],
    acting: LearningSet | None = None,
    bound_forms: dict[int, FacilitatorsForm] | None = None,
    unplaced: bool = False,
) -> HttpResponse:
    """After a change. With htmx, only what it touched: the sets changed (the one acted in shown in full, the
    others as they were shown), the board's summary and, when someone was placed, the list of people not yet in a
    set, swapped in place; the messages go where the board shows them. Without JavaScript, back to the board with
    the set acted in open."""
    if not request.htmx:
        url = reverse("sets:board", kwargs={"programme": programme.public_id})
        if acting is not None:
            url += f"?open={acting.public_id}#set-{acting.public_id}"
        return redirect(url)
    actor = actor_for(request)
    reveal = can(actor, "programme.keep_apart", programme)
    data = board_data.board_read(programme, reveal_keep_apart=reveal)
    context = board_data.summary_context(data)
    cards = []
    for set_id in dict.fromkeys(touched):
        card = data.card_of(set_id)
        if card is None:
            continue
        if len(data.cards) <= board_data.FULL_UP_TO or (acting is not None and set_id == acting.pk):
            data.open(card, bound_form=(bound_forms or {}).get(set_id))
        cards.append(card)
    context.update(
        changed_cards=cards,
        compact=len(data.cards) > board_data.FULL_UP_TO,
        show_unplaced=unplaced,
        reveal_keep_apart=reveal,
        may_invite=_may_invite(actor, data.waiting),
        **programme_page_context(request, programme, "sets"),
    )
    return render(request, "sets/_changed.html", context)


@require_GET
@access("programme.design", load=programme_from_url)
def board(request: Request, programme: Programme) -> HttpResponse:
    context = _board_context(request, programme)
    if request.htmx and request.htmx.target == "set-list":
        # The filters: only the list of sets changes.
        return render(request, "sets/board.html#set_list", context)
    if request.htmx and not request.htmx.boosted:
        return render(request, "sets/board.html#board", context)
    return render(request, "sets/board.html", context)


@require_GET
@access("set.design", load=set_from_url)
def set_card(request: Request, learning_set: LearningSet) -> HttpResponse:
    """One set of the board, opened in full (or closed again to its row with `?full=0`)."""
    programme = learning_set.programme
    if not request.htmx:
        return redirect(
            reverse("sets:board", kwargs={"programme": programme.public_id})
            + f"?open={learning_set.public_id}#set-{learning_set.public_id}"
        )
    actor = actor_for(request)
    reveal = can(actor, "programme.keep_apart", programme)
    data = board_data.board_read(programme, reveal_keep_apart=reveal)
    card = data.card_of(learning_set.pk)
    assert card is not None
    if request.GET.get("full") != "0":
        data.open(card)
    return render(
        request,
        "sets/_set.html",
        {"card": card, "programme": programme, "has_candidates": bool(data.candidates), "compact": True},
    )


@require_GET
@access("programme.design", load=programme_from_url)
def progress(request: Request, programme: Programme) -> HttpResponse:
    """While a run works, its progress, asked for again a second after each answer (never while one is on its
    way, so a slow network cannot pile requests up). Once it has finished, the whole board with its result, in
    place of the progress: the board holds no progress to poll, so the polling ends there, exactly once."""
    run = programme.composition_runs.first()
    if run is None or run.is_finished or run.is_stalled:
        response = render(request, "sets/board.html#board", _board_context(request, programme))
        response["HX-Retarget"] = "#board"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "sets/board.html#progress", {"programme": programme, "run": run, "run_active": True})


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
            sizes=form.cleaned_data["sizes"] or SIZES_DIVERSE,
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
        messages.success(request, _("Composition cancelled. The sets are as they were."))
    return redirect("sets:board", programme=programme.public_id)


@require_GET
@access("programme.design", load=programme_from_url)
def move_choices(request: Request, programme: Programme) -> HttpResponse:
    """Where someone may move: only the sets that keep every rule, each with the change in its score. A fragment
    beside the person on the board, or a page of its own without JavaScript."""
    wanted = request.GET.get("enrolment", "")
    if not _is_uuid(wanted):
        raise Http404
    # Looked up within the programme in the URL, so that someone of another programme is simply not found.
    person_enrolment = get_object_or_404(
        Enrolment.objects.active().select_related("person"), programme=programme, public_id=wanted
    )
    actor = actor_for(request)
    reveal = can(actor, "programme.keep_apart", programme)
    data = board_data.board_read(programme, reveal_keep_apart=reveal)
    chooser = board_data.move_chooser(data, person_enrolment, reveal_keep_apart=reveal)
    if chooser is None:
        raise Http404
    context = {"chooser": chooser, "programme": programme}
    if request.htmx:
        return render(request, "sets/_move_choices.html", context)
    return render(request, "sets/move.html", {**context, **programme_page_context(request, programme, "sets")})


@require_POST
@access("programme.design", load=programme_from_url)
def move(request: Request, programme: Programme) -> HttpResponse:
    form = MoveForm(request.POST, programme=programme)
    touched: list[int] = []
    acting = None
    placed = False
    if form.is_valid():
        enrolment, learning_set = form.cleaned_data["enrolment"], form.cleaned_data["learning_set"]
        old = Membership.objects.filter(enrolment=enrolment).select_related("learning_set").first()
        acting = old.learning_set if old else learning_set
        placed = old is None
        membership_move(actor=request.user, enrolment=enrolment, learning_set=learning_set, request=request)
        touched = [acting.pk, learning_set.pk]
        messages.success(
            request,
            _("%(person)s moved to %(set)s.") % {"person": enrolment.person.name, "set": learning_set.name},
        )
    else:
        messages.error(request, _("That move could not be made: choose a set of this programme."))
    return _changed_response(request, programme, touched=touched, acting=acting, unplaced=placed)


@require_POST
@access("programme.design", load=programme_from_url)
def member_lock(request: Request, programme: Programme) -> HttpResponse:
    form = MemberLockForm(request.POST, programme=programme)
    touched: list[int] = []
    acting = None
    if form.is_valid():
        enrolment = form.cleaned_data["enrolment"]
        locked = form.cleaned_data["locked"]
        membership_lock(actor=request.user, membership=enrolment.membership, locked=locked)
        acting = enrolment.membership.learning_set
        touched = [acting.pk]
        if locked:
            text = _("%(person)s stays in their set when the sets are re-optimised.")
        else:
            text = _("%(person)s may be moved when the sets are re-optimised.")
        messages.success(request, text % {"person": enrolment.person.name})
    return _changed_response(request, programme, touched=touched, acting=acting)


@require_POST
@access("set.design", load=set_from_url)
def lock(request: Request, learning_set: LearningSet) -> HttpResponse:
    form = LockForm(request.POST)
    if form.is_valid():
        locked = form.cleaned_data["locked"]
        set_lock(actor=request.user, learning_set=learning_set, locked=locked)
        if locked:
            text = _("%(set)s locked: it is kept as it is when the sets are re-optimised.")
        else:
            text = _("%(set)s unlocked: it may change when the sets are re-optimised.")
        messages.success(request, text % {"set": learning_set.name})
    return _changed_response(request, learning_set.programme, touched=[learning_set.pk], acting=learning_set)


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
        # Show the errors beside the set they are about, in the page or the swapped set.
        if request.htmx:
            return _changed_response(
                request, programme, touched=[learning_set.pk], acting=learning_set, bound_forms={learning_set.pk: form}
            )
        context = _board_context(request, programme, bound_forms={learning_set.pk: form})
        context["focus_set"] = learning_set.pk
        return render(request, "sets/board.html", context)
    messages.success(request, _("Facilitators of %(set)s saved.") % {"set": learning_set.name})
    return _changed_response(request, programme, touched=[learning_set.pk], acting=learning_set)


@require_POST
@access("programme.design", load=programme_from_url)
def publish(request: Request, programme: Programme) -> HttpResponse:
    uncovered = programme.sets_without_facilitator()
    if uncovered and request.POST.get("confirm_uncovered") != str(uncovered):
        # The number confirmed must be the number that stands now: a set emptied since the page was shown asks again.
        messages.error(request, uncovered_text(uncovered, _("Confirm to publish anyway.")))
        return redirect("sets:board", programme=programme.public_id)
    try:
        count = sets_publish(actor=request.user, programme=programme, request=request)
    except SetsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Sets published. %(count)s members have been emailed their set.") % {"count": count}
        )
    return redirect("sets:board", programme=programme.public_id)


@require_POST
@access("programme.design", load=programme_from_url)
def facilitators_fill_view(request: Request, programme: Programme) -> HttpResponse:
    """One click: a facilitator for every set without one, as capacity, time and independence allow."""
    result = facilitators_fill(actor=request.user, programme=programme, request=request)
    if result.filled:
        messages.success(
            request,
            ngettext(
                "%(count)s set was given a facilitator.", "%(count)s sets were given a facilitator.", len(result.filled)
            )
            % {"count": len(result.filled)},
        )
    if result.left:
        messages.warning(
            request,
            ngettext(
                "%(count)s set is still without a facilitator (%(names)s): no facilitator free at its time has "
                "capacity left and is independent of its members. Choose one by hand, or add facilitators.",
                "%(count)s sets are still without a facilitator (%(names)s): no facilitator free at their time has "
                "capacity left and is independent of their members. Choose one by hand, or add facilitators.",
                len(result.left),
            )
            % {"count": len(result.left), "names": ", ".join(s.name for s in result.left[:5])},
        )
    if not result.filled and not result.left:
        messages.info(request, _("Every set already has a facilitator."))
    if request.htmx:
        return render(request, "sets/board.html#board", _board_context(request, programme))
    return redirect("sets:board", programme=programme.public_id)


def _detail_context(
    request: HttpRequest, learning_set: LearningSet, *, link_form: MeetingLinkForm | None = None
) -> dict[str, Any]:
    # The set came with its programme and organisation from the loader: what the page lists is read beside it, each
    # in one query of the columns shown, and the meetings once (upcoming and past are drawn from the same rows).
    members = list(
        Person.objects.filter(enrolments__membership__learning_set=learning_set, enrolments__withdrawn_at__isnull=True)
        .only("name", "department", "user_id")
        .order_by("name")
    )
    facilitators = list(
        FacilitatorAssignment.objects.filter(learning_set=learning_set)
        .select_related("user")
        .only("learning_set_id", "role", "user__name", "user__email")
        .order_by("role")
    )
    meetings = list(
        learning_set.meetings.filter(status__in=["scheduled", "held"]).only(
            "public_id", "learning_set_id", "number", "starts_at", "ends_at", "location", "status"
        )
    )
    now = timezone.now()
    upcoming = sorted((m for m in meetings if m.status == "scheduled" and m.ends_at >= now), key=lambda m: m.starts_at)
    past = sorted((m for m in meetings if m.status == "held"), key=lambda m: m.starts_at, reverse=True)
    actor = actor_for(request)
    may_change_link = can(actor, "set.meeting_link", learning_set)
    if link_form is None and may_change_link:
        link_form = MeetingLinkForm(initial={"meeting_link": learning_set.meeting_link})
    return {
        "learning_set": learning_set,
        "programme": learning_set.programme,
        "members": members,
        "facilitators": facilitators,
        "meetings": upcoming,
        "past_meetings": past,
        "can_design": can(actor, "programme.design", learning_set.programme),
        "link_form": link_form if may_change_link else None,
        # Links to the set's work, for those who may open it (the pages check again).
        "sw": {
            "content": can(actor, "meeting.content", learning_set),
            "facilitate": can(actor, "meeting.facilitate", learning_set),
        },
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
