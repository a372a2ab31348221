from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from actionset.accounts.models import Invitation, User
from actionset.accounts.services import invitation_send
from actionset.core.access import ADMINISTRATOR, DESIGNER, ORG_ADMIN, Actor, access, actor_for, can, user_of, visible
from actionset.core.extensions import extension_home_panels
from actionset.core.models import AuditEvent
from actionset.organisations.forms import StaffInviteForm, StaffRolesForm
from actionset.organisations.models import Organisation, Person, StaffRole
from actionset.organisations.services import staff_roles_set


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
    people = (
        User.objects.filter(staff_roles__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("staff_roles", queryset=StaffRole.objects.order_by("role")))
        .order_by("name", "email")
    )
    pending = (
        Invitation.objects.pending().filter(organisation__isnull=True).exclude(staff_roles=[]).order_by("-created_at")
    )
    return render(
        request, "core/staff.html", {"people": people, "pending": pending, "role_choices": StaffRole.Role.choices}
    )


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


@access("provider.audit")
def audit(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.recent()
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "core/audit.html", {"page": page, "action": action, "actions": sorted(set(actions))})
