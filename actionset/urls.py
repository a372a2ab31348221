from django.urls import include, path

from actionset.core.admin import admin_site

urlpatterns = [
    path("", include("actionset.core.urls")),
    path("accounts/", include("actionset.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("actionset.organisations.urls")),
    path("admin/", admin_site.urls),
]
