from django.urls import path

from actionset.training import views

app_name = "training"

# Included under /training/.
urlpatterns = [
    # The public catalogue (linked from the public site).
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course, name="course"),
    # A booking's own page, by the signed link in the booker's email.
    path("booking/<str:token>/", views.booking_manage, name="booking_manage"),
    path("booking/<str:token>/sessions.ics", views.booking_manage_ics, name="booking_manage_ics"),
    # A signed-in person's bookings.
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<uuid:booking>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:booking>/accept/", views.booking_accept, name="booking_accept"),
    path("bookings/<uuid:booking>/sessions.ics", views.booking_ics, name="booking_ics"),
    # Keeping the catalogue.
    path("manage/", views.manage, name="manage"),
    path("manage/courses/new/", views.course_new, name="course_new"),
    path("manage/courses/<uuid:course>/", views.course_edit, name="course_edit"),
    path("manage/courses/<uuid:course>/cohorts/new/", views.cohort_new, name="cohort_new"),
    # A cohort: the trainer's page and the candidates'.
    path("cohorts/<uuid:cohort>/", views.cohort, name="cohort"),
    path("cohorts/<uuid:cohort>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<uuid:cohort>/sessions/new/", views.session_new, name="session_new"),
    path("cohorts/<uuid:cohort>/enrol/", views.enrol, name="enrol"),
    path("cohorts/<uuid:cohort>/materials/new/", views.material_new, name="material_new"),
    path("sessions/<uuid:session>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session>/attendance/", views.attendance, name="attendance"),
    path("materials/<uuid:material>/", views.material, name="material"),
    path("materials/<uuid:material>/remove/", views.material_remove, name="material_remove"),
]
