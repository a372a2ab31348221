"""Journals, sharing out of the set, questions to leaders and themes: thin views over `services` and `selectors`.

Every form works without JavaScript (POST, then redirect). The journal's form is also sent by htmx, so that the
browser's copy of a draft (static/js/drafts.js) is forgotten only once the server has accepted it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionset.accounts.http import Request
from actionset.accounts.models import User
from actionset.core.access import access, actor_for, can, visible
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment, Programme
from actionset.room.models import Action, ContractVersion
from actionset.sets.models import LearningSet

from . import selectors, services
from .forms import (
    AnswerForm,
    AttributionForm,
    DecideForm,
    EditItemForm,
    JournalForm,
    ProposeForm,
    RoomForm,
    RoomRow,
    TagForm,
)
from .models import JournalEntry, SharedItem, Theme
from .pdf import journal_pdf
from .rules import sponsors

# --- loaders: the URL's UUIDs to objects (404 when unknown; the rule decides the rest) -------------------------


def entry_from_url(*, entry: UUID) -> JournalEntry:
    return get_object_or_404(JournalEntry.objects.select_related("meeting__learning_set"), public_id=entry)


def meeting_from_url(*, meeting: UUID) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("learning_set__programme__organisation"), public_id=meeting)


def set_from_url(*, learning_set: UUID) -> LearningSet:
    return get_object_or_404(LearningSet.objects.select_related("programme__organisation"), public_id=learning_set)


def item_from_url(*, item: UUID) -> SharedItem:
    return get_object_or_404(
        SharedItem.objects.select_related("learning_set__programme__organisation", "author__person"), public_id=item
    )


def programme_from_url(*, programme: UUID) -> Programme:
    return get_object_or_404(Programme.objects.select_related("organisation"), public_id=programme)


def theme_from_url(*, theme: UUID) -> Theme:
    return get_object_or_404(Theme, public_id=theme)


# --- the learning journal ------------------------------------------------------------------------------------


def _journal_form(request: Request, data: Any = None, **kwargs: Any) -> JournalForm:
    return JournalForm(
        data,
        meetings=list(Meeting.objects.for_attendee(request.user).begun()),
        actions=list(Action.objects.owned_by(request.user)),
        **kwargs,
    )


def _unwritten_meetings(user: User) -> list[Meeting]:
    """Held meetings of the person's sets that their journal has no entry for yet, newest first."""
    # Chosen by the database: a facilitator of many sets has held hundreds of meetings, and the page shows three.
    written = JournalEntry.objects.of(user).exclude(meeting=None).values("meeting_id")
    held = Meeting.objects.for_attendee(user).begun().filter(status=Meeting.Status.HELD)
    return list(held.exclude(pk__in=written)[:3])


@require_GET
@access("learning.journal")
def journal(request: Request) -> HttpResponse:
    entries = list(
        JournalEntry.objects.of(request.user)
        .select_related("meeting__learning_set")
        .prefetch_related("actions")
        .order_by("-created_at")
    )
    return render(
        request,
        "learning/journal.html",
        {"entries": entries, "unwritten": _unwritten_meetings(request.user), "nav_current": "learning"},
    )


def _save_journal(request: Request, form: JournalForm, entry: JournalEntry | None) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        saved = services.journal_save(
            author=request.user,
            entry=entry,
            meeting=form.cleaned_data["meeting"],
            actions=form.cleaned_data["actions"],
            **form.texts(),
        )
    except services.LearningError as error:
        form.add_error(None, str(error))
        return None
    url = reverse("learning:journal_entry", kwargs={"entry": saved.public_id})
    if request.htmx:
        # A swap rather than HX-Redirect: the drafts script forgets the browser's copy only on a swapped 2xx.
        response = _entry_page(
            request, saved, _journal_form(request, initial=_initial(saved)), partial=True, saved=True
        )
        response["HX-Push-Url"] = url
        return response
    messages.success(request, "Saved in your journal. Only you can read it.")
    return redirect(url)


def _initial(entry: JournalEntry) -> dict[str, Any]:
    initial: dict[str, Any] = {field: getattr(entry, field) for field in services.JOURNAL_FIELDS}
    initial["meeting"] = entry.meeting_id
    initial["actions"] = [a.pk for a in entry.actions.all()]
    return initial


