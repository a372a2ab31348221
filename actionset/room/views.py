"""The set's content: contract, progress round, airtime bids and notes, actions, consensus and process review.

Everything here is set tier (`meeting.content`: the set's members and facilitators; everyone else 404), with the
facilitator's own parts behind `meeting.facilitate`. Each POST answers htmx with its panel re-rendered, and
everyone else with a redirect back to the page they came from, so every form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from actionset.accounts.http import Request
from actionset.accounts.models import User
from actionset.core.access import access, actor_for, can
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room import actions, airtime, contract, incident, review, trios, wial
from actionset.room.models import (
    Action,
    AirtimeBid,
    AirtimeNotes,
    ConsensusStatement,
    ContractProposal,
    ContractVersion,
)
from actionset.sets.models import LearningSet, SharingRule
from actionset.sets.views import set_from_url

PANELS = (
    "ground_rules",
    "progress",
    "bids",
    "airtime",
    "actions",
    "consensus",
    "review",
    "case",
    "questions",
    "takes",
    "response",
    "coach",
    "reflection",
    "round",
)


def meeting_from_url(*, meeting: UUID) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("learning_set__programme__organisation"), public_id=meeting)


# --- forms ---------------------------------------------------------------------------------------------------


class ContractForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    ground_rules = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), max_length=10_000)
    sharing_rule = forms.ChoiceField(
        label=gettext_lazy("What may leave the set, and how"), choices=SharingRule.choices, widget=forms.RadioSelect
    )


class ReportForm(forms.Form):
    action = forms.UUIDField()
    status = forms.ChoiceField(choices=[c for c in Action.Status.choices if c[0] != Action.Status.OPEN])
    learning = forms.CharField(required=False, max_length=5000)


class BidForm(forms.Form):
    needs_time = forms.TypedChoiceField(
        coerce=lambda v: v == "yes", choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
    )
    minutes = forms.IntegerField(min_value=0, max_value=120, required=False)
    urgency = forms.TypedChoiceField(coerce=int, choices=AirtimeBid.Urgency.choices, required=False)


class NotesForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    issue = forms.CharField(required=False, max_length=300)
    question = forms.CharField(required=False, max_length=300)
    insights = forms.CharField(required=False, max_length=10_000)

    def sent(self, name: str) -> str | None:
        """A field's value if the form had it, else None: each panel sends only the notes it shows."""
        return self.cleaned_data[name] if name in self.data else None


class CoachAnswerForm(forms.Form):
    rating = forms.IntegerField(min_value=1, max_value=10)
    doing_well = forms.CharField(required=False, max_length=5000)
    do_better = forms.CharField(required=False, max_length=5000)


class ReflectionForm(forms.Form):
    text = forms.CharField(max_length=10_000)


class TrioNotesForm(forms.Form):
    trio = forms.IntegerField(min_value=1, max_value=99)
    version = forms.IntegerField(min_value=1)
    text = forms.CharField(required=False, strip=False, max_length=20_000)


class TakeForm(forms.Form):
    text = forms.CharField(max_length=5000)


class TextForm(forms.Form):
    text = forms.CharField(max_length=500)


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500)
    due_on = forms.DateField(required=False)


class VerdictForm(forms.Form):
    statement = forms.IntegerField()
    verdict = forms.ChoiceField(choices=[c for c in ConsensusStatement.Verdict.choices if c[0]])


class ReviewForm(forms.Form):
    rating = forms.IntegerField(min_value=1, max_value=10)
    helped = forms.CharField(required=False, max_length=5000)
    differently = forms.CharField(required=False, max_length=5000)


# --- helpers -------------------------------------------------------------------------------------------------


def _viewer(request: Request, learning_set: LearningSet) -> Enrolment | None:
    return learning_set.member_enrolment(request.user)


def _member(request: Request, learning_set: LearningSet) -> Enrolment:
    """The viewer's own enrolment: bids, reports, statements and reviews are a member's own, never on behalf."""
    enrolment = _viewer(request, learning_set)
    if enrolment is None:
        raise PermissionDenied("Only the set's members do this, each for themselves.")
    return enrolment


