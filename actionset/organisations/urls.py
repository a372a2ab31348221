from django.urls import path

from actionset.accounts import sso_views
from actionset.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_new, name="new"),
    path("<uuid:organisation>/", views.organisation_detail, name="detail"),
    path("<uuid:organisation>/edit/", views.organisation_edit, name="edit"),
    path("<uuid:organisation>/two-factor/", views.organisation_two_factor, name="two_factor"),
    path("<uuid:organisation>/sso/", sso_views.organisation_sso, name="sso"),
    path("<uuid:organisation>/sso/check/", sso_views.organisation_sso_check, name="sso_check"),
    path("<uuid:organisation>/people/", views.people, name="people"),
    path("<uuid:organisation>/people/new/", views.person_new, name="person_new"),
    path("<uuid:organisation>/people/search/", views.people_search, name="people_search"),
    path("<uuid:organisation>/people/chart/", views.people_chart, name="people_chart"),
    path("<uuid:organisation>/people/attributes/", views.people_attributes, name="people_attributes"),
    path("<uuid:organisation>/people/import/", views.people_import, name="people_import"),
    path("<uuid:organisation>/people/export.<str:fmt>", views.people_export, name="people_export"),
    path("<uuid:organisation>/people/<uuid:person>/", views.person_edit, name="person"),
    path("<uuid:organisation>/people/<uuid:person>/roles/", views.person_roles, name="person_roles"),
    path("<uuid:organisation>/people/<uuid:person>/invite/", views.person_invite, name="person_invite"),
    path("<uuid:organisation>/people/<uuid:person>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<uuid:organisation>/people/<uuid:person>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("<uuid:organisation>/people/<uuid:person>/recovery/", views.person_recovery, name="person_recovery"),
]
