"""The provider's staff, under /provider/staff/."""

from django.urls import path

from actionset.accounts import sso_views
from actionset.organisations import staff_views as views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("invite/", views.staff_invite, name="invite"),
    path("<uuid:user>/roles/", views.staff_roles, name="roles"),
    path("two-factor/", views.staff_two_factor, name="two_factor"),
    path("sso/", sso_views.staff_sso, name="sso"),
    path("sso/check/", sso_views.staff_sso_check, name="sso_check"),
    path("<uuid:user>/deactivate/", views.staff_deactivate, name="deactivate"),
    path("<uuid:user>/reactivate/", views.staff_reactivate, name="reactivate"),
]
