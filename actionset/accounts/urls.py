from django.urls import path

from actionset.accounts import views

app_name = "accounts"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("profile/", views.profile, name="profile"),
]
