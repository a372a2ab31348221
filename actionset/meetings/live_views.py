"""The live meeting page: the run sheet's state for everyone in the set, controls and private notes for its
facilitator, attendance; and the designer's page for a programme's phase durations.

Devices poll a small state fragment every second with `If-None-Match`; while nothing changes the answer is
a bodiless 304, so a set of eight phones polling costs a handful of indexed lookups a second. Any app process
can answer, because the state is only in the database.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from actionset.accounts.http import user_of
from actionset.core.access import access, actor_for, can
from actionset.meetings import events, live, poll, presence
from actionset.meetings.methods import MAX_MINUTES, MIN_MINUTES, Phase, phases_for
from actionset.meetings.models import Attendance, Meeting, MeetingRun
from actionset.meetings.views import meeting_from_url, programme_from_url
from actionset.programmes.models import Enrolment, Programme
from actionset.programmes.views import programme_page_context
from actionset.sets.rules import facilitates_set

#: Commands that change the meeting for everyone, or its record, take a second step: the first press shows what
#: will happen and the facilitator confirms. The server asks for the confirmation, so a stray press without
#: JavaScript, or a replayed form, cannot do it in one go.
CONFIRMED = ("start", "end", "undo")


class CommandForm(forms.Form):
    command = forms.ChoiceField(choices=[(c, c) for c in ("start", "presenter", "end", "undo", *live.COMMANDS)])
    version = forms.IntegerField(min_value=0)
    presenter = forms.UUIDField(required=False)
    confirmed = forms.BooleanField(required=False)
    #: Confirms a start before the meeting's day, once the facilitator has been told how early it is.
    early = forms.BooleanField(required=False)


class NoteForm(forms.Form):
    # Not stripped: whitespace the facilitator typed is theirs, and a stripped echo would look like a change.
    text = forms.CharField(required=False, strip=False, max_length=100_000)
    version = forms.IntegerField(min_value=0)


def _is_facilitator(request: HttpRequest, meeting: Meeting) -> bool:
    return can(actor_for(request), "meeting.facilitate", meeting)


#: Kinds of phase that share another kind's panel: WIAL's presentation is a presenter's airtime (the problem noted,
#: questions, actions), and the incident method's clarifying questions are noted like WIAL's questions.
PANEL_OF_KIND = {
    "presentation": "airtime",
    "clarifying": "questions",
}


def _panel_template(phase: Phase | None) -> str | None:
    """The set-content panel for a kind of phase, where one has been written."""
    if phase is None:
        return None
    name = f"meetings/panels/{PANEL_OF_KIND.get(phase.kind, phase.kind)}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _panel_key(state: live.LiveState, room: str) -> str:
    """Which panel a device shows, and what the set had written when it was drawn: it changes with the phase, the
    presenter and anything written in the room (`live.room_version`), not with pauses or extensions."""
    run = state.run
    if run is None or run.is_ended:
        return f"none-{room}"
    return f"{run.phase_index}-{run.presenter_id or 0}-{run.round}-{room}"


def _etag(request: HttpRequest, meeting: Meeting, version: str, view: str) -> str:
    # The facilitator's fragment holds controls and guidance a member's does not, and the room display shows
    # less than either, so each gets its own tag. `version` is live.poll_tag's: the run's version and start, and
    # the room's token. The tag is signed for this session (meetings/poll.py), so an unchanged poll is answered
    # before the session and the access check are read.
    return poll.issue(request, meeting.pk, meeting.public_id, version, view)


def _view_kind(is_facilitator: bool) -> str:
    return "f" if is_facilitator else "m"


def _duration(seconds: int) -> str:
    """ "1 h 50" or "35 min": the whole meeting's time, to the minute."""
    hours, minutes = divmod(abs(seconds) // 60, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def _bid_minutes(state: live.LiveState) -> int | None:
    """The presenter's airtime in minutes when it comes from their bid, to say so beside the timer."""
    run, phase = state.run, state.phase
    if run is None or phase is None or not phase.per_presenter or not run.airtime_seconds:
        return None
    return run.airtime_seconds // 60


def _meeting_clock(state: live.LiveState) -> SafeString | None:
    """ "2 presenters, 1 h 50 left": the facilitator's view of the whole meeting against its scheduled end."""
    if not state.started or state.ended:
        return None
    count = len(state.presenters_to_go())
    left = state.meeting_seconds_left
    time = format_html('<span data-meeting-left="{}">{}</span>', "1" if left >= 0 else "", _duration(left))
    if count == 0:
        # Before anyone has bid, or once everyone has presented, only the time is worth a glance.
        text = _("%(time)s left") if left >= 0 else _("%(time)s over the scheduled end")
    elif left >= 0:
        text = ngettext("%(count)d presenter, %(time)s left", "%(count)d presenters, %(time)s left", count)
    else:
        text = ngettext(
            "%(count)d presenter, %(time)s over the scheduled end",
            "%(count)d presenters, %(time)s over the scheduled end",
            count,
        )
    # The sentence is escaped before the (already escaped) time is put in it, so a translation cannot inject markup.
    return mark_safe(escape(text) % {"count": count, "time": time})


def _rhythm(state: live.LiveState) -> list[dict[str, Any]]:
    """The parts of a round with a rhythm (Troika's 2/6/2), scaled to the round's length, with the one the room is in
    now marked: live.js moves the mark as the clock runs, and a redraw puts it right again."""
    phase = state.phase
    if phase is None or not phase.rhythm:
        return []
    labels = (
        _("The client states their challenge and question"),
        _("Turn your back: the consultants talk, the client listens"),
        _("Turn back: the client says what was useful"),
    )
    total, start, parts = sum(phase.rhythm), 0.0, []
    elapsed = state.elapsed_seconds
    # Scaled to the round's length on the run sheet: five more minutes lengthen the last part, where the client says
    # what was useful, rather than moving the moment the client turns their back.
    extension = state.run.extension_seconds if state.run is not None else 0
    for index, minutes in enumerate(phase.rhythm):
        length = (state.allotted_seconds - extension) * minutes / total
        if index == len(phase.rhythm) - 1:
            length += extension
        parts.append(
            {
                "label": labels[index] if index < len(labels) else "",
                "minutes": round(length / 60),
                "start": round(start),
                "end": round(start + length),
                "current": start <= elapsed < start + length or (index == len(phase.rhythm) - 1 and elapsed >= start),
                "turn_back": index == 1,
            }
        )
        start += length
    return parts


def _clock(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{rest:02d}"


def _state_context(
    request: HttpRequest,
    meeting: Meeting,
    state: live.LiveState,
    *,
    is_facilitator: bool,
    error: str = "",
    conflict: bool = False,
    confirm: dict[str, Any] | None = None,
    notice: str = "",
    view: str = "",
    room: str = "",
) -> dict[str, Any]:
    panel_key = _panel_key(state, room)
    shown = request.headers.get("X-Live-Panel")
    viewer = None if is_facilitator else meeting.learning_set.member_enrolment(user_of(request))
    run = state.run
    return {
        "meeting": meeting,
        "learning_set": meeting.learning_set,
        "programme": meeting.learning_set.programme,
        "state": state,
        "run": run,
        "phase": state.phase,
        "presenter": run.presenter if run else None,
        "viewer_enrolment": viewer,
        "is_facilitator": is_facilitator,
        "presenters": live.presenter_choices(meeting) if is_facilitator and state.started else [],
        "panel_template": _panel_template(state.phase),
        "panel_key": panel_key,
        # An htmx poll that shows another panel gets the new one out of band; a full page draws it in place.
        "panel_oob": bool(request.htmx) and shown != panel_key,  # type: ignore[attr-defined]
        "clock": f"+{_clock(-state.remaining_seconds)}" if state.is_overrun else _clock(state.remaining_seconds),
        "allotted": _clock(state.allotted_seconds),
        "now_ms": round(state.now.timestamp() * 1000),
        "started_ms": round(run.phase_started_at.timestamp() * 1000) if run else 0,
        "paused_ms": round(run.paused_at.timestamp() * 1000) if run and run.paused_at else "",
        "etag": _etag(request, meeting, live.poll_tag(run, room), view or _view_kind(is_facilitator)),
        "error": error,
        "conflict": conflict,
        "confirm": confirm,
        "notice": notice,
        "meeting_clock": _meeting_clock(state) if is_facilitator else None,
        "meeting_ends_ms": round(state.meeting_ends_at.timestamp() * 1000),
        "undo_until_ms": round(state.undo_until.timestamp() * 1000) if state.undo_until else "",
        "bid_minutes": _bid_minutes(state),
        "rhythm": _rhythm(state),
        "rounds": live.rounds_in(meeting) if state.phase is not None and state.phase.in_rounds else 0,
    }


def _attendance_context(meeting: Meeting) -> dict[str, Any]:
    recorded = meeting.attendance_by_enrolment()
    labels = dict(Attendance.Status.choices)
    rows = [
        (e, recorded.get(e.pk, ""), labels.get(recorded.get(e.pk, ""), ""))
        for e in meeting.learning_set.active_members()
    ]
    here = set(meeting.facilitator_presence.values_list("user_id", flat=True))
    return {
        "attendance_rows": rows,
        "attendance_statuses": Attendance.Status.choices,
        "attendance_recorded": bool(recorded),
        "facilitator_rows": [(a, a.user_id in here) for a in presence.assigned_before(meeting).values()],
    }


def _page(request: HttpRequest, meeting: Meeting, *, status: int = 200, **extra: Any) -> HttpResponse:
    is_facilitator = _is_facilitator(request, meeting)
    room = live.room_version(meeting)  # before the rows it stands for: see live.room_version
    state = live.live_state(meeting)
    context = _state_context(request, meeting, state, is_facilitator=is_facilitator, room=room, **extra)
    context["panel_oob"] = False
    context.update(_attendance_context(meeting))
    if is_facilitator:
        context["note"] = live.note_of(author=user_of(request), meeting=meeting)
    return render(request, "meetings/live.html", context, status=status)


def _fragment(
    request: HttpRequest, meeting: Meeting, run: MeetingRun | None = None, *, status: int = 200, **extra: Any
) -> HttpResponse:
    is_facilitator = _is_facilitator(request, meeting)
    room = live.room_version(meeting)  # before the rows it stands for: see live.room_version
    state = live.live_state(meeting, run)
    context = _state_context(request, meeting, state, is_facilitator=is_facilitator, room=room, **extra)
    if context["panel_oob"]:
        # The attendance beside the panel is the set's too, and is redrawn with it.
        context.update(_attendance_context(meeting))
    response = render(request, "meetings/live.html#state", context, status=status)
    response["ETag"] = context["etag"]
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the live page ------------------------------------------------------------------------------


@access("meeting.content", load=meeting_from_url)
def live_page(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    return _page(request, meeting)


@access("meeting.content", load=meeting_from_url)
def live_state(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The state fragment, or 304 when the device already shows the current version."""
    # The rule has already let the viewer in (`in_set`); only whether they facilitate remains, and the tag is
    # all it decides here. Were the two ever to disagree, the fragment below would just be sent in full.
    unchanged = _not_modified(request, meeting, _view_kind(facilitates_set(actor_for(request), meeting)))
    return unchanged or _fragment(request, meeting)


@access("meeting.content", load=meeting_from_url)
def live_events(request: HttpRequest, meeting: Meeting) -> HttpResponseBase:
    """A stream that says "changed" the moment the meeting does (meetings/events.py); the device then polls.

    Most streams are opened with the state's signed tag and admitted before the session is read
    (`poll.EventStreamMiddleware`); this is the way in for the others, through the access check.
    """
    return events.stream_response(request, meeting.pk)


def _not_modified(request: HttpRequest, meeting: Meeting, view: str) -> HttpResponse | None:
    """A bodiless 304 when the device already shows the current version of the meeting, else None.

    UnchangedPollMiddleware answers most unchanged polls before this view; this one answers those it could not
    (the cache had lost the version or the room's token, or the tag is for another view now), with the access check
    already made.
    """
    version = live.poll_version(meeting)
    for tag in poll.verified(request, meeting.public_id):
        if tag.meeting_id == meeting.pk and tag.version == version and tag.view == view:
            return poll.not_modified(tag.etag)
    return None


@access("meeting.content", load=meeting_from_url)
def live_display(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The room display for a projector: the phase, the presenter and the timer, in type the back row can read.

    Nothing on it belongs to one person (no controls, no notes), so anyone in the set may put it up.
    """
    if request.htmx:  # type: ignore[attr-defined]
        unchanged = _not_modified(request, meeting, "d")
        if unchanged is not None:
            return unchanged
    # The display shows no panel, but its tag carries the room's token like every other view's: the poll's
    # middleware compares one version for all of them.
    room = live.room_version(meeting)
    state = live.live_state(meeting)
    context = _state_context(request, meeting, state, is_facilitator=False, view="d", room=room)
    context["viewer_enrolment"] = None
    template = "meetings/live_display.html#display" if request.htmx else "meetings/live_display.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    response["ETag"] = context["etag"]
    response["Cache-Control"] = "private, no-cache"
    return response


def _presenter_of(meeting: Meeting, public_id: UUID | None) -> Enrolment | None:
    if public_id is None:
        return None
    enrolment = Enrolment.objects.filter(public_id=public_id, membership__learning_set=meeting.learning_set).first()
    if enrolment is None:
        raise live.LiveError("Only a member of this set can present.")
    return enrolment


@access("meeting.facilitate", load=meeting_from_url)
@require_POST
def live_command(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """One of the facilitator's commands, carrying the version of the state the device showed."""
    form = CommandForm(request.POST)
    actor = user_of(request)
    run: MeetingRun | None = None
    notice = ""
    try:
        if not form.is_valid():
            raise live.LiveError("That command was not understood. Reload the page and try again.")
        command, version = form.cleaned_data["command"], form.cleaned_data["version"]
        if command in CONFIRMED and not form.cleaned_data["confirmed"]:
            return _confirm(request, meeting, command)
        if command == "start":
            run = live.live_start(
                actor=actor, meeting=meeting, version=version, early=form.cleaned_data["early"], request=request
            )
        elif command == "undo":
            live.live_undo_start(actor=actor, meeting=meeting, version=version, request=request)
            notice = _("The start is undone: the meeting is scheduled again and does not count as held.")
        elif command == "end":
            run = live.live_end(actor=actor, meeting=meeting, version=version, request=request)
        elif command == "presenter":
            presenter = _presenter_of(meeting, form.cleaned_data["presenter"])
            run = live.live_presenter(actor=actor, meeting=meeting, version=version, presenter=presenter)
        else:
            run = live.COMMANDS[command](actor=actor, meeting=meeting, version=version)
    except live.EarlyStart:
        # Confirmed as a start on the day, but the day has not come (or the page was from yesterday): say how
        # early it is and ask again.
        return _confirm(request, meeting, "start")
    except live.LiveConflict as conflict:
        if request.htmx:  # type: ignore[attr-defined]
            return _fragment(request, meeting, conflict.run, status=409, error=str(conflict), conflict=True)
        return _page(request, meeting, status=409, error=str(conflict), conflict=True)
    except live.LiveError as error:
        if request.htmx:  # type: ignore[attr-defined]
            return _fragment(request, meeting, status=422, error=str(error))
        return _page(request, meeting, status=422, error=str(error))
    if request.htmx:  # type: ignore[attr-defined]
        return _fragment(request, meeting, run, notice=notice)
    if notice:
        messages.success(request, notice)
    return redirect("live:live", meeting=meeting.public_id)


def _confirm(request: HttpRequest, meeting: Meeting, command: str) -> HttpResponse:
    """The second step of a start, an end or an undo: what will happen, a button to do it, and a way back."""
    confirm: dict[str, Any] = {"command": command, "early": False, "warning": ""}
    if command == "start":
        days = live.days_early(meeting)
        if days > 0:
            confirm.update(
                early=True,
                title=_("Start this meeting early?"),
                warning=live.early_start_warning(meeting, days),
                text=_("Start it now only if the set is meeting today. You can undo a start for ten minutes."),
                button=_("Start early"),
            )
        else:
            confirm.update(
                title=_("Start the meeting?"),
                text=_("Everyone's screen follows you from here. You can undo a start for ten minutes."),
                button=_("Start now"),
            )
    elif command == "end":
        confirm.update(
            title=_("End the meeting for everyone?"),
            text=_("The meeting is recorded as held and everyone's screen shows it ended."),
            button=_("End the meeting now"),
        )
    else:
        confirm.update(
            title=_("Undo the start?"),
            text=_(
                "The meeting goes back to scheduled and does not count as held. What was written meanwhile "
                "(bids, reports, notes, attendance) stays with the meeting for when it really starts."
            ),
            button=_("Undo the start"),
        )
    if request.htmx:  # type: ignore[attr-defined]
        return _fragment(request, meeting, confirm=confirm)
    return _page(request, meeting, confirm=confirm)


# --- private notes ------------------------------------------------------------------------------


@access("meeting.facilitate", load=meeting_from_url)
@require_http_methods(["GET", "POST"])
def live_notes(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The facilitator's own notes: read and saved only for the signed-in author, whoever else facilitates."""
    author = user_of(request)
    note = live.note_of(author=author, meeting=meeting)
    context: dict[str, Any] = {"meeting": meeting, "learning_set": meeting.learning_set, "note": note}
    status = 200
    if request.method == "POST":
        form = NoteForm(request.POST)
        if not form.is_valid():
            return HttpResponse("The notes could not be read. Reload the page.", status=400)
        text = form.cleaned_data["text"]
        try:
            note = live.note_save(author=author, meeting=meeting, text=text, version=form.cleaned_data["version"])
        except live.NoteConflict as conflict:
            context.update(note=conflict.note, mine=text, theirs=conflict.note.text, conflict=True)
            status = 409
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, "Your notes are saved.")
                return redirect("live:live", meeting=meeting.public_id)
            context["note"] = note
            context["saved"] = True
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "meetings/live_notes.html#status", context, status=status)
    return render(request, "meetings/live_notes.html", context, status=status)


# --- attendance ---------------------------------------------------------------------------------


@access("meeting.facilitate", load=meeting_from_url)
@require_POST
def live_attendance(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    members = meeting.learning_set.active_members()
    statuses = {}
    for enrolment in members:
        value = request.POST.get(f"attendance-{enrolment.public_id}", "")
        if value:
            statuses[enrolment.pk] = value
    # Facilitators present, when the form listed them (an older page that did not leaves them as recorded).
    facilitators = None
    if request.POST.get("facilitators-listed"):
        facilitators = [
            a.user_id
            for a in presence.assigned_before(meeting).values()
            if request.POST.get(f"facilitator-{a.user.public_id}") == "present"
        ]
    error = ""
    try:
        live.attendance_record(
            actor=user_of(request), meeting=meeting, statuses=statuses, facilitators=facilitators, request=request
        )
    except live.LiveError as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "meeting": meeting,
            "is_facilitator": True,
            "attendance_saved": not error,
            "attendance_error": error,
            **_attendance_context(meeting),
        }
        return render(request, "meetings/live.html#attendance", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Attendance saved.")
    return redirect("live:live", meeting=meeting.public_id)


# --- a programme's run sheet --------------------------------------------------------------------


def _run_sheet_form(programme: Programme, data: Any = None) -> forms.Form:
    form = forms.Form(data)
    for phase in phases_for(programme.method):
        current = (programme.phase_minutes or {}).get(phase.key, phase.minutes)
        form.fields[phase.key] = forms.IntegerField(
            label=phase.title,
            min_value=MIN_MINUTES,
            max_value=MAX_MINUTES,
            initial=current,
            help_text=f"Minutes{' per presenter' if phase.per_presenter else ''}. Default {phase.minutes}.",
            widget=forms.NumberInput(attrs={"class": "minutes-input"}),
        )
    return form


@access("programme.design", load=programme_from_url)
@require_http_methods(["GET", "POST"])
def run_sheet_edit(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = _run_sheet_form(programme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            live.run_sheet_update(
                actor=user_of(request), programme=programme, minutes=form.cleaned_data, request=request
            )
        except live.LiveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "The run sheet is saved. Every meeting of the programme uses these durations from now on."
            )
            return redirect("live:run_sheet", programme=programme.public_id)
    phases = list(zip(phases_for(programme.method), [form[name] for name in form.fields], strict=True))
    context = programme_page_context(request, programme, "run_sheet", form=form, phases=phases)
    return render(request, "meetings/live_run_sheet.html", context)
