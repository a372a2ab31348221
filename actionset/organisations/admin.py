from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from actionset.accounts.http import user_of
from actionset.core.admin import ProviderModelAdmin, ReadOnlyInline, admin_site, is_provider_administrator
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider
from actionset.organisations.services import provider_update


@admin.register(Provider, site=admin_site)
class ProviderAdmin(ProviderModelAdmin):
    """The one thing edited here: the provider's name and contact address, which have no page in the app."""

    list_display = ["name", "contact_email"]
    fields = ["name", "contact_email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        # The single row is made on first use anywhere; the list should never be empty with nothing to add.
        Provider.current()
        return super().get_queryset(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_provider_administrator(request)

    def save_model(self, request: HttpRequest, obj: Provider, form: ModelForm[Provider], change: bool) -> None:
        # Through the service, so the change lands in the app's audit log and not only the admin's history.
        saved = provider_update(
            actor=user_of(request),
            data={name: form.cleaned_data[name] for name in form.changed_data},
            request=request,
        )
        obj.pk = saved.pk


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(ProviderModelAdmin):
    """Read-only: organisations are added and edited in the app."""

    list_display = ["name", "sector", "created_at"]
    search_fields = ["name"]
    fields = ["name", "sector", "notes", "created_at"]


class OrganisationRoleInline(ReadOnlyInline):
    model = OrganisationRole


@admin.register(Person, site=admin_site)
class PersonAdmin(ProviderModelAdmin):
    """Read-only: the directory, its logins and roles change in the app, where each change is checked and audited."""

    list_display = ["name", "email", "organisation", "department", "level", "site"]
    list_filter = ["organisation"]
    search_fields = ["name", "email"]
    fields = ["name", "email", "organisation", "department", "level", "site", "line_manager", "user"]
    inlines = [OrganisationRoleInline]
