from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import Request, user_of
from actionset.accounts.models import Invitation, SingleSignOn
from actionset.accounts.services import invitation_send
from actionset.accounts.two_factor import with_two_factor
from actionset.accounts.views import recovery_page
from actionset.core import spreadsheets
from actionset.core.access import access, actor_for, can, visible
from actionset.organisations import people_io
from actionset.organisations.figures import organisation_stats, with_directory_counts
from actionset.organisations.forms import (
    AttributeNamesForm,
    OrganisationForm,
    OrganisationRolesForm,
    OrganisationTwoFactorForm,
    PeopleImportForm,
    PersonForm,
)
from actionset.organisations.leavers import open_work_of
from actionset.organisations.models import Organisation, Person
from actionset.organisations.services import (
    AccessChangeRefused,
    AttributesRefused,
    ImportResult,
    account_change_refusal,
    account_deactivate,
    account_reactivate,
    organisation_attributes_set,
    organisation_create,
    organisation_two_factor_set,
    organisation_update,
    person_roles_set,
    person_save,
)
from actionset.organisations.services import people_export as export_people
from actionset.organisations.services import people_import as import_people


def organisation_from_url(*, organisation: UUID) -> Organisation:
    return get_object_or_404(Organisation, public_id=organisation)


def person_from_url(*, organisation: UUID, person: UUID) -> Person:
    return get_object_or_404(
        Person.objects.select_related("organisation", "line_manager"),
        public_id=person,
        organisation__public_id=organisation,
    )


@dataclass(frozen=True)
class DirectoryExport:
    """What an export URL names. Access rules judge it by its `organisation`, like any other target."""

    organisation: Organisation
    fmt: str


def directory_export_from_url(*, organisation: UUID, fmt: str) -> DirectoryExport:
    if fmt not in spreadsheets.EXPORT_FORMATS:
        raise Http404
    return DirectoryExport(organisation=organisation_from_url(organisation=organisation), fmt=fmt)


@access("organisations.list")
def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    # A page at a time, each organisation with its directory's count as kept between changes (organisations/figures.py).
    organisations = visible(actor, "organisation.view", Organisation.objects.order_by("name", "pk"))
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    shown = with_directory_counts(list(page.object_list))
    return render(
        request,
        "organisations/list.html",
        {"page": page, "organisations": shown, "can_create": can(actor, "organisations.create")},
    )


@access("organisations.create")
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(
            actor=user_of(request),
            name=form.cleaned_data["name"],
            sector=form.cleaned_data["sector"],
            request=request,
        )
        messages.success(request, f"{organisation.name} added.")
        return redirect("organisations:detail", organisation=organisation.public_id)
    return render(request, "organisations/form.html", {"form": form, "title": "Add a client organisation"})


@access("organisation.view", load=organisation_from_url)
def organisation_detail(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    actor = actor_for(request)
    people = organisation.people.all()
    stats = organisation_stats(organisation)  # kept until the directory changes (organisations/figures.py)
    sponsors = with_two_factor(people.filter(roles__role="sponsor"), "user").select_related("user").order_by("name")
    programmes = organisation.programmes.for_listing().order_by("-created_at")
    admins = with_two_factor(people.filter(roles__role="admin"), "user").select_related("user").order_by("name")
    can_keep_sign_in = can(actor, "organisation.two_factor", organisation)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "stats": stats,
            "sponsors": sponsors,
            "admins": admins,
            "programmes": programmes,
            "can_create_programme": can(actor, "programme.create", organisation),
            "can_edit": can(actor, "organisation.edit", organisation),
            "can_view_people": can(actor, "people.view", organisation),
            "can_manage_people": can(actor, "people.manage", organisation),
            "can_keep_sign_in": can_keep_sign_in,
            "two_factor_form": OrganisationTwoFactorForm(instance=organisation) if can_keep_sign_in else None,
            # Its admins see how their people sign in; only the provider's administrators change it.
            "sso": SingleSignOn.objects.filter(organisation=organisation).first() if can_keep_sign_in else None,
            "sso_url": (
                reverse("organisations:sso", kwargs={"organisation": organisation.public_id})
                if can(actor, "organisation.sso", organisation)
                else None
            ),
        },
    )


