from django.urls import path

from actionset.meetings import views

app_name = "meetings"

# Included at the root: each route carries its own prefix.
urlpatterns = [
    path("programmes/<uuid:programme>/schedule/", views.schedule, name="schedule"),
    path("programmes/<uuid:programme>/schedule/new/", views.schedule_new, name="schedule_new"),
    path("meetings/<uuid:meeting>/change/", views.meeting_change, name="meeting_change"),
    path("meetings/<uuid:meeting>/cancel/", views.meeting_cancel_view, name="meeting_cancel"),
    path("meetings/<uuid:meeting>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/", views.calendar, name="calendar"),
    # Here rather than in the sets app: each set's next meeting is the meetings app's to read.
    path("sets/facilitating/", views.facilitating, name="facilitating"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
