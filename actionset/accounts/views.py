from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actionset.accounts.forms import AcceptInvitationForm, ProfileForm
from actionset.accounts.models import Invitation, User
from actionset.accounts.services import InvitationUnusable, invitation_accept
from actionset.core.access import access, user_of
from actionset.core.audit import audit_record


@access("public")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: the invitee chooses a password and is signed in."""
    found = Invitation.objects.by_token(token)
    if found is None:
        raise Http404
    if not found.is_usable:
        return render(request, "accounts/invitation_unusable.html", {"invitation": found}, status=410)
    form = AcceptInvitationForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=found,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except InvitationUnusable:
            return render(request, "accounts/invitation_unusable.html", {"invitation": found}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(actor=user, action="login", target=user, request=request)
        messages.success(request, "Welcome. Your password is set and you are signed in.")
        return redirect("core:home")
    initial_name = found.person.name if found.person else ""
    if not form.is_bound:
        form.initial["name"] = initial_name
    return render(request, "accounts/invitation.html", {"form": form, "invitation": found})


@access("signed_in")
def email_address(request: HttpRequest) -> HttpResponse:
    """Takes the place of allauth's page for adding and changing addresses.

    A person's sign-in address is the one their organisation's directory holds for them (or, for staff, the one the
    provider invited): people are matched, invited and emailed by it. Changing it here would let the two drift apart,
    so it is changed where it is kept, by the people who keep it.
    """
    user = user_of(request)
    memberships = list(user.people.select_related("organisation").order_by("organisation__name"))
    return render(request, "accounts/email.html", {"memberships": memberships})


@access("signed_in")
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # the rule has already required a signed-in user
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
