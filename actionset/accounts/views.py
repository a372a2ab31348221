from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from allauth.account.decorators import reauthentication_required
from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from actionset.accounts.forms import (
    AcceptInvitationForm,
    EmailChangeForm,
    ProfileForm,
    RecoveryStartForm,
    TwoFactorResetForm,
)
from actionset.accounts.http import user_of
from actionset.accounts.models import EmailChange, Invitation, TwoFactorReset, User
from actionset.accounts.services import (
    AddressInUse,
    InvitationNeedsSignIn,
    InvitationNotForYou,
    InvitationUnusable,
    LinkUnusable,
    PasswordTooRecent,
    RecoveryRefused,
    WrongPassword,
    email_change_confirm,
    email_change_request,
    has_two_factor,
    invitation_accept,
    invitation_accept_as,
    login_for_email,
    recovery_check,
    two_factor_reset_complete,
    two_factor_reset_start,
)
from actionset.accounts.sso import sso_only_for_invitation
from actionset.accounts.two_factor import two_factor_policies
from actionset.core.access import access, actor_for
from actionset.core.audit import AuditAction, audit_record

if TYPE_CHECKING:
    from actionset.organisations.models import Organisation


def _sign_in_url(request: HttpRequest) -> str:
    return reverse("account_login") + "?" + urlencode({"next": request.path})


