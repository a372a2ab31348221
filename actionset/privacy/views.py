"""People's data rights: one's own data, and the administrators' privacy desk. Thin views over the services."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionset.accounts.http import user_of
from actionset.accounts.models import User
from actionset.core.access import access, actor_for, visible
from actionset.organisations.models import Person
from actionset.organisations.services import AccessChangeRefused

from . import erasure, services
from . import retention as retention_schedule
from .forms import EraseForm, HandoverForm, HoldForm, RetentionForm
from .held import Subject
from .models import DataExport, LegalHold

# --- loaders -------------------------------------------------------------------------------------------------------


def subject_from_url(*, subject: UUID) -> Subject:
    """A directory entry or a login: the desk links to either by its public id."""
    person = Person.objects.select_related("user", "organisation").filter(public_id=subject).first()
    if person is not None:
        return Subject.of_person(person)
    user = User.objects.filter(public_id=subject).first()
    if user is None:
        raise Http404
    return Subject.of_user(user)


def export_from_url(*, export: UUID) -> DataExport:
    return get_object_or_404(DataExport.objects.defer("archive"), public_id=export)


def hold_from_url(*, hold: UUID) -> LegalHold:
    return get_object_or_404(LegalHold.objects.select_related("user", "person"), public_id=hold)


def _to_person(subject: Subject) -> HttpResponse:
    return redirect("privacy:person", subject=_subject_id(subject))


def _subject_id(subject: Subject) -> UUID:
    return subject.people[0].public_id if subject.people else subject.user.public_id  # type: ignore[union-attr]


# --- one's own data ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access("privacy.own")
def mine(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        services.export_request(actor=user, subject=Subject.of_user(user), request=request)
        messages.success(request, _("We are gathering your data. It will be ready to download here shortly."))
        return redirect("privacy:mine")
    exports = visible(actor_for(request), "privacy.export", DataExport.objects.defer("archive")).filter(
        subject_user=user, expires_at__gte=timezone.now()
    )
    return render(
        request,
        "privacy/mine.html",
        {"exports": exports, "schedule": retention_schedule.schedule_rows()},
    )


@require_GET
@access("privacy.export", load=export_from_url)
def download(request: HttpRequest, export: DataExport) -> HttpResponse:
    if export.status != DataExport.Status.READY or export.expires_at < timezone.now():
        raise Http404
    content = DataExport.objects.values_list("archive", flat=True).get(pk=export.pk)
    if content is None:
        raise Http404
    services.export_downloaded(actor=user_of(request), export=export, request=request)
    response = HttpResponse(bytes(content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="your-data-{export.created_at:%Y-%m-%d}.zip"'
    # Personal content: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


# --- the administrators' privacy desk ------------------------------------------------------------------------------


@require_GET
@access("privacy.person")
def desk(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people: list[Person] = []
    staff: list[User] = []
    if query:
        people = list(
            Person.objects.select_related("organisation")
            .filter(Q(name__icontains=query) | Q(email__icontains=query))
            .order_by("name")[:50]
        )
        staff = list(
            User.objects.filter(staff_roles__isnull=False)
            .filter(Q(name__icontains=query) | Q(email__icontains=query))
            .distinct()
            .order_by("name")[:50]
        )
    holds = LegalHold.objects.filter(released_at__isnull=True).select_related("user", "person")
    exports = (
        visible(actor_for(request), "privacy.export", DataExport.objects.defer("archive"))
        .filter(expires_at__gte=timezone.now())
        .exclude(subject_user=user_of(request))
        .select_related("subject_user", "subject_person")
    )
    return render(
        request,
        "privacy/desk.html",
        {
            "query": query,
            "people": people,
            "staff": staff,
            "holds": holds,
            "exports": exports,
            "schedule": retention_schedule.schedule_rows(),
        },
    )


@require_http_methods(["GET", "POST"])
@access("privacy.retention")
def retention(request: HttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retention_schedule.schedule_change(actor=user_of(request), months=form.cleaned_data, request=request)
        messages.success(request, _("Retention schedule saved. The privacy notice now says the same."))
        return redirect("privacy:desk")
    return render(request, "privacy/retention.html", {"form": form})


@require_GET
@access("privacy.person", load=subject_from_url)
def person(request: HttpRequest, subject: Subject) -> HttpResponse:
    return render(
        request,
        "privacy/person.html",
        {
            "subject": subject,
            "subject_id": _subject_id(subject),
            "holds": services.holds_on(subject),
            "hold_form": HoldForm(),
            "refusal": erasure.erasure_refusal(actor=user_of(request), subject=subject),
        },
    )


@require_POST
@access("privacy.person", load=subject_from_url)
def person_export(request: HttpRequest, subject: Subject) -> HttpResponse:
    services.export_request(actor=user_of(request), subject=subject, request=request)
    messages.success(request, _("The copy is being prepared. Download it from the privacy desk when it is ready."))
    return redirect("privacy:desk")


@require_POST
@access("privacy.person", load=subject_from_url)
def person_hold(request: HttpRequest, subject: Subject) -> HttpResponse:
    form = HoldForm(request.POST)
    if form.is_valid():
        services.hold_place(
            actor=user_of(request), subject=subject, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, _("Legal hold placed: this person's data cannot be erased while it stands."))
    else:
        messages.error(request, _("Say why the data must be kept."))
    return _to_person(subject)


@require_POST
@access("privacy.person", load=hold_from_url)
def hold_release(request: HttpRequest, hold: LegalHold) -> HttpResponse:
    services.hold_release(actor=user_of(request), hold=hold, request=request)
    messages.success(request, _("Legal hold released."))
    subject = Subject.of_person(hold.person) if hold.person else Subject.of_user(hold.user)  # type: ignore[arg-type]
    return _to_person(subject)


@require_http_methods(["GET", "POST"])
@access("privacy.person", load=subject_from_url)
def person_erase(request: HttpRequest, subject: Subject) -> HttpResponse:
    actor = user_of(request)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.person_erase(actor=actor, subject=subject, request=request)
        except erasure.ErasureRefused as refused:
            messages.error(request, str(refused))
            return _to_person(subject)
        messages.success(
            request, _("Their data is erased. Where their set needs it, they now appear as a former member.")
        )
        return redirect("privacy:desk")
    return render(
        request,
        "privacy/erase.html",
        {
            "subject": subject,
            "subject_id": _subject_id(subject),
            "form": form,
            "refusal": erasure.erasure_refusal(actor=actor, subject=subject),
        },
    )


@require_http_methods(["GET", "POST"])
@access("privacy.person", load=subject_from_url)
def person_leave(request: HttpRequest, subject: Subject) -> HttpResponse:
    actor = user_of(request)
    leaver_ids = [subject.user.pk] if subject.user else []
    staff = User.objects.filter(is_active=True, staff_roles__isnull=False).exclude(pk__in=leaver_ids).distinct()
    if subject.user is None or not subject.user.staff_roles.exists():
        staff = staff.none()
    people = Person.objects.filter(organisation__in=[p.organisation_id for p in subject.people]).exclude(
        pk__in=subject.person_ids
    )
    open_work = {kind: count for kind, count in services.open_work(subject).items() if count}
    form = HandoverForm(
        request.POST if request.method == "POST" else None,
        staff=staff.order_by("name"),
        people=people.order_by("name"),
        has_open_work=bool(open_work),
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.leaver_handover(
                actor=actor,
                leaver=subject,
                successor=form.cleaned_data.get("successor"),
                successor_person=form.cleaned_data.get("successor_person"),
                request=request,
            )
        except (services.HandoverRefused, AccessChangeRefused) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("%(count)s pieces of open work handed over; %(name)s is signed out everywhere and deactivated.")
                % {"count": sum(moved.values()), "name": subject.name},
            )
            return _to_person(subject)
    return render(
        request,
        "privacy/leave.html",
        {
            "subject": subject,
            "subject_id": _subject_id(subject),
            "form": form,
            "open_work": [(services.OPEN_WORK[kind], count) for kind, count in open_work.items()],
        },
    )
