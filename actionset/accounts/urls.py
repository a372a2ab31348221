from django.urls import path

from actionset.accounts import sso_views, views

app_name = "accounts"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("profile/", views.profile, name="profile"),
    path("sso/", sso_views.sso_discover, name="sso_discover"),
    # Before allauth's own "email/" (included after this file): one's sign-in address is changed our way.
    path("email/", views.email_address, name="email"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("two-factor/reset/<str:token>/", views.two_factor_reset, name="two_factor_reset"),
    path("two-factor-required/", views.two_factor_required, name="two_factor_required"),
    path("staff/<uuid:user>/recovery/", views.recovery_for_staff, name="recovery_for_staff"),
]
