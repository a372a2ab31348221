from django.contrib import admin

from actionset.core.admin import ProviderModelAdmin, admin_site
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider


@admin.register(Provider, site=admin_site)
class ProviderAdmin(ProviderModelAdmin):
    list_display = ["name", "contact_email"]


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(ProviderModelAdmin):
    list_display = ["name", "sector", "created_at"]
    search_fields = ["name"]


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0


@admin.register(Person, site=admin_site)
class PersonAdmin(ProviderModelAdmin):
    list_display = ["name", "email", "organisation", "department", "level", "site"]
    list_filter = ["organisation"]
    search_fields = ["name", "email"]
    raw_id_fields = ["line_manager", "user"]
    inlines = [OrganisationRoleInline]
