from django.urls import path

from actionset.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("provider/staff/", views.staff, name="staff"),
    path("provider/staff/invite/", views.staff_invite, name="staff_invite"),
    path("provider/staff/<uuid:user>/roles/", views.staff_roles, name="staff_roles"),
    path("provider/audit/", views.audit, name="audit"),
]
