from django.urls import path

from actionset.core import health, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("provider/staff/", views.staff, name="staff"),
    path("provider/staff/invite/", views.staff_invite, name="staff_invite"),
    path("provider/staff/<uuid:user>/roles/", views.staff_roles, name="staff_roles"),
    path("provider/staff/two-factor/", views.staff_two_factor, name="staff_two_factor"),
    path("provider/staff/<uuid:user>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("provider/staff/<uuid:user>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("two-factor-required/", views.two_factor_required, name="two_factor_required"),
    path("provider/audit/", views.audit, name="audit"),
]
