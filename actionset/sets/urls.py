from django.urls import path

from actionset.sets import export_views, views

app_name = "sets"

urlpatterns = [
    # The designers' board for one programme's sets.
    path("programme/<uuid:programme>/", views.board, name="board"),
    path("programme/<uuid:programme>/compose/", views.compose, name="compose"),
    path("programme/<uuid:programme>/compose/progress/", views.progress, name="progress"),
    path("programme/<uuid:programme>/compose/cancel/", views.compose_cancel, name="compose_cancel"),
    path("programme/<uuid:programme>/move/", views.move, name="move"),
    path("programme/<uuid:programme>/lock-member/", views.member_lock, name="member_lock"),
    path("programme/<uuid:programme>/publish/", views.publish, name="publish"),
    path("programme/<uuid:programme>/sets.<str:fmt>", export_views.set_lists_export, name="set_lists"),
    # One set.
    path("<uuid:learning_set>/", views.detail, name="detail"),
    path("<uuid:learning_set>/lock/", views.lock, name="lock"),
    path("<uuid:learning_set>/facilitators/", views.facilitators, name="facilitators"),
    path("<uuid:learning_set>/meeting-link/", views.meeting_link, name="meeting_link"),
]
