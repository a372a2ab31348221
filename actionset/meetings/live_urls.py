from django.urls import path

from actionset.meetings import live_views

app_name = "live"

# Included at the root: each route carries its own prefix.
urlpatterns = [
    path("meetings/<uuid:meeting>/live/", live_views.live_page, name="live"),
    path("meetings/<uuid:meeting>/live/state/", live_views.live_state, name="state"),
    path("meetings/<uuid:meeting>/live/events/", live_views.live_events, name="events"),
    path("meetings/<uuid:meeting>/live/command/", live_views.live_command, name="command"),
    path("meetings/<uuid:meeting>/live/display/", live_views.live_display, name="display"),
    path("meetings/<uuid:meeting>/live/notes/", live_views.live_notes, name="notes"),
    path("meetings/<uuid:meeting>/live/attendance/", live_views.live_attendance, name="attendance"),
    path("programmes/<uuid:programme>/run-sheet/", live_views.run_sheet_edit, name="run_sheet"),
]
