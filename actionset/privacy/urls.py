from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("exports/<uuid:export>/", views.download, name="download"),
    path("desk/", views.desk, name="desk"),
    path("retention/", views.retention, name="retention"),
    path("people/<uuid:subject>/", views.person, name="person"),
    path("people/<uuid:subject>/export/", views.person_export, name="person_export"),
    path("people/<uuid:subject>/hold/", views.person_hold, name="person_hold"),
    path("people/<uuid:subject>/erase/", views.person_erase, name="person_erase"),
    path("people/<uuid:subject>/leave/", views.person_leave, name="person_leave"),
    path("holds/<uuid:hold>/release/", views.hold_release, name="hold_release"),
]
