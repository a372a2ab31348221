"""The Django admin: for provider administrators only, read-only, and never for confidential content.

Only the models listed here are registered. Set content, journals and anything of the
'personal' or 'set' confidentiality tiers must never be added: a provider administrator
does not get to read them by being an administrator. A test pins this list.

The admin changes nothing about who a person is or what they may do: users, people, roles and invitations are
read here and changed in the app, whose services check and audit every change. Nothing can be added or deleted
(deleting an organisation or a person would cascade into every set's content). Signing in and out happens only
through the app's own pages, so the admin gets the same two-factor step and throttling as everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from actionset.core.access import (
    ADMINISTRATOR,
    LoginRequired,
    Rule,
    actor_for,
    can,
    check,
    register_rules,
    staff,
)

V = TypeVar("V", bound=Callable[..., Any])

#: The admin's gate, in the one table of rules: other provider staff are refused, everyone else is told nothing.
ADMIN_RULE = "provider.admin"
register_rules(
    {
        ADMIN_RULE: Rule(
            "Use the Django admin: read users, people, roles and the audit log; edit the provider's details",
            staff(),
            staff(ADMINISTRATOR),
        )
    }
)


def is_provider_administrator(request: HttpRequest) -> bool:
    return actor_for(request).has_staff_role(ADMINISTRATOR)


def _checked(request: HttpRequest) -> HttpResponse | None:
    """None when `request` may use the admin; a redirect to the app's sign-in for the anonymous.
    Raises Http404 or PermissionDenied, as every other page of the app does, for the signed in."""
    try:
        check(actor_for(request), ADMIN_RULE)
    except LoginRequired:
        return redirect_to_login(request.get_full_path())
    return None


def _governed(view: V) -> V:
    """Mark a view of the site as enforcing the admin's rule, for the access matrix's check of our views."""
    view.access_rule = ADMIN_RULE  # type: ignore[attr-defined]
    return view


class ProviderAdminSite(admin.AdminSite):
    site_header = "actionset administration"
    site_title = "actionset administration"
    index_title = "Records"

    def has_permission(self, request: HttpRequest) -> bool:
        return can(actor_for(request), ADMIN_RULE)

    def admin_view(self, view: V, cacheable: bool = False) -> V:
        # Django's own check would send everyone who may not enter to the admin's sign-in form; ours gives the
        # anonymous the app's sign-in and everyone else the app's 404 or 403.
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return _checked(request) or inner(request, *args, **kwargs)

        return cast(V, gated)

    @_governed
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No password form here: the app's sign-in (with its second factor and rate limits) and then back."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        try:
            check(actor_for(request), ADMIN_RULE)
        except LoginRequired:
            return redirect_to_login(next_url)
        return HttpResponseRedirect(next_url)

    @_governed
    def logout(  # type: ignore[override]  # a redirect, where Django's renders its own page
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The app's sign-out is the one that audits and tidies up after a session. 307 keeps the admin's sign-out
        # form a POST (with its CSRF token), so one press still signs out; a GET lands on the app's confirmation page.
        return HttpResponseRedirect(reverse("account_logout"), status=307 if request.method == "POST" else 302)

    @_governed
    def password_change(  # type: ignore[override]  # a redirect, where Django's renders its own form
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The app's page asks for the current password and tells the person by email; the admin's would not.
        return HttpResponseRedirect(reverse("account_change_password"))

    @_governed
    def password_change_done(  # type: ignore[override]  # as password_change
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_change_password"))


admin_site = ProviderAdminSite(name="admin")
# Deleting would cascade into content nobody here may see, and "delete selected" skips even the confirmation.
admin_site.disable_action("delete_selected")


class ProviderModelAdmin(admin.ModelAdmin):
    """Read-only for provider administrators: changes go through the app's services, which check and audit them.

    Permissions come from the provider administrator role, not Django's per-model permissions.
    """

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_provider_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """A related list shown on a read-only page: roles are read here and changed in the app."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from actionset.core.models import AuditEvent  # noqa: E402


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ProviderModelAdmin):
    list_display = ["created_at", "actor_email", "action", "target_type", "target_label", "organisation"]
    list_filter = ["action"]
    search_fields = ["actor_email", "target_label", "action"]
    date_hierarchy = "created_at"
