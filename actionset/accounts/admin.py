from django.contrib import admin

from actionset.accounts.models import Invitation, User
from actionset.core.admin import ProviderModelAdmin, ReadOnlyAdmin, admin_site
from actionset.organisations.models import StaffRole


class StaffRoleInline(admin.TabularInline[StaffRole, User]):
    model = StaffRole
    extra = 0


@admin.register(User, site=admin_site)
class UserAdmin(ProviderModelAdmin):
    list_display = ["email", "name", "is_active", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active"]
    # Passwords are changed by the person themselves (or by a reset email), never typed by an admin.
    fields = ["email", "name", "time_zone", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [StaffRoleInline]


@admin.register(Invitation, site=admin_site)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at"]
    # The token hash is left out on purpose: it is of no use to a reader.
    fields = ["email", "organisation", "person", "staff_roles", "invited_by", "expires_at", "accepted_at", "revoked_at"]