@access("organisation.edit", load=organisation_from_url)
def organisation_edit(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        # The form must not save itself: the service audits the change.
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        organisation.refresh_from_db()
        organisation_update(actor=user_of(request), organisation=organisation, data=data, request=request)
        messages.success(request, "Organisation details saved.")
        return redirect("organisations:detail", organisation=organisation.public_id)
    return render(
        request,
        "organisations/form.html",
        {"form": form, "title": f"Edit {organisation.name}", "organisation": organisation},
    )


@require_POST
@access("organisation.two_factor", load=organisation_from_url)
def organisation_two_factor(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = OrganisationTwoFactorForm(request.POST, instance=organisation)
    if form.is_valid():
        required = form.cleaned_data["require_two_factor_for_admins_and_sponsors"]
        organisation.refresh_from_db()  # the form wrote to the instance; the service compares and audits
        organisation_two_factor_set(
            actor=user_of(request), organisation=organisation, required=required, request=request
        )
        if required:
            messages.success(request, _("Two-factor authentication is now required of admins and sponsors."))
        else:
            messages.success(request, _("Two-factor authentication is no longer required of admins and sponsors."))
    return redirect("organisations:detail", organisation=organisation.public_id)


def person_with_login_from_url(*, organisation: UUID, person: UUID) -> Person:
    """A directory entry that has a login: there is nothing to deactivate for one that has none."""
    found = person_from_url(organisation=organisation, person=person)
    if found.user_id is None:
        raise Http404
    return found


def _back_to_person(person: Person) -> HttpResponse:
    return redirect("organisations:person", organisation=person.organisation.public_id, person=person.public_id)


@access("people.deactivate", load=person_with_login_from_url)
def person_deactivate(request: HttpRequest, person: Person) -> HttpResponse:
    """GET asks for confirmation; POST deactivates the person's login."""
    actor = user_of(request)
    account = person.user
    assert account is not None
    if request.method == "POST":
        try:
            account_deactivate(actor=actor, user=account, organisation=person.organisation, request=request)
        except AccessChangeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("%(name)s is deactivated and signed out everywhere.") % {"name": person.name})
        return _back_to_person(person)
    return render(
        request,
        "organisations/deactivate.html",
        {
            "account": account,
            "person": person,
            "organisation": person.organisation,
            "refusal": account_change_refusal(actor=actor, user=account, organisation=person.organisation),
            "open_work": open_work_of(actor=actor, user=account),
            "back_url": reverse(
                "organisations:person",
                kwargs={"organisation": person.organisation.public_id, "person": person.public_id},
            ),
            "back_label": person.name,
        },
    )


@require_POST
@access("people.deactivate", load=person_with_login_from_url)
def person_reactivate(request: HttpRequest, person: Person) -> HttpResponse:
    account = person.user
    assert account is not None
    try:
        account_reactivate(actor=user_of(request), user=account, organisation=person.organisation, request=request)
    except AccessChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": person.name})
    return _back_to_person(person)


@access("people.view", load=organisation_from_url)
def people(request: Request, organisation: Organisation) -> HttpResponse:
    actor = actor_for(request)
    query = request.GET.get("q", "").strip()
    people = visible(actor, "people.view", Person.objects.filter(organisation=organisation)).in_directory_order()
    if query:
        people = people.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(department__icontains=query)
            | Q(site__icontains=query)
        )
    can_keep_sign_in = can(actor, "organisation.two_factor", organisation)
    listed: QuerySet[Person] = with_two_factor(people, "user") if can_keep_sign_in else people
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "query": query,
        "can_manage": can(actor, "people.manage", organisation),
        "can_keep_sign_in": can_keep_sign_in,
    }
    if request.htmx:
        return render(request, "organisations/people.html#directory", context)
    return render(request, "organisations/people.html", context)


