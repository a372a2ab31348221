from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.accounts.models import Invitation, User
from actionset.accounts.services import invitation_send
from actionset.accounts.two_factor import has_two_factor, two_factor_policies, with_two_factor
from actionset.core.access import ADMINISTRATOR, DESIGNER, ORG_ADMIN, Actor, access, actor_for, can, visible
from actionset.core.audit import AuditAction
from actionset.core.extensions import extension_home_panels
from actionset.core.models import AuditEvent
from actionset.organisations.forms import ProviderTwoFactorForm, StaffInviteForm, StaffRolesForm
from actionset.organisations.models import Organisation, Person, Provider, StaffRole
from actionset.organisations.services import (
    AccessChangeRefused,
    account_change_refusal,
    account_deactivate,
    account_reactivate,
    provider_two_factor_set,
    staff_roles_set,
)


@access("public")
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    if not actor.is_authenticated:
        # Visitors see the provider's public home page; the site app owns it.
        from actionset.site.views import home_page

        return home_page(request)
    context: dict[str, Any] = {"staff_roles": actor.staff_roles}
    if actor.is_provider_staff:
        context["organisations"] = visible(actor, "organisation.view", Organisation.objects.order_by("name")).annotate(
            people_count=Count("people"), with_login=Count("people", filter=Q(people__user__isnull=False))
        )
    if can(actor, "provider.staff"):
        context["admin_stats"] = {
            "organisations": visible(actor, "organisation.view", Organisation.objects.all()).count(),
            "people": visible(actor, "people.view", Person.objects.all()).count(),
            "staff": User.objects.filter(staff_roles__isnull=False).distinct().count(),
            "pending_invitations": Invitation.objects.pending().count(),
        }
    if can(actor, "provider.audit"):
        context["recent_events"] = AuditEvent.objects.recent()[:6]
    memberships = (
        Person.objects.filter(user=actor.user)
        .select_related("organisation")
        .prefetch_related("roles")
        .order_by("organisation__name")
    )
    context["memberships"] = [
        {
            "person": m,
            "organisation": m.organisation,
            "roles": {r.role for r in m.roles.all()},
        }
        for m in memberships
    ]
    context.update(_programme_cards(actor))
    context["extension_panels"] = extension_home_panels(actor)
    admin_orgs = [m["organisation"] for m in context["memberships"] if ORG_ADMIN in m["roles"]]
    directory = visible(actor, "people.view", Person.objects.filter(organisation__in=admin_orgs))
    context["directory_stats"] = {
        row.pop("organisation"): row
        for row in directory.order_by()
        .values("organisation")
        .annotate(
            total=Count("id"),
            with_login=Count("id", filter=Q(user__isnull=False)),
            without_manager=Count("id", filter=Q(line_manager__isnull=True)),
        )
    }
    return render(request, "core/home.html", context)


def _programme_cards(actor: Actor) -> dict[str, Any]:
    """The programmes and sets each role sees on their home page."""
    from actionset.meetings.models import Meeting
    from actionset.programmes.models import Programme
    from actionset.sets.models import LearningSet

    cards: dict[str, Any] = {}
    open_programmes = Programme.objects.for_listing().exclude(status=Programme.Status.CLOSED)
    if actor.has_staff_role(DESIGNER):
        designing = visible(actor, "programme.design", open_programmes.filter(designer=actor.user))
        cards["designing"] = designing.order_by("-updated_at")[:8]
    sponsoring = visible(actor, "programme.view", open_programmes.filter(sponsors__user=actor.user))
    cards["sponsoring"] = list(sponsoring.order_by("title"))
    admin_orgs = [org for org, roles in actor.organisation_roles.items() if ORG_ADMIN in roles]
    if admin_orgs:
        at_my_organisations = open_programmes.filter(organisation__in=admin_orgs)
        cards["org_programmes"] = list(visible(actor, "programme.view", at_my_organisations).order_by("title"))
    joining = Programme.objects.filter(published_at__isnull=True).exclude(status=Programme.Status.CLOSED)
    cards["joining"] = list(visible(actor, "programme.own_enrolment", joining.select_related("organisation")))
    upcoming = Prefetch("meetings", queryset=Meeting.objects.upcoming(), to_attr="upcoming")
    cards["my_sets"] = list(
        visible(actor, "set.view", LearningSet.objects.for_member(actor.user))
        .select_related("programme")
        .prefetch_related("facilitators__user", upcoming)
    )
    cards["facilitating"] = list(
        visible(actor, "set.view", LearningSet.objects.for_facilitator(actor.user))
        .select_related("programme__organisation")
        .prefetch_related(upcoming)
        .annotate(member_count=Count("memberships"))
    )
    cards["next_meetings"] = Meeting.objects.next_for(actor.user) if cards["my_sets"] or cards["facilitating"] else []
    return cards


