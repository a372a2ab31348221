from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from actionset.accounts.services import password_changed
from actionset.accounts.throttling import SignInThrottlingAdapter
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import QueuedMailAdapter


class AccountAdapter(SignInThrottlingAdapter, QueuedMailAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation from provider staff or their organisation's admin.
        return False

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
