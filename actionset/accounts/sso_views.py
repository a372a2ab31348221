"""Single sign-on pages: an identity provider's settings (an organisation's, and the staff's), testing its connection
in the background, and the sign-in page's button, offered by the domain of the address being typed."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.forms import SingleSignOnForm
from actionset.accounts.http import user_of
from actionset.accounts.models import SingleSignOn
from actionset.accounts.sso import SingleSignOnData, sso_check_requested, sso_for_email, sso_save
from actionset.core.access import access
from actionset.organisations.models import Organisation


def organisation_from_url(*, organisation: UUID) -> Organisation:
    return get_object_or_404(Organisation, public_id=organisation)


def _sso_page(request: HttpRequest, *, organisation: Organisation | None) -> HttpResponse:
    sso = (
        SingleSignOn.objects.filter(organisation=organisation).first()
        if organisation is not None
        else SingleSignOn.objects.filter(for_staff=True).first()
    )
    form = SingleSignOnForm(request.POST or None, sso=sso)
    if request.method == "POST" and form.is_valid():
        data = SingleSignOnData(**{k: form.cleaned_data[k] for k in SingleSignOnData.__dataclass_fields__})
        sso = sso_save(actor=user_of(request), organisation=organisation, data=data, request=request)
        messages.success(request, _("Single sign-on saved."))
        if organisation is not None:
            return redirect("organisations:sso", organisation=organisation.public_id)
        return redirect("staff:sso")
    return render(
        request,
        "accounts/sso.html",
        {
            "form": form,
            "sso": sso,
            "organisation": organisation,
            "redirect_uri": request.build_absolute_uri(
                f"/accounts/oidc/{sso.provider_id}/login/callback/" if sso is not None else "/"
            ),
        },
    )


def _check(request: HttpRequest, sso: SingleSignOn | None) -> None:
    if sso is None:
        messages.error(request, _("Save the settings before testing the connection."))
        return
    sso_check_requested(actor=user_of(request), sso=sso, request=request)
    messages.success(
        request, _("Testing the connection in the background: reload this page in a moment to see the result.")
    )


@access("organisation.sso", load=organisation_from_url)
def organisation_sso(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _sso_page(request, organisation=organisation)


@require_POST
@access("organisation.sso", load=organisation_from_url)
def organisation_sso_check(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    _check(request, SingleSignOn.objects.filter(organisation=organisation).first())
    return redirect("organisations:sso", organisation=organisation.public_id)


@access("provider.sso")
def staff_sso(request: HttpRequest) -> HttpResponse:
    return _sso_page(request, organisation=None)


@require_POST
@access("provider.sso")
def staff_sso_check(request: HttpRequest) -> HttpResponse:
    _check(request, SingleSignOn.objects.filter(for_staff=True).first())
    return redirect("staff:sso")


@access("public")
def sso_discover(request: HttpRequest) -> HttpResponse:
    """The "Sign in with …" button for the address typed on the sign-in page: a fragment for htmx, else a page.

    Says only what the address's domain says (which identity provider, if any, vouches for it): never whether the
    address has a login here."""
    email = request.GET.get("login", "").strip()
    sso = sso_for_email(email) if "@" in email else None
    context = {"sso": sso, "email": email, "next": request.GET.get("next", "")}
    if getattr(request, "htmx", False):
        return render(request, "accounts/_sso_button.html", context)
    return render(request, "accounts/sso_discover.html", context)
