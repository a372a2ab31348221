from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.contrib.auth import password_validation
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import TIME_ZONE_CHOICES, SingleSignOn, User
from actionset.accounts.sso import sso_for_email, sso_only_for, sso_password_refused
from actionset.core.email import email_send


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Type it again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Meeting times are shown to you in this time zone."
    )

    class Meta:
        model = User
        fields = ["name", "time_zone"]


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New sign-in address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self) -> str:
        email = str(self.cleaned_data["new_email"]).strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError(_("That is the address you sign in with already."))
        return email


class RecoveryStartForm(forms.Form):
    """What a member of staff may start for someone locked out. Neither choice lets them finish it."""

    TWO_FACTOR = "two_factor"
    EMAIL = "email"

    kind = forms.ChoiceField(
        label=_("What have they lost?"),
        widget=forms.RadioSelect,
        choices=[
            (TWO_FACTOR, _("Their authenticator app and recovery codes")),
            (EMAIL, _("Access to the mailbox they sign in with")),
        ],
    )
    new_email = forms.EmailField(
        label=_("Their new address"),
        required=False,
        help_text=_("Only for a lost mailbox: the link to finish the move goes here."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == self.EMAIL:
            email = str(data.get("new_email") or "").strip().lower()
            if not email:
                self.add_error("new_email", _("Give the address they can read now."))
            elif email == self.user.email.lower():
                self.add_error("new_email", _("That is the address they sign in with already."))
            data["new_email"] = email
        return data


class TwoFactorResetForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SingleSignOnAwareResetPasswordForm(ResetPasswordForm):
    """Password reset, refused where single sign-on is the only way in.

    An address in a domain whose identity provider is "single sign-on only" is told so (the domain is the
    organisation's, not a secret). A login that is single sign-on only for another reason (its directory entry's
    organisation) is told by email, at its own address, to use its identity provider's button: the form answers as
    for any address, so it tells no stranger whose it is.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        sso = sso_for_email(email)
        if sso is not None and sso.only:
            raise forms.ValidationError(
                _(
                    "Addresses at this domain sign in with %(provider)s only, so there is no password to reset. Use "
                    "the “Sign in with %(provider)s” button on the sign-in page."
                )
                % {"provider": sso.name},
                code="sso_only",
            )
        self.sso_only = [(user, sso) for user in self.users if (sso := sso_only_for(user)) is not None]
        return email

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        if not self.sso_only:
            return str(super().save(request, **kwargs))
        for user, sso in self.sso_only:
            sso_password_refused(user=user, sso=sso, by="password_reset", request=request)
            email_send(to=[user.email], template="sso_only_reset", context={"user": user, "sso_name": sso.name})
        return str(self.cleaned_data["email"])


#: A domain name as people write one in an email address (internationalised names in their ASCII form or as typed).
DOMAIN = re.compile(r"^(?=.{1,253}$)([^\s.,@/:]{1,63}\.)+[^\s.,@/:]{2,63}$")


class SingleSignOnForm(forms.Form):
    """An identity provider's settings. The secret is write-only: left empty, the stored one is kept."""

    name = forms.CharField(
        label=_("Name on the sign-in button"),
        max_length=80,
        help_text=_("People see “Sign in with” followed by this, e.g. “Northwind Microsoft account”."),
    )
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=300,
        assume_scheme="https",
        # A text box like the others (the stylesheet styles no url inputs), with the keyboard for addresses.
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "For Entra ID: https://login.microsoftonline.com/TENANT-ID/v2.0. For Google Workspace: "
            "https://accounts.google.com."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200)
    secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    domains = forms.CharField(
        label=_("Email domains"),
        max_length=500,
        help_text=_("The domains whose addresses this provider vouches for, separated by commas."),
    )
    enabled = forms.BooleanField(label=_("Offer this sign-in"), required=False)
    only = forms.BooleanField(
        label=_("Single sign-on only"),
        required=False,
        help_text=_("Password sign-in and password reset are refused to the people it covers."),
    )

    def __init__(self, *args: Any, sso: SingleSignOn | None = None, **kwargs: Any) -> None:
        self.sso = sso
        if sso is not None and sso.pk is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": sso.name,
                    "issuer": sso.issuer,
                    "client_id": sso.client_id,
                    "domains": ", ".join(sso.domain_list),
                    "enabled": sso.enabled,
                    "only": sso.only,
                },
            )
        super().__init__(*args, **kwargs)
        if sso is not None and sso.secret_encrypted:
            self.fields["secret"].help_text = _("Stored: %(hint)s. Leave empty to keep it.") % {"hint": sso.secret_hint}

    def clean_issuer(self) -> str:
        issuer = str(self.cleaned_data["issuer"]).rstrip("/")
        parsed = urlparse(issuer)
        # Plain HTTP only on this machine's own loopback (a test provider); anywhere else the secret would travel
        # in the clear.
        if parsed.scheme != "https" and parsed.hostname not in ("127.0.0.1", "localhost"):
            raise forms.ValidationError(_("The issuer must be an https:// address."))
        return issuer

    def clean_secret(self) -> str:
        secret = str(self.cleaned_data.get("secret") or "")
        if not secret and (self.sso is None or not self.sso.secret_encrypted):
            raise forms.ValidationError(_("Give the client secret the identity provider issued."))
        return secret

    def clean_domains(self) -> list[str]:
        domains = sorted({d.strip().lower().lstrip("@") for d in self.cleaned_data["domains"].split(",") if d.strip()})
        bad = [d for d in domains if not DOMAIN.match(d)]
        if bad:
            raise forms.ValidationError(_("Not a domain: %(bad)s.") % {"bad": ", ".join(bad)})
        if not domains:
            raise forms.ValidationError(_("Give at least one domain."))
        # One identity provider per domain, so that an address offers one button; there is one row per organisation.
        others = SingleSignOn.objects.all()
        if self.sso is not None and self.sso.pk is not None:
            others = others.exclude(pk=self.sso.pk)
        for other in others:
            clash = sorted(set(domains) & set(other.domain_list))
            if clash:
                raise forms.ValidationError(
                    _("%(domain)s is already vouched for by %(other)s; a domain can have one identity provider.")
                    % {"domain": ", ".join(clash), "other": other.name}
                )
        return domains
