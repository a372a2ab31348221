from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from actionset.accounts.services import password_changed
from actionset.accounts.sso import sso_only_for, sso_password_refused
from actionset.accounts.throttling import SignInThrottlingAdapter
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import QueuedMailAdapter


class AccountAdapter(SignInThrottlingAdapter, QueuedMailAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation from provider staff or their organisation's admin.
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        # Told only after the right password, so the refusal says nothing about an address to someone who guesses.
        sso = sso_only_for(user) if user is not None else None
        if sso is not None:
            sso_password_refused(user=user, sso=sso, by="sign_in", request=request)
            raise forms.ValidationError(sso_only_message(sso.name), code="sso_only")
        return user

    def set_password(self, user: Any, password: str) -> None:
        # Every password a person chooses through allauth (changing it, or resetting it by email) comes through here.
        super().set_password(user, password)
        password_changed(user=user, request=self.request)

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        audit_record(actor=user, action=AuditAction.LOGIN, target=user, request=request)

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            audit_record(actor=user, action=AuditAction.LOGOUT, target=user, request=request)
        super().logout(request)


def sso_only_message(provider: str) -> str:
    return _(
        "You sign in with %(provider)s only, not with a password. Use the “Sign in with %(provider)s” button "
        "on the sign-in page."
    ) % {"provider": provider}