def _invitation_unusable(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(request, "accounts/invitation_unusable.html", {"invitation": invitation}, status=410)


@access("public")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. A new login chooses a password here; someone who already has a login for the
    address signs in as it and accepts, and nothing about their login changes."""
    found = Invitation.objects.by_token(token)
    if found is None:
        raise Http404
    if not found.is_usable:
        return _invitation_unusable(request, found)
    existing = login_for_email(found.email)
    if existing is not None:
        return _invitation_for_a_login(request, found, existing)
    if request.user.is_authenticated:
        # A new login is set up signed out, so that nobody ends up acting as two people in one browser.
        return render(request, "accounts/invitation_sign_in.html", {"invitation": found, "state": "sign_out"})
    sso = sso_only_for_invitation(found)
    if sso is not None:
        # No password to choose: the first sign-in through the organisation's identity provider makes the login.
        return render(request, "accounts/invitation_sso.html", {"invitation": found, "sso": sso})
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
            found.refresh_from_db()
            return _invitation_unusable(request, found)
        except InvitationNeedsSignIn:
            return redirect(request.path)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(actor=user, action=AuditAction.LOGIN, target=user, request=request)
        messages.success(request, _("Welcome. Your password is set and you are signed in."))
        return redirect("core:home")
    initial_name = found.person.name if found.person else ""
    if not form.is_bound:
        form.initial["name"] = initial_name
    return render(request, "accounts/invitation.html", {"form": form, "invitation": found})


def _invitation_for_a_login(request: HttpRequest, invitation: Invitation, owner: User) -> HttpResponse:
    if not request.user.is_authenticated:
        state = "sign_in"
    elif request.user.pk != owner.pk:
        state = "other_login"
    else:
        state = "accept"
        if request.method == "POST":
            try:
                invitation_accept_as(invitation=invitation, user=user_of(request), request=request)
            except (InvitationUnusable, InvitationNotForYou):
                invitation.refresh_from_db()
                return _invitation_unusable(request, invitation)
            messages.success(request, _("Invitation accepted."))
            return redirect("core:home")
    return render(
        request,
        "accounts/invitation_sign_in.html",
        {"invitation": invitation, "state": state, "sign_in_url": _sign_in_url(request)},
    )


@access("signed_in")
@reauthentication_required(allow_get=True)
# Each request mails a stranger's address: allauth's limit for managing addresses keeps that from becoming a flood.
@rate_limit(action="manage_email")
def email_address(request: HttpRequest) -> HttpResponse:
    """One's own sign-in address, and changing it: a link goes to the new address and the change takes effect when
    it is opened here, signed in. Takes the place of allauth's page for adding and changing addresses."""
    user = user_of(request)
    form = EmailChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        email_change_request(user=user, new_email=new_email, started_by=user, request=request)
        messages.success(
            request,
            _(
                "We have sent a link to %(email)s. Open it while signed in here to finish the change; until then "
                "you sign in as before."
            )
            % {"email": new_email},
        )
        return redirect("accounts:email")
    pending = EmailChange.objects.pending().filter(user=user).order_by("-created_at").first()
    memberships = list(user.people.select_related("organisation").order_by("organisation__name"))
    return render(
        request,
        "accounts/email.html",
        {
            "form": form,
            "pending": pending,
            "memberships": memberships,
            "organisation_names": ", ".join(m.organisation.name for m in memberships),
        },
    )


def _link_unusable(request: HttpRequest, state: str) -> HttpResponse:
    return render(request, "accounts/link_unusable.html", {"state": state}, status=410)


@access("signed_in")
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new sign-in address. It works only for the login it was made for, signed in, and asks for
    the password again before the address changes."""
    change = EmailChange.objects.by_token(token)
    if change is None or change.user_id != request.user.pk:
        raise Http404
    if not change.is_usable:
        return _link_unusable(request, change.state)
    if request.method == "POST":
        return _email_confirm_post(request, change)
    return render(request, "accounts/email_confirm.html", {"change": change})


@reauthentication_required
def _email_confirm_post(request: HttpRequest, change: EmailChange) -> HttpResponse:
    try:
        email_change_confirm(change=change, user=user_of(request), request=request)
    except LinkUnusable as error:
        return _link_unusable(request, str(error))
    except AddressInUse:
        messages.error(request, _("That address has become another login's meanwhile, so nothing was changed."))
        return redirect("accounts:email")
    messages.success(request, _("You now sign in as %(email)s.") % {"email": change.new_email})
    return redirect("accounts:email")


@access("public")
def two_factor_reset(request: HttpRequest, token: str) -> HttpResponse:
    """The link staff can have sent to someone who lost their authenticator: their password clears it."""
    reset = TwoFactorReset.objects.by_token(token)
    if reset is None:
        raise Http404
    if not reset.is_usable:
        return _link_unusable(request, reset.state)
    form = TwoFactorResetForm(request.POST or None)
    too_soon = None
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_reset_complete(reset=reset, password=form.cleaned_data["password"], request=request)
        except WrongPassword:
            form.add_error("password", _("That is not the password of this login."))
        except PasswordTooRecent as error:
            too_soon = error.usable_from
        except LinkUnusable as error:
            return _link_unusable(request, str(error))
        else:
            messages.success(
                request,
                _("Two-factor authentication is off. Sign in with your password, then turn it on again from Security."),
            )
            return redirect("account_login")
    return render(request, "accounts/two_factor_reset.html", {"form": form, "reset": reset, "too_soon": too_soon})


def recovery_page(
    request: HttpRequest, *, user: User, organisation: Organisation | None, back: str, context: dict[str, Any]
) -> HttpResponse:
    """Where staff start help for someone locked out of `user`'s login: from the person's directory page or from the
    provider's staff list. Whatever they start, only the person can finish."""
    actor = user_of(request)
    refused = None
    try:
        recovery_check(actor=actor, user=user, organisation=organisation)
    except RecoveryRefused as error:
        refused = str(error)
    form = RecoveryStartForm(request.POST or None, user=user)
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            if form.cleaned_data["kind"] == RecoveryStartForm.TWO_FACTOR:
                two_factor_reset_start(actor=actor, user=user, organisation=organisation, request=request)
                messages.success(
                    request,
                    _(
                        "A link is on its way to the address %(name)s signs in with. With it and their password they "
                        "can turn two-factor authentication off, and then on again."
                    )
                    % {"name": user},
                )
            else:
                new_email = form.cleaned_data["new_email"]
                email_change_request(
                    user=user, new_email=new_email, started_by=actor, organisation=organisation, request=request
                )
                messages.success(
                    request,
                    _(
                        "A link is on its way to %(email)s. The move happens when %(name)s opens it and signs in with "
                        "their password (and second factor, if they have one); their old address is told."
                    )
                    % {"email": new_email, "name": user},
                )
            return redirect(back)
        except RecoveryRefused as error:
            form.add_error(None, str(error))
    return render(
        request,
        "accounts/recovery_start.html",
        {
            "form": form,
            "login": user,
            "refused": refused,
            "back": back,
            "has_two_factor": has_two_factor(user),
            **context,
        },
    )


def staff_login_from_url(*, user: UUID) -> User:
    return get_object_or_404(User.objects.filter(staff_roles__isnull=False).distinct(), public_id=user)


@access("provider.staff", load=staff_login_from_url)
def recovery_for_staff(request: HttpRequest, member: User) -> HttpResponse:
    return recovery_page(request, user=member, organisation=None, back=reverse("staff:list"), context={})


@access("signed_in")
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # the rule has already required a signed-in user
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@access("signed_in")
def two_factor_required(request: HttpRequest) -> HttpResponse:
    """Where the two-factor policy middleware holds a person until they have set it up."""
    actor = actor_for(request)
    return render(
        request,
        "accounts/two_factor_required.html",
        {"policies": two_factor_policies(actor), "has_two_factor": has_two_factor(user_of(request))},
    )