def _entry_page(
    request: Request,
    entry: JournalEntry | None,
    form: JournalForm,
    *,
    partial: bool = False,
    status: int = 200,
    saved: bool = False,
) -> HttpResponse:
    template = "learning/journal_entry.html" + ("#editor" if partial else "")
    context = {"entry": entry, "form": form, "saved": saved, "nav_current": "learning"}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@access("learning.journal")
def journal_new(request: Request) -> HttpResponse:
    if request.method == "POST":
        form = _journal_form(request, request.POST)
        done = _save_journal(request, form, None)
        if done is not None:
            return done
        return _entry_page(request, None, form, partial=bool(request.htmx), status=200 if request.htmx else 422)
    initial: dict[str, Any] = {}
    chosen = request.GET.get("meeting", "")
    meetings = list(Meeting.objects.for_attendee(request.user).begun())
    meeting = next((m for m in meetings if str(m.public_id) == chosen), None)
    if meeting is not None:
        initial["meeting"] = meeting.pk
    return _entry_page(request, None, _journal_form(request, initial=initial))


@require_http_methods(["GET", "POST"])
@access("learning.journal_entry", load=entry_from_url)
def journal_entry(request: Request, entry: JournalEntry) -> HttpResponse:
    if request.method == "POST":
        form = _journal_form(request, request.POST)
        done = _save_journal(request, form, entry)
        if done is not None:
            return done
        return _entry_page(request, entry, form, partial=bool(request.htmx), status=200 if request.htmx else 422)
    return _entry_page(request, entry, _journal_form(request, initial=_initial(entry)))


@require_POST
@access("learning.journal_entry", load=entry_from_url)
def journal_delete(request: Request, entry: JournalEntry) -> HttpResponse:
    services.journal_delete(author=request.user, entry=entry)
    messages.success(request, "The entry is deleted.")
    return redirect("learning:journal")


@require_GET
@access("learning.journal")
def journal_export(request: Request) -> HttpResponse:
    text = services.journal_markdown(author=request.user)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="learning-journal-{timezone.localdate():%Y-%m-%d}.md"'
    # Personal content: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@access("learning.journal")
