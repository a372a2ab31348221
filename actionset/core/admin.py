"""The Django admin: for provider administrators only, and never for confidential content.

Only the models listed here are registered. Set content, journals and anything of the
'personal' or 'set' confidentiality tiers must never be added: a provider administrator
does not get to read them by being an administrator. A test pins this list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from actionset.core.access import ADMINISTRATOR, actor_for


def is_provider_administrator(request: HttpRequest) -> bool:
    return actor_for(request).has_staff_role(ADMINISTRATOR)


class ProviderAdminSite(admin.AdminSite):
    site_header = "actionset administration"
    site_title = "actionset administration"
    index_title = "Records"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and is_provider_administrator(request))


admin_site = ProviderAdminSite(name="admin")


class ProviderModelAdmin(admin.ModelAdmin):
    """Permissions come from the provider administrator role, not Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_provider_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_provider_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)


class ReadOnlyAdmin(ProviderModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from actionset.core.models import AuditEvent  # noqa: E402


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_email", "action", "target_type", "target_label", "organisation"]
    list_filter = ["action"]
    search_fields = ["actor_email", "target_label", "action"]
    date_hierarchy = "created_at"