@access("provider.staff")
def staff(request: HttpRequest) -> HttpResponse:
    people: list[Any] = list(  # users annotated with has_two_factor
        with_two_factor(User.objects.filter(staff_roles__isnull=False).distinct())
        .prefetch_related(Prefetch("staff_roles", queryset=StaffRole.objects.order_by("role")))
        .order_by("name", "email")
    )
    pending = (
        Invitation.objects.pending().filter(organisation__isnull=True).exclude(staff_roles=[]).order_by("-created_at")
    )
    active = [m for m in people if m.is_active]
    return render(
        request,
        "core/staff.html",
        {
            "people": people,
            "pending": pending,
            "role_choices": StaffRole.Role.choices,
            "two_factor_form": ProviderTwoFactorForm(instance=Provider.current()),
            "active_count": len(active),
            "two_factor_count": sum(1 for m in active if m.has_two_factor),
        },
    )


@require_POST
@access("provider.staff")
def staff_two_factor(request: HttpRequest) -> HttpResponse:
    form = ProviderTwoFactorForm(request.POST, instance=Provider.current())
    if form.is_valid():
        required = form.cleaned_data["require_two_factor_for_staff"]
        provider_two_factor_set(actor=user_of(request), required=required, request=request)
        if required:
            messages.success(request, _("Two-factor authentication is now required of every member of staff."))
        else:
            messages.success(request, _("Two-factor authentication is no longer required of staff."))
    return redirect("core:staff")


@access("provider.staff")
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_send(
            invited_by=user_of(request),
            email=form.cleaned_data["email"],
            staff_roles=form.cleaned_data["roles"],
            request=request,
        )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("core:staff")
    return render(request, "core/staff_invite.html", {"form": form})


def staff_member_from_url(*, user: UUID) -> User:
    return get_object_or_404(User.objects.filter(staff_roles__isnull=False).distinct(), public_id=user)


@require_POST
@access("provider.staff", load=staff_member_from_url)
def staff_roles(request: HttpRequest, member: User) -> HttpResponse:
    form = StaffRolesForm(request.POST)
    if form.is_valid():
        roles = form.cleaned_data["roles"]
        if member == request.user and ADMINISTRATOR not in roles:
            # Nobody may lock the provider out of its own administration by accident.
            messages.error(request, "You cannot remove your own administrator role.")
        else:
            staff_roles_set(actor=user_of(request), user=member, roles=roles, request=request)
            messages.success(request, f"Roles for {member} saved.")
    return redirect("core:staff")


@access("provider.staff", load=staff_member_from_url)
def staff_deactivate(request: HttpRequest, member: User) -> HttpResponse:
    """GET asks for confirmation; POST deactivates."""
    actor = user_of(request)
    if request.method == "POST":
        try:
            account_deactivate(actor=actor, user=member, request=request)
        except AccessChangeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("%(name)s is deactivated and signed out everywhere.") % {"name": member})
        return redirect("core:staff")
    return render(
        request,
        "organisations/deactivate.html",
        {
            "account": member,
            "refusal": account_change_refusal(actor=actor, user=member),
            "back_url": reverse("core:staff"),
            "back_label": _("Provider staff"),
        },
    )


@require_POST
@access("provider.staff", load=staff_member_from_url)
def staff_reactivate(request: HttpRequest, member: User) -> HttpResponse:
    try:
        account_reactivate(actor=user_of(request), user=member, request=request)
    except AccessChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": member})
    return redirect("core:staff")


@access("signed_in")
def two_factor_required(request: HttpRequest) -> HttpResponse:
    """Where the two-factor policy middleware holds a person until they have set it up."""
    actor = actor_for(request)
    return render(
        request,
        "core/two_factor_required.html",
        {"policies": two_factor_policies(actor), "has_two_factor": has_two_factor(actor.user)},
    )


@access("provider.audit")
def audit(request: HttpRequest) -> HttpResponse:
    """The log, filtered by one kind of event or by words describing it ("address", "two-factor", "roles")."""
    events = AuditEvent.objects.recent()
    action = request.GET.get("action", "")
    words = request.GET.get("q", "").strip()
    if action:
        events = events.filter(action=action)
    if words:
        events = events.filter(action__in=[a.value for a in AuditAction.matching(words)])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    kinds = sorted(AuditAction, key=lambda a: str(a.label))
    labels = {a.value: a.label for a in AuditAction}
    for event in page.object_list:
        event.kind = labels.get(event.action, event.action)
    return render(request, "core/audit.html", {"page": page, "action": action, "words": words, "kinds": kinds})
