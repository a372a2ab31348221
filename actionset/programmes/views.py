from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Model, Prefetch, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.core.access import access, actor_for, can, visible
from actionset.organisations.models import Organisation, Person
from actionset.organisations.views import organisation_from_url
from actionset.programmes import services
from actionset.programmes.blueprints import BLUEPRINTS
from actionset.programmes.checks import event_warnings, planned_span
from actionset.programmes.forms import (
    CloneForm,
    EnrolForm,
    EnrolmentForm,
    EvaluationPlanForm,
    EventForm,
    NewProgrammeForm,
    PoolImportForm,
    ProgrammeForm,
    VenueForm,
)
from actionset.programmes.models import Enrolment, EvaluationPoint, Programme, ProgrammeEvent, Venue, uncovered_text
from actionset.programmes.slots import SLOT_SHORT, SLOTS
from actionset.programmes.transitions import consequences

TIMING_ORDER = {value: index for index, value in enumerate(EvaluationPoint.Timing.values)}


def programme_from_url(*, programme: UUID) -> Programme:
    return get_object_or_404(Programme.objects.select_related("organisation", "designer"), public_id=programme)


def event_from_url(*, programme: UUID, event: UUID) -> ProgrammeEvent:
    return get_object_or_404(
        ProgrammeEvent.objects.select_related("programme__organisation"),
        public_id=event,
        programme__public_id=programme,
    )


def enrolment_from_url(*, programme: UUID, enrolment: UUID) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("programme__organisation", "person"),
        public_id=enrolment,
        programme__public_id=programme,
    )


def programme_page_context(request: HttpRequest, programme: Programme, tab: str, **extra: Any) -> dict[str, Any]:
    """What every programme page shares (`programmes/_tabs.html`): the programme, the tab, what the actor may do.

    Used by the sets board and the schedule too, which live in their own apps but are tabs of the programme.
    """
    actor = actor_for(request)
    return {
        "programme": programme,
        "organisation": programme.organisation,
        "tab": tab,
        "can_design": can(actor, "programme.design", programme),
        "can_pool": can(actor, "programme.pool", programme),
        "can_keep_apart": can(actor, "programme.keep_apart", programme),
        **extra,
    }


@access("programmes.list")
def programme_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    # Stage by stage, in the stages' own order, fifty a page: a page's programmes are grouped under their stages.
    stage = Case(
        *(When(status=value, then=Value(rank)) for rank, (value, _) in enumerate(Programme.Status.choices)),
        output_field=IntegerField(),
    )
    programmes = visible(actor, "programme.view", Programme.objects.for_listing()).order_by(
        stage, "organisation__name", "-created_at", "pk"
    )
    page = Paginator(programmes, 50).get_page(request.GET.get("page"))
    groups = [(label, [p for p in page.object_list if p.status == value]) for value, label in Programme.Status.choices]
    organisations = visible(actor, "programme.create", Organisation.objects.order_by("name"))
    return render(request, "programmes/list.html", {"groups": groups, "page": page, "organisations": organisations})