def _for_member(request: Request, meeting: Meeting) -> tuple[Enrolment, User | None]:
    """Whom a bid or a report is for, and who wrote it down: a member posts their own; the facilitator names a member
    without a device (`member`) and is recorded as having written it for them. Nobody else speaks for a member."""
    named = request.POST.get("member")
    if not named:
        return _member(request, meeting.learning_set), None
    if not can(actor_for(request), "meeting.facilitate", meeting):
        raise PermissionDenied("Only the facilitator records for a member.")
    return _set_member(meeting.learning_set, named), request.user


def _set_member(learning_set: LearningSet, public_id: str | None) -> Enrolment:
    """A member of this set named by the form; anyone else, or nonsense, is simply not found."""
    try:
        key = UUID(public_id or "")
    except ValueError:
        raise Http404 from None
    enrolment = (
        Enrolment.objects.filter(public_id=key, membership__learning_set=learning_set, withdrawn_at__isnull=True)
        .select_related("person")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def _said_by_member(
    request: Request,
    meeting: Meeting,
    speaker: tuple[Enrolment, User | None],
    form: forms.Form,
    save: Callable[[Enrolment, User | None, dict[str, Any]], object],
    *,
    own: str,
    recorded: str,
    presenter: Enrolment | None = None,
) -> HttpResponse:
    """What a member says for themselves, or the facilitator writes down for a member without a device (`speaker`,
    from `_for_member`, is read by the caller first: who may speak for whom is settled before the form is).
    The answer is the member's own words (`own`), or names the member it was recorded for (`recorded`)."""
    if not form.is_valid():
        return _invalid(request, meeting, form)
    enrolment, recorded_by = speaker
    save(enrolment, recorded_by, form.cleaned_data)
    message = own if recorded_by is None else recorded % {"name": enrolment.person.name}
    return _back(request, meeting, message, presenter=presenter)


def _panel_context(request: Request, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "viewer_enrolment": _viewer(request, meeting.learning_set),
        "is_facilitator": can(actor_for(request), "meeting.facilitate", meeting),
        **extra,
    }


def _back(
    request: Request,
    meeting: Meeting,
    message: str = "",
    presenter: Enrolment | None = None,
    also: tuple[str, ...] = (),
) -> HttpResponse:
    panel = request.POST.get("panel", "")
    if request.htmx and panel in PANELS:
        context = _panel_context(
            request, meeting, presenter=presenter, flash=message, next_url=request.htmx.current_url_abs_path
        )
        response = render(request, f"meetings/panels/{panel}.html", context)
        # Other panels on the page that show the same thing are brought up to date out of band; a page
        # without them simply ignores them.
        for other in also:
            if other != panel:
                extra = render(request, f"meetings/panels/{other}.html", {**context, "flash": "", "oob": True})
                response.content += extra.content
        return response
    if message:
        messages.success(request, message)
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(candidate)
    return redirect("setwork:work", meeting=meeting.public_id)


def _invalid(request: Request, meeting: Meeting, form: forms.Form) -> HttpResponse:
    text = " ".join(
        f"{form.fields[f].label or f}: {e}" if f in form.fields else str(e) for f, es in form.errors.items() for e in es
    )
    if request.htmx and request.POST.get("panel") in PANELS:
        context = _panel_context(request, meeting, flash_error=text, next_url=request.htmx.current_url_abs_path)
        return render(request, f"meetings/panels/{request.POST['panel']}.html", context, status=422)
    messages.error(request, text)
    return _back(request, meeting)


# --- the contract ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access("meeting.content", load=set_from_url)
def contract_page(request: Request, learning_set: LearningSet) -> HttpResponse:
    state = contract.contract_state(learning_set)
    conflict: contract.ContractConflict | None = None
    status = 200
    is_facilitator = can(actor_for(request), "meeting.facilitate", learning_set)
    if request.method == "POST":
        form = ContractForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["ground_rules"].replace("\r\n", "\n").strip()
            try:
                if is_facilitator:
                    # The facilitator holds the contracting: their change applies (see room.contract).
                    contract.contract_save(
                        actor=request.user,
                        learning_set=learning_set,
                        based_on=form.cleaned_data["version"],
                        ground_rules=text,
                        sharing_rule=form.cleaned_data["sharing_rule"],
                    )
                else:
                    proposal = contract.contract_propose(
                        enrolment=_member(request, learning_set),
                        learning_set=learning_set,
                        based_on=form.cleaned_data["version"],
                        ground_rules=text,
                        sharing_rule=form.cleaned_data["sharing_rule"],
                    )
            except contract.ContractConflict as error:
                conflict = error
                status = 409
                # Start the next attempt from what is now saved, with their own text kept beside it.
                form = ContractForm(
                    initial={
                        "version": error.current.number,
                        "ground_rules": error.proposed,
                        "sharing_rule": form.cleaned_data["sharing_rule"],
                    }
                )
            else:
                if is_facilitator:
                    messages.success(
                        request, _("Ground rules saved. Members are asked to acknowledge the new version.")
                    )
                elif proposal.status == ContractProposal.Status.AGREED:
                    messages.success(request, _("The set has agreed: these are now its ground rules."))
                else:
                    messages.success(
                        request, _("Your change is proposed to the set. The rules change when the set agrees.")
                    )
                return redirect("setwork:contract", learning_set=learning_set.public_id)
        else:
            status = 422
    else:
        form = ContractForm(
            initial={
                "version": state.version_number,
                "ground_rules": state.ground_rules,
                "sharing_rule": state.sharing_rule,
            }
        )
    viewer = _viewer(request, learning_set)
    members = learning_set.active_members()
    ack = state.acknowledged.get(viewer.pk) if viewer else None
    context = {
        "learning_set": learning_set,
        "programme": learning_set.programme,
        "state": state,
        "form": form,
        "conflict": conflict,
        "viewer_enrolment": viewer,
        "acknowledged_current": bool(ack and state.current and ack.version_id == state.current.pk),
        "members": [{"enrolment": m, "ack": state.acknowledged.get(m.pk)} for m in members],
        "is_facilitator": is_facilitator,
        "proposals": contract.open_proposals(learning_set, viewer=viewer),
    }
    return render(request, "setwork/contract.html", context, status=status)


def proposal_from_url(*, learning_set: UUID, proposal: UUID) -> ContractProposal:
    return get_object_or_404(
        ContractProposal.objects.select_related("learning_set__programme__organisation"),
        public_id=proposal,
        learning_set__public_id=learning_set,
    )


@require_POST
@access("meeting.content", load=proposal_from_url)
def contract_proposal_answer(request: Request, proposal: ContractProposal) -> HttpResponse:
    """A member agrees to a proposed change of the ground rules, or not."""
    learning_set = proposal.learning_set
    enrolment = _member(request, learning_set)
    answer = request.POST.get("answer")
    if answer not in ("agree", "object"):
        messages.error(request, _("Choose whether you agree."))
        return redirect("setwork:contract", learning_set=learning_set.public_id)
    try:
        proposal = contract.contract_answer(enrolment=enrolment, proposal=proposal, agrees=answer == "agree")
    except contract.ProposalClosed:
        messages.error(request, _("That change has already been decided. Here are the ground rules as they stand."))
    else:
        if proposal.status == ContractProposal.Status.AGREED:
            messages.success(request, _("The set has agreed: these are now its ground rules."))
        elif proposal.status == ContractProposal.Status.DECLINED:
            messages.success(request, _("You did not agree, so the ground rules stay as they are. The set is told."))
        else:
            messages.success(request, _("Thank you: your agreement is recorded. The rules change when the set agrees."))
    return redirect("setwork:contract", learning_set=learning_set.public_id)


@require_POST
@access("meeting.content", load=set_from_url)
def contract_acknowledge(request: Request, learning_set: LearningSet) -> HttpResponse:
    enrolment = _member(request, learning_set)
    current = ContractVersion.objects.current_for(learning_set)
    version = request.POST.get("version", "")
    if current is None or not version.isdigit() or int(version) != current.number:
        messages.error(request, _("The ground rules have changed since you read them. Please read them again."))
    else:
        contract.contract_acknowledge(enrolment=enrolment, version=current)
        messages.success(
            request,
            _("You have acknowledged the set's confidentiality (version %(number)s).") % {"number": current.number},
        )
    meeting_id = request.POST.get("meeting")
    if meeting_id:
        meeting = get_object_or_404(Meeting, public_id=meeting_id, learning_set=learning_set)
        return _back(request, meeting)
    return redirect("setwork:contract", learning_set=learning_set.public_id)


# --- a meeting's work --------------------------------------------------------------------------------------


@access("meeting.content", load=meeting_from_url)
def work(request: Request, meeting: Meeting) -> HttpResponse:
    context = _panel_context(request, meeting)
    context["learning_set"] = meeting.learning_set
    context["presenters"] = airtime.presenter_order(meeting)
    context["method"] = method = meeting.learning_set.programme.method
    context["is_wial"] = method == "wial"
    if method == "incident":
        # Whoever gave a case at this meeting (noted in the room), or the case-giver named in the live meeting.
        givers = [n.presenter for n in AirtimeNotes.objects.filter(meeting=meeting).select_related("presenter__person")]
        current = airtime.current_presenter(meeting)
        if current is not None and current.pk not in {g.pk for g in givers}:
            givers.append(current)
        context["case_givers"] = givers
    context["meetings"] = list(meeting.learning_set.meetings.order_by("number"))
    return render(request, "setwork/work.html", context)


@require_POST
@access("meeting.content", load=meeting_from_url)
def progress_report(request: Request, meeting: Meeting) -> HttpResponse:
    enrolment, recorded_by = _for_member(request, meeting)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    action = get_object_or_404(Action, public_id=form.cleaned_data["action"], learning_set=meeting.learning_set)
    try:
        actions.action_report(
            meeting=meeting,
            enrolment=enrolment,
            action=action,
            status=form.cleaned_data["status"],
            learning=form.cleaned_data["learning"],
            recorded_by=recorded_by,
        )
    except actions.NotYours:
        raise PermissionDenied("A member reports on their own actions.") from None
    return _back(request, meeting, _("Reported: %(status)s.") % {"status": action.get_status_display().lower()})


@require_POST
@access("meeting.content", load=meeting_from_url)
def bid(request: Request, meeting: Meeting) -> HttpResponse:
    enrolment, recorded_by = _for_member(request, meeting)
    form = BidForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    needs = form.cleaned_data["needs_time"]
    airtime.bid_save(
        meeting=meeting,
        enrolment=enrolment,
        needs_time=needs,
        minutes=form.cleaned_data["minutes"] or 30,
        urgency=form.cleaned_data["urgency"] or AirtimeBid.Urgency.MEDIUM,
        recorded_by=recorded_by,
    )
    if recorded_by is not None:
        return _back(request, meeting, _("Bid recorded for %(name)s.") % {"name": enrolment.person.name})
    return _back(request, meeting, _("Bid saved.") if needs else _("Noted: no airtime for you today."))


@require_POST
@access("meeting.facilitate", load=meeting_from_url)
def order(request: Request, meeting: Meeting) -> HttpResponse:
    positions: dict[int, int | None] = {}
    for bid_ in meeting.airtime_bids.all():
        raw = request.POST.get(f"position-{bid_.pk}", "").strip()
        positions[bid_.pk] = int(raw) if raw.isdigit() and 0 < int(raw) < 100 else None
    airtime.order_save(meeting=meeting, positions=positions)
    return _back(request, meeting, _("Airtime order agreed."))


def _presenter(request: Request, meeting: Meeting) -> Enrolment:
    return _set_member(meeting.learning_set, request.POST.get("presenter"))


@require_POST
@access("meeting.content", load=meeting_from_url)
def airtime_notes(request: Request, meeting: Meeting) -> HttpResponse:
    presenter = _presenter(request, meeting)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    notes = airtime.notes_for(meeting, presenter)
    try:
        airtime.notes_save(
            notes=notes,
            version=form.cleaned_data["version"],
            issue=form.sent("issue"),
            insights=form.sent("insights"),
            question=form.sent("question"),
        )
    except airtime.StaleEdit as stale:
        return _notes_conflict(request, meeting, presenter, stale.current, form)
    return _back(request, meeting, _("Airtime notes saved."), presenter=presenter)


def _notes_conflict(
    request: Request, meeting: Meeting, presenter: Enrolment, current: AirtimeNotes, form: NotesForm
) -> HttpResponse:
    context = _panel_context(
        request,
        meeting,
        presenter=presenter,
        notes_conflict={name: form.cleaned_data[name] for name in ("issue", "question", "insights")},
    )
    if request.htmx:
        panel = request.POST.get("panel", "")
        panel = panel if panel in ("case", "response") else "airtime"
        return render(request, f"meetings/panels/{panel}.html", context, status=409)
    context["learning_set"] = meeting.learning_set
    return render(request, "setwork/notes_conflict.html", context, status=409)


@require_POST
@access("meeting.content", load=meeting_from_url)
def question(request: Request, meeting: Meeting) -> HttpResponse:
    presenter = _presenter(request, meeting)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    notes = airtime.notes_for(meeting, presenter)
    # Whoever notes it (the presenter or a scribe) says who asked; the coach's profile of each member depends on it.
    chosen = request.POST.get("asked_by", "")
    asked_by = next((e for e in meeting.learning_set.active_members() if str(e.public_id) == chosen), None)
    airtime.question_add(notes=notes, text=form.cleaned_data["text"], asked_by=asked_by)
    return _back(request, meeting, _("Question noted."), presenter=presenter)


@require_POST
@access("meeting.content", load=meeting_from_url)
def action_add(request: Request, meeting: Meeting) -> HttpResponse:
    # The presenter names their actions; a scribe may write them down for them.
    presenter = _presenter(request, meeting)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    viewer = _viewer(request, meeting.learning_set)
    actions.action_commit(
        meeting=meeting,
        owner=presenter,
        text=form.cleaned_data["text"],
        due_on=form.cleaned_data["due_on"],
        # Written by anyone but its owner, the action says who wrote it down.
        recorded_by=None if viewer is not None and viewer.pk == presenter.pk else request.user,
    )
    added = _("Action added for %(name)s.") % {"name": presenter.person.name}
    return _back(request, meeting, added, presenter=presenter, also=("airtime", "actions"))


@require_POST
@access("meeting.content", load=meeting_from_url)
def take(request: Request, meeting: Meeting) -> HttpResponse:
    """A member's take on the case, or the facilitator's record of one for a member without a device."""
    speaker = _for_member(request, meeting)
    case_giver = _presenter(request, meeting)

    def save(author: Enrolment, recorded_by: User | None, data: dict[str, Any]) -> None:
        try:
            incident.take_save(
                meeting=meeting, case_giver=case_giver, author=author, text=data["text"], recorded_by=recorded_by
            )
        except incident.CaseGiverListens:
            raise PermissionDenied("The case-giver listens to the takes on their case.") from None

    return _said_by_member(
        request,
        meeting,
        speaker,
        TakeForm(request.POST),
        save,
        own=_("Your take is in."),
        recorded=_("Take recorded for %(name)s."),
        presenter=case_giver,
    )


@require_POST
@access("meeting.content", load=meeting_from_url)
def coach_answer(request: Request, meeting: Meeting) -> HttpResponse:
    """A member's answers to the coach's intervention, or the facilitator's record of them for a member."""
    return _said_by_member(
        request,
        meeting,
        _for_member(request, meeting),
        CoachAnswerForm(request.POST),
        lambda enrolment, recorded_by, data: wial.coach_answer_save(
            meeting=meeting, enrolment=enrolment, recorded_by=recorded_by, **data
        ),
        own=_("Thank you: your answers are in."),
        recorded=_("Recorded for %(name)s."),
    )


@require_POST
@access("meeting.content", load=meeting_from_url)
def reflection(request: Request, meeting: Meeting) -> HttpResponse:
    """A member's learning reflection, or the facilitator's record of it for a member without a device."""
    return _said_by_member(
        request,
        meeting,
        _for_member(request, meeting),
        ReflectionForm(request.POST),
        lambda enrolment, recorded_by, data: wial.reflection_save(
            meeting=meeting, enrolment=enrolment, text=data["text"], recorded_by=recorded_by
        ),
        own=_("Your reflection is saved."),
        recorded=_("Recorded for %(name)s."),
    )


@require_POST
@access("meeting.facilitate", load=meeting_from_url)
def trios_arrange(request: Request, meeting: Meeting) -> HttpResponse:
    """The facilitator's trios: a trio number for each member (none: not in a trio today)."""
    placement: dict[int, int] = {}
    for enrolment in meeting.learning_set.active_members():
        raw = request.POST.get(f"trio-{enrolment.public_id}", "").strip()
        placement[enrolment.pk] = int(raw) if raw.isdigit() and int(raw) < 100 else 0
    trios.trios_save(meeting=meeting, placement=placement)
    return _back(request, meeting, _("The trios are set."))


@require_POST
@access("meeting.content", load=meeting_from_url)
def trio_notes(request: Request, meeting: Meeting) -> HttpResponse:
    """A trio's notes: written by its own members, or by the facilitator for any trio."""
    form = TrioNotesForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    number = form.cleaned_data["trio"]
    if not can(actor_for(request), "meeting.facilitate", meeting):
        own = trios.trio_of(meeting, _member(request, meeting.learning_set))
        if own is None or own.number != number:
            raise PermissionDenied("A trio's notes are written by its own members.")
    try:
        trios.notes_save(
            meeting=meeting, trio=number, version=form.cleaned_data["version"], text=form.cleaned_data["text"]
        )
    except trios.StaleTrioNotes:
        message = _("Someone else in the trio saved the notes while you were writing: yours are kept below theirs.")
        if request.htmx and request.POST.get("panel") == "round":
            context = _panel_context(
                request,
                meeting,
                flash_error=message,
                trio_conflict={"trio": number, "text": form.cleaned_data["text"]},
                next_url=request.htmx.current_url_abs_path,
            )
            return render(request, "meetings/panels/round.html", context, status=409)
        messages.error(request, message)
        return _back(request, meeting)
    return _back(request, meeting, _("Trio notes saved."))


@require_POST
@access("meeting.content", load=meeting_from_url)
def consensus(request: Request, meeting: Meeting) -> HttpResponse:
    enrolment = _member(request, meeting.learning_set)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    airtime.statement_save(meeting=meeting, author=enrolment, text=form.cleaned_data["text"])
    return _back(request, meeting, _("Your view of the problem is in."))


@require_POST
@access("meeting.content", load=meeting_from_url)
def consensus_verdict(request: Request, meeting: Meeting) -> HttpResponse:
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    presenter = airtime.current_presenter(meeting)
    viewer = _viewer(request, meeting.learning_set)
    is_presenter = viewer is not None and presenter is not None and viewer.pk == presenter.pk
    if not (is_presenter or can(actor_for(request), "meeting.facilitate", meeting)):
        raise PermissionDenied("The presenter answers, or the facilitator records their answer.")
    statement = get_object_or_404(ConsensusStatement, pk=form.cleaned_data["statement"], meeting=meeting)
    airtime.verdict_save(statement=statement, verdict=form.cleaned_data["verdict"])
    return _back(request, meeting, _("Answer recorded."))


@require_POST
@access("meeting.content", load=meeting_from_url)
def process_review(request: Request, meeting: Meeting) -> HttpResponse:
    enrolment = _member(request, meeting.learning_set)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    review.review_save(meeting=meeting, enrolment=enrolment, **form.cleaned_data)
    return _back(request, meeting, _("Thank you: your process review is saved."))


# --- the facilitator's view across meetings ----------------------------------------------------------------


@access("meeting.facilitate", load=set_from_url)
def fairness(request: Request, learning_set: LearningSet) -> HttpResponse:
    rows = airtime.fairness(learning_set)
    most = max((r.minutes for r in rows), default=0)
    context = {
        "learning_set": learning_set,
        "programme": learning_set.programme,
        "rows": [{"row": r, "percent": round(100 * r.minutes / most) if most else 0} for r in rows],
        "trend": review.review_trend(learning_set),
        "question_profiles": [
            (member, airtime.member_question_profile(learning_set, member)) for member in learning_set.active_members()
        ],
        "versions": ContractVersion.objects.filter(learning_set=learning_set).count(),
    }
    return render(request, "setwork/fairness.html", context)
