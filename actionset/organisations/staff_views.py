"""The provider's own staff: who they are, their roles, two-factor authentication, invitations, leavers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.accounts.models import Invitation, SingleSignOn, User
from actionset.accounts.services import invitation_send
from actionset.accounts.two_factor import with_two_factor
from actionset.core.access import ADMINISTRATOR, access, actor_for, can
from actionset.organisations.forms import ProviderTwoFactorForm, StaffInviteForm, StaffRolesForm
from actionset.organisations.leavers import open_work_of
from actionset.organisations.models import Provider, StaffRole
from actionset.organisations.services import (
    AccessChangeRefused,
    account_change_refusal,
    account_deactivate,
    account_reactivate,
    provider_two_factor_set,
    staff_roles_set,
)


@access("provider.staff")
def staff_list(request: HttpRequest) -> HttpResponse:
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
        "organisations/staff.html",
        {
            "people": people,
            "pending": pending,
            "role_choices": StaffRole.Role.choices,
            "two_factor_form": ProviderTwoFactorForm(instance=Provider.current()),
            "active_count": len(active),
            "two_factor_count": sum(1 for m in active if m.has_two_factor),
            "sso": SingleSignOn.objects.filter(for_staff=True).first(),
            "sso_url": reverse("staff:sso") if can(actor_for(request), "provider.sso") else None,
            "for_staff": True,
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
    return redirect("staff:list")


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
        return redirect("staff:list")
    return render(request, "organisations/staff_invite.html", {"form": form})


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
    return redirect("staff:list")


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
        return redirect("staff:list")
    return render(
        request,
        "organisations/deactivate.html",
        {
            "account": member,
            "refusal": account_change_refusal(actor=actor, user=member),
            "open_work": open_work_of(actor=actor, user=member),
            "back_url": reverse("staff:list"),
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
    return redirect("staff:list")