@access("programme.create", load=organisation_from_url)
def programme_new(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = NewProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(
            actor=user_of(request),
            organisation=organisation,
            title=form.cleaned_data["title"],
            blueprint=form.cleaned_data["blueprint"],
            request=request,
        )
        messages.success(request, "Draft programme created from the template. Adjust it to fit.")
        return redirect("programmes:edit", programme=programme.public_id)
    return render(
        request, "programmes/new.html", {"form": form, "organisation": organisation, "blueprints": BLUEPRINTS}
    )


def _set_relation(name: str) -> type[Model]:
    """A model related to a set (its meetings, its facilitators), found through the relation: the sets and meetings
    apps sit above this one and may not be imported from here."""
    return Programme._meta.get_field("sets").related_model._meta.get_field(name).related_model  # type: ignore[union-attr, return-value]


def _meeting_badges(programme: Programme) -> dict[int, SafeString]:
    """Set id → its meetings' date badges, by date, with attendance counted in the database.

    The page shows counts only (programme tier), and a large programme's attendance rows are never loaded. A
    programme has hundreds of meetings, so they are read as plain values and each set's badges are put together
    here, once, rather than by the template a meeting at a time (`date:"j M"` in the current time zone)."""
    meetings = (
        _set_relation("meetings")
        ._default_manager.filter(learning_set__programme=programme)
        .annotate(
            attendance_present=Count("attendance", filter=Q(attendance__status="present")),
            attendance_recorded=Count("attendance"),
        )
        .order_by("starts_at")
        .values_list("learning_set_id", "starts_at", "status", "attendance_present", "attendance_recorded")
    )
    # Every part is a number or escaped here once: hundreds of badges are not each put through `format_html`.
    months = {month: escape(str(name).title()) for month, name in MONTHS_3.items()}
    shades = {"cancelled": "grey", "held": "ok"}
    zone = timezone.get_current_timezone()
    # Said after the figures to someone using a screen reader ("3/5 present").
    present_word = escape(_("present"))
    badges: dict[int, list[str]] = defaultdict(list)
    for set_id, starts_at, status, present, recorded in meetings:
        day = starts_at.astimezone(zone)
        attendance = (
            f' · {present:d}/{recorded:d}<span class="visually-hidden"> {present_word}</span>' if recorded else ""
        )
        badges[set_id].append(
            f'<span class="badge {shades.get(status, "")}">{day.day:d} {months[day.month]}{attendance}</span>'
        )
    return {set_id: mark_safe("".join(spans)) for set_id, spans in badges.items()}


@access("programme.view", load=programme_from_url)
def programme_detail(request: HttpRequest, programme: Programme) -> HttpResponse:
    actor = actor_for(request)
    can_design = can(actor, "programme.design", programme)
    facilitators = (
        _set_relation("facilitators")
        ._default_manager.select_related("user")
        .only("learning_set", "role", "user__name", "user__email")
    )
    transitions = [(s, Programme.Status(s).label) for s in Programme.TRANSITIONS[programme.status]]
    sets: list[Any] = []
    if programme.is_published or can_design or Programme.Status.RUNNING in dict(transitions):
        sets = list(
            programme.sets.annotate(member_count=Count("memberships"))
            # The programme's id as well: the relation sets each set's programme to the one already read.
            .only("name", "programme")
            .prefetch_related(Prefetch("facilitators", queryset=facilitators))
        )
        badges = _meeting_badges(programme) if programme.is_published or can_design else {}
        for learning_set in sets:
            learning_set.meeting_badges = badges.get(learning_set.pk, "")
    enrolments = programme.enrolments.active()
    pool = enrolments.aggregate(
        total=Count("id"),
        with_availability=Count("id", filter=~Q(availability=[])),
        departments=Count("person__department", distinct=True),
        sites=Count("person__site", distinct=True),
    )
    # Read from the sets the page lists anyway (their facilitators are prefetched): no query of its own.
    uncovered = sum(1 for s in sets if not s.facilitators.all()) if Programme.Status.RUNNING in dict(transitions) else 0
    return render(
        request,
        "programmes/detail.html",
        programme_page_context(
            request,
            programme,
            "overview",
            sets=sets if programme.is_published or can_design else [],
            pool=pool,
            events=programme.events.all(),
            evaluation=sorted(
                EvaluationPoint.with_library(programme.evaluation_points.all()),
                key=lambda p: (TIMING_ORDER[p.timing], p.instrument),
            ),
            transitions=transitions,
            uncovered=uncovered,
            uncovered_warning=uncovered_text(uncovered) if uncovered else "",
            sponsors=programme.sponsors.order_by("name"),
        ),
    )


@access("programme.design", load=programme_from_url)
def programme_edit(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ProgrammeForm.Meta.fields}
        programme.refresh_from_db()
        services.programme_update(
            actor=user_of(request),
            programme=programme,
            data=data,
            sponsors=form.cleaned_data["sponsors"],
            request=request,
        )
        messages.success(request, "Programme design saved.")
        return redirect("programmes:detail", programme=programme.public_id)
    return render(request, "programmes/edit.html", programme_page_context(request, programme, "design", form=form))


@require_POST
@access("programme.design", load=programme_from_url)
def programme_status(request: HttpRequest, programme: Programme) -> HttpResponse:
    status = request.POST.get("status", "")
    uncovered = programme.sets_without_facilitator() if status == Programme.Status.RUNNING else 0
    if status not in Programme.Status.values:
        messages.error(request, "That is not a stage a programme can be in.")
        return redirect("programmes:detail", programme=programme.public_id)
    if uncovered and request.POST.get("confirm_uncovered") != str(uncovered):
        # Starting a programme whose sets would meet without a facilitator is a choice, never an oversight.
        messages.error(request, uncovered_text(uncovered, _("Tick the confirmation to start it all the same.")))
        return redirect("programmes:detail", programme=programme.public_id)
    # What the move would do beyond the stage (cancel meetings still to come, say) is said first, and done only
    # once the designer confirms; a refused move says why without asking.
    warnings = consequences(programme, status) if programme.can_move_to(status) else []
    if warnings and request.POST.get("confirmed") != "yes":
        return render(
            request,
            "programmes/status_confirm.html",
            programme_page_context(
                request, programme, "overview", status=status, label=Programme.Status(status).label, warnings=warnings
            ),
        )
    try:
        services.programme_move(actor=user_of(request), programme=programme, status=status, request=request)
        messages.success(request, f"The programme is now {Programme.Status(status).label.lower()}.")
    except services.TransitionRefused as refused:
        messages.error(request, str(refused))
    return redirect("programmes:detail", programme=programme.public_id)


@access("programme.design", load=programme_from_url)
def programme_events(request: HttpRequest, programme: Programme) -> HttpResponse:
    return _events_page(request, programme, None)


@access("programme.design", load=event_from_url)
def event_edit(request: HttpRequest, event: ProgrammeEvent) -> HttpResponse:
    return _events_page(request, event.programme, event)


def _events_page(request: HttpRequest, programme: Programme, event: ProgrammeEvent | None) -> HttpResponse:
    """The events, checked against the planned meetings, beside a form that adds one or edits `event`."""
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        services.event_save(
            actor=user_of(request),
            programme=programme,
            event=event,
            data={f: form.cleaned_data[f] for f in EventForm.Meta.fields},
            request=request,
        )
        messages.success(request, _("Event saved.") if event else _("Event added."))
        return redirect("programmes:events", programme=programme.public_id)
    events = list(programme.events.all())
    return render(
        request,
        "programmes/events.html",
        programme_page_context(
            request,
            programme,
            "design",
            form=form,
            events=events,
            editing=event,
            span=planned_span(programme),
            warnings=event_warnings(programme, events),
        ),
    )


@require_POST
@access("programme.design", load=event_from_url)
def event_delete(request: HttpRequest, event: ProgrammeEvent) -> HttpResponse:
    programme = event.programme
    services.event_delete(actor=user_of(request), event=event, request=request)
    messages.success(request, "Event removed.")
    return redirect("programmes:events", programme=programme.public_id)


@access("programme.design", load=programme_from_url)
def programme_clone(request: HttpRequest, programme: Programme) -> HttpResponse:
    """A draft for the programme's next cohort, from its design (programmes.services.programme_clone)."""
    if not can(actor_for(request), "programme.create", programme.organisation):
        raise PermissionDenied
    start = programme.start_date
    later = start + dt.timedelta(weeks=programme.number_of_meetings * programme.cadence_weeks) if start else None
    form = CloneForm(
        request.POST or None,
        initial={"title": _("%(title)s (next cohort)") % {"title": programme.title}, "start_date": later},
    )
    if request.method == "POST" and form.is_valid():
        clone = services.programme_clone(
            actor=user_of(request),
            programme=programme,
            title=form.cleaned_data["title"],
            start_date=form.cleaned_data["start_date"],
            request=request,
        )
        messages.success(
            request,
            _("%(title)s is a draft with this design. Add its participants when you are ready.")
            % {"title": clone.title},
        )
        return redirect("programmes:detail", programme=clone.public_id)
    return render(request, "programmes/clone.html", programme_page_context(request, programme, "design", form=form))


@access("programme.design", load=programme_from_url)
def programme_evaluation(request: HttpRequest, programme: Programme) -> HttpResponse:
    current = set(programme.evaluation_points.values_list("instrument", "timing"))
    form = EvaluationPlanForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.evaluation_plan_set(actor=user_of(request), programme=programme, points=form.chosen(), request=request)
        messages.success(request, "Evaluation plan saved.")
        return redirect("programmes:detail", programme=programme.public_id)
    return render(
        request,
        "programmes/evaluation.html",
        programme_page_context(request, programme, "design", form=form, timings=_timing_labels()),
    )


def _timing_labels() -> list[str]:
    return [label for _, label in EvaluationPoint.Timing.choices]


# --- the participant pool ------------------------------------------------------------------------


@access("programme.pool", load=programme_from_url)
def pool(request: HttpRequest, programme: Programme) -> HttpResponse:
    enrolments = (
        programme.enrolments.active()
        .select_related("person__line_manager")
        .annotate(keep_apart_count=Count("keep_apart"))
        .order_by("person__name")
    )
    slot_counts = {code: 0 for code, _ in SLOTS}
    for enrolment in enrolments:
        for code in enrolment.availability or slot_counts:
            if code in slot_counts:
                slot_counts[code] += 1
    return render(
        request,
        "programmes/pool.html",
        programme_page_context(
            request,
            programme,
            "participants",
            enrolments=enrolments,
            slot_counts=[(SLOT_SHORT[code], label, slot_counts[code]) for code, label in SLOTS],
            pool_size=len(enrolments),
        ),
    )


@access("programme.pool", load=programme_from_url)
def pool_add(request: HttpRequest, programme: Programme) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    candidates = (
        Person.objects.filter(organisation=programme.organisation)
        .exclude(enrolments__programme=programme, enrolments__withdrawn_at__isnull=True)
        .order_by("name")
    )
    if query:
        candidates = candidates.filter(
            Q(name__icontains=query)
            | Q(department__icontains=query)
            | Q(site__icontains=query)
            | Q(level__icontains=query)
        )
    form = EnrolForm(request.POST or None, people=candidates)
    if request.method == "POST" and form.is_valid():
        added = services.enrolments_add(
            actor=user_of(request), programme=programme, people=form.cleaned_data["people"], request=request
        )
        messages.success(request, f"{added} {'person' if added == 1 else 'people'} enrolled.")
        return redirect("programmes:pool", programme=programme.public_id)
    return render(
        request,
        "programmes/pool_add.html",
        programme_page_context(request, programme, "participants", form=form, query=query, candidates=candidates),
    )


@access("programme.pool", load=programme_from_url)
def pool_import(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = PoolImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.pool_import(
            actor=user_of(request),
            programme=programme,
            upload=upload,
            filename=upload.name,
            include_keep_apart=can(actor_for(request), "programme.keep_apart", programme),
            request=request,
        )
        if result.ok:
            messages.success(request, f"{result.enrolled} enrolled, {result.updated} updated.")
            return redirect("programmes:pool", programme=programme.public_id)
    return render(
        request,
        "programmes/pool_import.html",
        programme_page_context(request, programme, "participants", form=form, result=result),
    )


@access("programme.pool", load=enrolment_from_url)
def enrolment_edit(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    programme = enrolment.programme
    show_keep_apart = can(actor_for(request), "programme.keep_apart", programme)
    people = Person.objects.filter(organisation=programme.organisation).exclude(pk=enrolment.person_id).order_by("name")
    initial = {"availability": enrolment.availability}
    if show_keep_apart:
        initial["keep_apart"] = list(enrolment.keep_apart.all())
    form = EnrolmentForm(request.POST or None, initial=initial, people=people, show_keep_apart=show_keep_apart)
    if request.method == "POST" and form.is_valid():
        services.enrolment_update(
            actor=user_of(request),
            enrolment=enrolment,
            availability=form.cleaned_data["availability"],
            keep_apart=form.cleaned_data["keep_apart"] if show_keep_apart else None,
            request=request,
        )
        messages.success(request, f"{enrolment.person.name}'s details saved.")
        return redirect("programmes:pool", programme=programme.public_id)
    return render(
        request,
        "programmes/enrolment.html",
        programme_page_context(request, programme, "participants", form=form, enrolment=enrolment),
    )


@require_POST
@access("programme.pool", load=enrolment_from_url)
def enrolment_withdraw(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    services.enrolment_withdraw(actor=user_of(request), enrolment=enrolment, request=request)
    messages.success(request, f"{enrolment.person.name} withdrawn from the programme.")
    return redirect("programmes:pool", programme=enrolment.programme.public_id)


@access("programme.own_enrolment", load=programme_from_url)
def my_enrolment(request: HttpRequest, programme: Programme) -> HttpResponse:
    """A participant tells the designers when they can meet, and in confidence whom to keep apart from."""
    enrolment = get_object_or_404(programme.enrolments.active(), person__user=user_of(request))
    pool = Person.objects.filter(enrolments__programme=programme, enrolments__withdrawn_at__isnull=True).exclude(
        pk=enrolment.person_id
    )
    form = EnrolmentForm(
        request.POST or None,
        initial={"availability": enrolment.availability, "keep_apart": list(enrolment.keep_apart.all())},
        people=pool.order_by("name"),
        show_keep_apart=not programme.is_published,
    )
    if request.method == "POST" and form.is_valid():
        services.enrolment_update(
            actor=user_of(request),
            enrolment=enrolment,
            availability=form.cleaned_data["availability"],
            keep_apart=form.cleaned_data["keep_apart"] if "keep_apart" in form.fields else None,
            request=request,
        )
        messages.success(request, "Thank you. The programme's designers will use this when forming the sets.")
        return redirect("core:home")
    return render(request, "programmes/my_enrolment.html", {"programme": programme, "form": form})


# --- venues --------------------------------------------------------------------------------------


def venue_from_url(*, venue: UUID) -> Venue:
    return get_object_or_404(Venue, public_id=venue)


@access("venues.manage")
def venues(request: HttpRequest) -> HttpResponse:
    return _venues_page(request, None)


@access("venues.manage", load=venue_from_url)
def venue_edit(request: HttpRequest, venue: Venue) -> HttpResponse:
    return _venues_page(request, venue)


def _venues_page(request: HttpRequest, venue: Venue | None) -> HttpResponse:
    """Every venue with the rooms it has and the programmes meeting there, beside a form that adds or edits one."""
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        saved = services.venue_save(
            actor=user_of(request),
            venue=venue,
            data={f: form.cleaned_data[f] for f in VenueForm.Meta.fields},
            request=request,
        )
        messages.success(request, _("%(venue)s saved.") % {"venue": saved.name})
        return redirect("programmes:venues")
    listed = Venue.objects.select_related("organisation").annotate(programme_count=Count("programmes"))
    page = Paginator(listed.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "programmes/venues.html", {"page": page, "form": form, "editing": venue})
