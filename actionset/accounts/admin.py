from django.contrib import admin

from actionset.accounts.models import Invitation, User
from actionset.core.admin import ProviderModelAdmin, ReadOnlyInline, admin_site
from actionset.organisations.models import StaffRole


class StaffRoleInline(ReadOnlyInline):
    model = StaffRole


@admin.register(User, site=admin_site)
class UserAdmin(ProviderModelAdmin):
    """Read-only: a login's email, activity and staff roles change in the app (Staff, and the person's own
    profile), where the change is checked and audited. Passwords are never seen or typed here."""

    list_display = ["email", "name", "is_active", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active"]
    fields = ["email", "name", "time_zone", "is_active", "last_login", "date_joined"]
    inlines = [StaffRoleInline]


@admin.register(Invitation, site=admin_site)
class InvitationAdmin(ProviderModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at"]
    # The token hash is left out on purpose: it is of no use to a reader.
    fields = ["email", "organisation", "person", "staff_roles", "invited_by", "expires_at", "accepted_at", "revoked_at"]