@access("people.manage", load=organisation_from_url)
def people_import(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = PeopleImportForm(request.POST, request.FILES) if request.method == "POST" else PeopleImportForm()
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        result = import_people(
            actor=user_of(request),
            organisation=organisation,
            upload=form.cleaned_data["file"],
            request=request,
        )
        if result.ok:
            messages.success(request, _import_summary(result))
            return redirect("organisations:people", organisation=organisation.public_id)
    return render(
        request,
        "organisations/people_import.html",
        {"organisation": organisation, "form": form, "result": result, "headings": people_io.HEADINGS},
    )


def _import_summary(result: ImportResult) -> str:
    summary = (
        f"Import complete: {result.created} {pluralize(result.created, 'person,people')} added, "
        f"{result.updated} updated, {result.unchanged} unchanged."
    )
    if result.ignored_headings:
        summary += " These columns were not recognised and were ignored: " + ", ".join(result.ignored_headings) + "."
    return summary


@access("people.view", load=directory_export_from_url)
def people_export(request: HttpRequest, export: DirectoryExport) -> HttpResponse:
    organisation = export.organisation
    content = export_people(
        actor=user_of(request),
        organisation=organisation,
        fmt=export.fmt,
        request=request,
    )
    filename = f"{slugify(organisation.name) or 'organisation'}-people-{timezone.localdate():%Y-%m-%d}.{export.fmt}"
    response = HttpResponse(content, content_type=spreadsheets.EXPORT_FORMATS[export.fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A list of people's names and emails: no shared cache should keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


@access("people.manage", load=organisation_from_url)
def person_new(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = PersonForm(request.POST or None, organisation=organisation, search_url=_search_url(organisation))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in PersonForm.Meta.fields}
        data["attributes"] = form.attribute_values()
        person = person_save(actor=user_of(request), organisation=organisation, data=data, request=request)
        messages.success(request, f"{person.name} added to the directory.")
        return redirect("organisations:people", organisation=organisation.public_id)
    return render(
        request, "organisations/person_form.html", {"form": form, "organisation": organisation, "title": "Add a person"}
    )


@access("people.manage", load=person_from_url)
def person_edit(request: HttpRequest, person: Person) -> HttpResponse:
    organisation = person.organisation
    actor = actor_for(request)
    form = PersonForm(
        request.POST or None, instance=person, organisation=organisation, search_url=_search_url(organisation)
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in PersonForm.Meta.fields}
        data["attributes"] = form.attribute_values()
        person.refresh_from_db()
        person_save(actor=user_of(request), organisation=organisation, person=person, data=data, request=request)
        messages.success(request, f"{person.name}'s details saved.")
        return redirect("organisations:people", organisation=organisation.public_id)
    roles_form = OrganisationRolesForm(initial={"roles": list(person.roles.values_list("role", flat=True))})
    invitations = Invitation.objects.filter(person=person).select_related("person").order_by("-created_at")[:3]
    return render(
        request,
        "organisations/person_form.html",
        {
            "form": form,
            "organisation": organisation,
            "person": person,
            "title": person.name,
            "roles_form": roles_form,
            "can_change_roles": can(actor, "people.roles", person),
            "can_help_sign_in": can(actor, "people.recovery", person),
            "invitations": invitations,
            "reporting_line": reporting_line(person),
            "reports": person.reports.order_by(Lower("name"), "pk")[:REPORTS_SHOWN],
            "report_count": person.reports.count(),
            "can_view_people": can(actor, "people.view", organisation),
        },
    )


#: Direct reports listed on a person's page; the org chart lists them all, a page at a time.
REPORTS_SHOWN = 10


def reporting_line(person: Person, levels: int = 12) -> list[Person]:
    """`person`'s manager, their manager, and so on up, nearest first (at most `levels`, and never round a loop)."""
    line: list[Person] = []
    seen = {person.pk}
    current = person.line_manager if person.line_manager_id else None
    while current is not None and current.pk not in seen and len(line) < levels:
        line.append(current)
        seen.add(current.pk)
        current = Person.objects.select_related("line_manager").get(pk=current.pk).line_manager
    return line


def _search_url(organisation: Organisation) -> str:
    return reverse("organisations:people_search", kwargs={"organisation": organisation.public_id})


#: Suggestions offered as a manager's address is typed: enough to find anyone by a few letters of their name.
SUGGESTIONS = 20


@access("people.view", load=organisation_from_url)
def people_search(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """The `<option>`s the line-manager box offers: people whose name or address contains what was typed."""
    typed = (request.GET.get("line_manager") or request.GET.get("q") or "").strip()
    found = Person.objects.none()
    if len(typed) >= 2:
        people = visible(actor_for(request), "people.view", Person.objects.filter(organisation=organisation))
        found = people.filter(Q(name__icontains=typed) | Q(email__icontains=typed)).in_directory_order()[:SUGGESTIONS]
    response = render(request, "organisations/_people_options.html", {"people": found})
    patch_cache_control(response, private=True, no_store=True)
    return response


@access("people.view", load=organisation_from_url)
def people_chart(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """The organisation as its reporting lines: one person, the line above them, and their direct reports.

    A page at a time, each report with the number of their own, so that a 10,000-person organisation is walked
    down level by level rather than drawn at once. Without `under`, the people who report to no one are the top.
    """
    actor = actor_for(request)
    people = visible(actor, "people.view", Person.objects.filter(organisation=organisation))
    under = None
    if request.GET.get("under"):
        try:
            under = people.select_related("line_manager").get(public_id=UUID(request.GET["under"]))
        except (ValueError, Person.DoesNotExist) as exc:
            raise Http404 from exc
    level = people.filter(line_manager=under) if under else people.filter(line_manager__isnull=True)
    counts = Person.objects.filter(line_manager=OuterRef("pk")).order_by().values("line_manager")
    level = level.annotate(
        report_count=Coalesce(Subquery(counts.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)
    ).order_by(Lower("name"), "pk")
    page = Paginator(level, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/chart.html",
        {
            "organisation": organisation,
            "under": under,
            "line": list(reversed(reporting_line(under))) if under else [],
            "page": page,
            # Kept by the pagination links (includes/pagination.html).
            "page_query": urlencode({"under": str(under.public_id)}) if under else "",
            "can_manage": can(actor, "people.manage", organisation),
        },
    )


@require_POST
@access("people.roles", load=person_from_url)
def person_roles(request: HttpRequest, person: Person) -> HttpResponse:
    form = OrganisationRolesForm(request.POST)
    if form.is_valid():
        person_roles_set(actor=user_of(request), person=person, roles=form.cleaned_data["roles"], request=request)
        messages.success(request, f"{person.name}'s roles saved.")
    else:
        messages.error(request, "Those roles could not be saved.")
    return redirect("organisations:person", organisation=person.organisation.public_id, person=person.public_id)


@require_POST
@access("people.manage", load=person_from_url)
def person_invite(request: HttpRequest, person: Person) -> HttpResponse:
    invitation = invitation_send(
        invited_by=user_of(request),
        email=person.email,
        organisation=person.organisation,
        person=person,
        request=request,
    )
    if invitation is None:
        # Their login is theirs: the reminder went to the address they sign in with, which is not shown here.
        messages.success(
            request, _("%(name)s can already sign in, so we emailed them a reminder.") % {"name": person.name}
        )
    else:
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works once and expires in %(days)s days.")
            % {"email": person.email, "days": settings.INVITATION_VALID_DAYS},
        )
    return redirect("organisations:person", organisation=person.organisation.public_id, person=person.public_id)


@access("people.recovery", load=person_from_url)
def person_recovery(request: HttpRequest, person: Person) -> HttpResponse:
    """Start help for someone in the directory who is locked out of their login; only they can finish it."""
    back = reverse(
        "organisations:person", kwargs={"organisation": person.organisation.public_id, "person": person.public_id}
    )
    context = {"person": person, "organisation": person.organisation}
    if person.user is None:
        return render(request, "accounts/recovery_start.html", {"login": None, "back": back, **context})
    return recovery_page(request, user=person.user, organisation=person.organisation, back=back, context=context)


@access("people.manage", load=organisation_from_url)
def people_attributes(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """What else the organisation records about its people (organisation_attributes_set)."""
    form = AttributeNamesForm(request.POST or None, initial={"names": "\n".join(organisation.attribute_names)})
    if request.method == "POST" and form.is_valid():
        try:
            organisation_attributes_set(
                actor=user_of(request),
                organisation=organisation,
                names=form.cleaned_data["names"].splitlines(),
                request=request,
            )
        except AttributesRefused as refused:
            form.add_error("names", str(refused))
        else:
            messages.success(request, _("Attributes saved."))
            return redirect("organisations:people", organisation=organisation.public_id)
    return render(request, "organisations/attributes.html", {"organisation": organisation, "form": form})
