from django.urls import path

from actionset.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/<uuid:organisation>/", views.programme_new, name="new"),
    path("venues/", views.venues, name="venues"),
    path("venues/<uuid:venue>/", views.venue_edit, name="venue"),
    path("<uuid:programme>/", views.programme_detail, name="detail"),
    path("<uuid:programme>/edit/", views.programme_edit, name="edit"),
    path("<uuid:programme>/status/", views.programme_status, name="status"),
    path("<uuid:programme>/events/", views.programme_events, name="events"),
    path("<uuid:programme>/events/<uuid:event>/", views.event_edit, name="event_edit"),
    path("<uuid:programme>/events/<uuid:event>/delete/", views.event_delete, name="event_delete"),
    path("<uuid:programme>/clone/", views.programme_clone, name="clone"),
    path("<uuid:programme>/evaluation/", views.programme_evaluation, name="evaluation"),
    path("<uuid:programme>/participants/", views.pool, name="pool"),
    path("<uuid:programme>/my-availability/", views.my_enrolment, name="my_enrolment"),
    path("<uuid:programme>/participants/add/", views.pool_add, name="pool_add"),
    path("<uuid:programme>/participants/import/", views.pool_import, name="pool_import"),
    path("<uuid:programme>/participants/<uuid:enrolment>/", views.enrolment_edit, name="enrolment"),
    path("<uuid:programme>/participants/<uuid:enrolment>/withdraw/", views.enrolment_withdraw, name="withdraw"),
]