def journal_export_pdf(request: Request) -> HttpResponse:
    response = HttpResponse(journal_pdf(author=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-journal-{timezone.localdate():%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@access("learning.journal_meeting", load=meeting_from_url)
def journal_meeting(request: Request, meeting: Meeting) -> HttpResponse:
    """The link after a meeting: the person's own entry for it, or a new one linked to it."""
    existing = JournalEntry.objects.of(request.user).filter(meeting=meeting).first()
    if existing is not None:
        return redirect("learning:journal_entry", entry=existing.public_id)
    if meeting.pk not in {m.pk for m in Meeting.objects.for_attendee(request.user).begun()}:
        # Not begun yet, or cancelled: a free entry rather than one tied to a meeting that has not happened.
        return redirect(reverse("learning:journal_new"))
    return redirect(reverse("learning:journal_new") + f"?meeting={meeting.public_id}")


# --- sharing out of the set ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access("learning.sharing", load=set_from_url)
def sharing(request: Request, learning_set: LearningSet) -> HttpResponse:
    # The set's active members by name, with only what the page and the form show of them.
    members = list(
        Enrolment.objects.active()
        .filter(membership__learning_set=learning_set)
        .select_related("person")
        .only("person__name", "person__user_id")
        .order_by("person__name")
    )
    viewer = next((m for m in members if m.person.user_id == request.user.pk), None)
    held = list(learning_set.meetings.begun().order_by("-number").only("learning_set_id", "number", "starts_at"))
    status = 200
    form = ProposeForm(meetings=held, members=members, initial={"meeting": held[0].pk if held else None})
    if request.method == "POST":
        if viewer is None:
            raise PermissionDenied("Only the set's members propose what it shares.")
        form = ProposeForm(request.POST, meetings=held, members=members)
        if form.is_valid():
            try:
                item = services.item_propose(
                    actor=request.user,
                    learning_set=learning_set,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    meeting=form.cleaned_data["meeting"],
                    presenter=form.cleaned_data["presenter"],
                    show_author=form.cleaned_data["show_author"],
                )
            except services.LearningError as error:
                form.add_error(None, str(error))
            else:
                item.refresh_from_db()
                messages.success(
                    request,
                    "Shared outside the set."
                    if item.is_released
                    else "Proposed. It stays in the set until the set agrees under its sharing rule.",
                )
                return redirect("learning:sharing", learning_set=learning_set.public_id)
        status = 422
    items = list(
        SharedItem.objects.filter(learning_set=learning_set)
        .exclude(status=SharedItem.Status.WITHDRAWN)
        .select_related("author__person", "presenter__person", "meeting")
        # The item whole; of its author, presenter and meeting only the names and number the page shows.
        .only(
            *(f.name for f in SharedItem._meta.concrete_fields),
            "author__person__name",
            "author__person__user_id",
            "presenter__person__name",
            "meeting__number",
        )
        .order_by("-created_at")
    )
    for item in items:
        item.learning_set = learning_set
    # What is still being decided needs its decisions and electorate; what has been released, its answers and themes.
    prefetch_related_objects(
        [i for i in items if i.is_proposed],
        "decisions",
        # Only who is in each item's electorate is wanted, not their enrolments ordered by name.
        Prefetch("electorate", queryset=Enrolment.objects.only("pk").order_by()),
    )
    prefetch_related_objects([i for i in items if i.is_released], "answers", "themes")
    # The set's current ground rules, read once: the sharing rule they name, and whether the set has agreed any.
    current = ContractVersion.objects.current_for(learning_set)
    rule = current.sharing_rule if current is not None else services.SharingRule.NOTHING
    member_names = {m.pk: m.person.name for m in members}
    facilitator_names: dict[int, str] = {}
    assignments = learning_set.facilitators.select_related("user").only("learning_set_id", "user__name", "user__email")
    for a in assignments:
        facilitator_names[a.user_id] = f"{a.user.name or a.user.email} (facilitator)"
    facilitator_users = set(facilitator_names)
    pending = []
    for item in items:
        if not item.is_proposed:
            continue
        decisions = list(item.decisions.all())
        if viewer is not None:
            mine = next((d for d in decisions if d.enrolment_id == viewer.pk), None)
        else:
            mine = next((d for d in decisions if d.enrolment_id is None and d.user_id == request.user.pk), None)
        said = []
        for d in decisions:
            if d.enrolment_id is not None:
                said.append((member_names.get(d.enrolment_id, "Someone who has left"), d))
            else:
                said.append((facilitator_names.get(d.user_id or 0, "A former facilitator"), d))
        pending.append(
            {
                "item": item,
                "tally": services.item_tally(item, members=members, facilitator_users=facilitator_users, rule=rule),
                "decisions": said,
                "mine": mine,
                "is_author": item.author.person.user_id == request.user.pk,
            }
        )
    released = [{"item": i, "is_author": i.author.person.user_id == request.user.pk} for i in items if i.is_released]
    context = {
        "learning_set": learning_set,
        "programme": learning_set.programme,
        "form": form,
        "viewer_enrolment": viewer,
        "rule": rule,
        "rule_label": dict(services.SharingRule.choices)[rule],
        "has_contract": current is not None,
        "pending": pending,
        "released": released,
        "can_facilitate": can(actor_for(request), "meeting.facilitate", learning_set),
        "can_record": can(actor_for(request), "learning.record", learning_set),
        # The set's own pages sit under its members' home, as the set's page does.
        "nav_current": "home",
    }
    return render(request, "learning/sharing.html", context, status=status)


def _back_to_set(item: SharedItem) -> HttpResponse:
    return redirect(
        reverse("learning:sharing", kwargs={"learning_set": item.learning_set.public_id}) + f"#item-{item.public_id}"
    )


def _author_only(request: Request, item: SharedItem) -> None:
    if item.author.person.user_id != request.user.pk:
        raise PermissionDenied("Only the person who proposed it can do that.")


@require_POST
@access("learning.item", load=item_from_url)
def decide(request: Request, item: SharedItem) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve, object or withdraw.")
        return _back_to_set(item)
    verdict = form.cleaned_data["verdict"]
    was_recorded = (
        item.decisions.filter(enrolment__person__user=request.user, enrolment__withdrawn_at__isnull=True)
        .exclude(recorded_by_name="")
        .exists()
    )
    try:
        item = services.item_decide(actor=request.user, item=item, verdict=verdict)
    except services.LearningError as error:
        messages.error(request, str(error))
        return _back_to_set(item)
    item.refresh_from_db()
    if item.is_released:
        messages.success(request, "Agreed: it is now shared outside the set.")
    else:
        said = {"approve": "Your approval is recorded.", "object": "Your objection is recorded: it stays in the set."}
        message = said.get(verdict, "What you said is withdrawn.")
        if was_recorded:
            message += " It replaces what was recorded for you in the room."
        messages.success(request, message)
    return _back_to_set(item)


def _room_rows(item: SharedItem) -> list[RoomRow]:
    members = {m.pk: m for m in item.learning_set.active_members()}
    decisions = {d.enrolment_id: d for d in item.decisions.filter(enrolment__isnull=False)}
    electorate = sorted(
        (members[e.pk] for e in item.electorate.all() if e.pk in members and e.pk != item.author_id),
        key=lambda m: m.person.name.lower(),
    )
    return [RoomRow(m, decisions.get(m.pk)) for m in electorate]


@require_http_methods(["GET", "POST"])
@access("learning.record", load=item_from_url)
def record_in_room(request: Request, item: SharedItem) -> HttpResponse:
    """A facilitator records, for each member the item needs, the decision they gave aloud in the room."""
    if not item.is_proposed:
        messages.error(request, "This is no longer awaiting the set's agreement.")
        return _back_to_set(item)
    rows = _room_rows(item)
    form = RoomForm(rows=rows)
    status = 200
    if request.method == "POST":
        form = RoomForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                services.item_record_in_room(actor=request.user, item=item, decisions=form.decisions())
            except services.LearningError as error:
                form.add_error(None, str(error))
            else:
                item.refresh_from_db()
                messages.success(
                    request,
                    "Recorded. Agreed: it is now shared outside the set."
                    if item.is_released
                    else "Recorded. Each member sees that you recorded it for them, and can change it.",
                )
                return _back_to_set(item)
        status = 422
    context = {
        "item": item,
        "learning_set": item.learning_set,
        "form": form,
        "tally": services.item_tally(item),
        "nav_current": "home",
    }
    return render(request, "learning/record_in_room.html", context, status=status)


@require_http_methods(["GET", "POST"])
@access("learning.item", load=item_from_url)
def edit_item(request: Request, item: SharedItem) -> HttpResponse:
    """The author rewords their item before release; approvals given to the old words are cleared."""
    _author_only(request, item)
    if not item.is_proposed:
        messages.error(request, "Its wording is fixed: it is no longer awaiting the set's agreement.")
        return _back_to_set(item)
    form = EditItemForm(initial={"text": item.text})
    status = 200
    if request.method == "POST":
        form = EditItemForm(request.POST)
        if form.is_valid():
            try:
                services.item_edit(actor=request.user, item=item, text=form.cleaned_data["text"])
            except services.LearningError as error:
                form.add_error("text", str(error))
            else:
                messages.success(
                    request, "Reworded. Those who had approved the earlier wording are asked to agree again."
                )
                return _back_to_set(item)
        status = 422
    approvals = item.decisions.filter(verdict="approve").exclude(enrolment_id=item.author_id).count()
    context = {
        "item": item,
        "learning_set": item.learning_set,
        "form": form,
        "approvals": approvals,
        "nav_current": "home",
    }
    return render(request, "learning/edit_item.html", context, status=status)


@require_POST
@access("learning.item", load=item_from_url)
def withdraw(request: Request, item: SharedItem) -> HttpResponse:
    _author_only(request, item)
    try:
        services.item_withdraw(actor=request.user, item=item)
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Withdrawn. It will not leave the set.")
    return _back_to_set(item)


@require_POST
@access("learning.item", load=item_from_url)
def attribution(request: Request, item: SharedItem) -> HttpResponse:
    _author_only(request, item)
    form = AttributionForm(request.POST)
    if form.is_valid():
        try:
            services.item_attribution(actor=request.user, item=item, show_author=form.cleaned_data["show_author"])
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Your name goes with it." if item.show_author else "It is shared without your name."
            )
    return _back_to_set(item)


# --- what a programme's sets have shared, and questions to leaders -------------------------------------------------


@require_GET
@access("signed_in")
def shared_index(request: Request) -> HttpResponse:
    actor = actor_for(request)
    # Only the programme's name and its organisation's, as listed (not a programme's brief and plan).
    published = (
        Programme.objects.filter(published_at__isnull=False)
        .select_related("organisation")
        .only("public_id", "title", "organisation__name")
    )
    listed = visible(actor, "learning.programme", published).order_by("organisation__name", "title", "pk")
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    if page.paginator.count == 1:
        return redirect("learning:programme", programme=page.object_list[0].public_id)
    counts = selectors.sharing_counts_by_programme(page.object_list, actor=actor)
    none = selectors.SharingCounts(0, 0, 0, 0, 0)
    rows = [(p, counts.get(p.pk, none)) for p in page.object_list]
    context = {"rows": rows, "page": page, "nav_current": "learning-shared"}
    return render(request, "learning/shared_index.html", context)


@require_GET
@access("learning.programme", load=programme_from_url)
def programme_shared(request: Request, programme: Programme) -> HttpResponse:
    actor = actor_for(request)
    # The programme's released items are read once, and the questions and themes drawn from them.
    items, themes = selectors.released_items_and_themes(programme, actor=actor)
    questions = [i for i in items if i.kind == SharedItem.Kind.QUESTION]
    context = {
        "programme": programme,
        "unanswered": [q for q in questions if not q.is_answered],
        "answered": [q for q in questions if q.is_answered],
        "lessons": [i for i in items if i.kind == SharedItem.Kind.LESSON],
        "set_themes": [i for i in items if i.kind == SharedItem.Kind.THEME],
        "themes": themes,
        # The access rule has asked already (the answer is kept for the request).
        "is_sponsor": sponsors(actor, programme),
        "answer_form": AnswerForm(),
        "nav_current": "learning-shared",
    }
    return render(request, "learning/programme.html", context)


@require_POST
@access("learning.answer", load=item_from_url)
def answer(request: Request, item: SharedItem) -> HttpResponse:
    form = AnswerForm(request.POST)
    programme = item.learning_set.programme
    if form.is_valid():
        try:
            services.answer_add(actor=request.user, item=item, text=form.cleaned_data["text"])
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Your answer is on its way back to {item.learning_set.name}.")
    else:
        messages.error(request, "Write your answer before sending it.")
    return redirect(reverse("learning:programme", kwargs={"programme": programme.public_id}) + f"#q-{item.public_id}")


# --- themes across sets and programmes (the organisational developer) ----------------------------------------------


@require_GET
@access("learning.themes")
def themes(request: Request) -> HttpResponse:
    actor = actor_for(request)
    show = "all" if request.GET.get("show") == "all" else "untagged"
    # Every released item of every organisation grows without bound: a page of them at a time, counted apart.
    page, total, untagged = selectors.released_page(
        actor=actor, untagged=show == "untagged", number=request.GET.get("page")
    )
    context = {
        "summaries": selectors.theme_counts(actor=actor),
        "page": page,
        "items": page.object_list,
        "untagged": untagged,
        "total": total,
        "show": show,
        "all_themes": list(Theme.objects.order_by("name")),
        "nav_current": "learning-themes",
    }
    return render(request, "learning/themes.html", context)


@require_GET
@access("learning.themes", load=theme_from_url)
def theme(request: Request, theme: Theme) -> HttpResponse:
    items = selectors.released_items_with_theme(theme, actor=actor_for(request))
    by_programme: dict[tuple[str, str], list[selectors.ReleasedItem]] = {}
    for i in items:
        by_programme.setdefault((i.organisation_name, i.programme_title), []).append(i)
    context = {
        "theme": theme,
        "groups": sorted(by_programme.items()),
        "count": len(items),
        "sets": len({(i.programme_title, i.set_name) for i in items}),
        "nav_current": "learning-themes",
    }
    return render(request, "learning/theme.html", context)


@require_POST
@access("learning.tag", load=item_from_url)
def tag(request: Request, item: SharedItem) -> HttpResponse:
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            services.item_themes_set(
                actor=request.user,
                item=item,
                themes=form.cleaned_data["themes"],
                new_theme=form.cleaned_data["new_theme"],
            )
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Themes saved.")
    else:
        messages.error(request, "Choose themes from the list, or name a new one.")
    show = request.POST.get("show", "untagged")
    return redirect(reverse("learning:themes") + f"?show={'all' if show == 'all' else 'untagged'}")
