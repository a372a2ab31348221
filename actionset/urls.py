from django.urls import include, path

from actionset.core.admin import admin_site

urlpatterns = [
    path("", include("actionset.core.urls")),
    path("accounts/", include("actionset.accounts.urls")),
    # allauth's pages as `allauth.urls` lists them, less its deprecated "social/" redirects, which no page links to.
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    # Single sign-on: /accounts/oidc/<provider id>/login/ and its callback, the address identity providers return to.
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("organisations/", include("actionset.organisations.urls")),
    path("provider/staff/", include("actionset.organisations.staff_urls")),
    path("programmes/", include("actionset.programmes.urls")),
    path("sets/", include("actionset.sets.urls")),
    # The set's work in the room (contract, airtime, actions, reviews) shares the sets' prefix.
    path("sets/", include("actionset.room.urls")),
    # Meetings, schedules and calendar feeds: the app's URLs carry their own prefixes.
    path("", include("actionset.meetings.urls")),
    path("", include("actionset.meetings.live_urls")),
    path("coach/", include("actionset.coach.urls")),
    # Journals, shared learning, evaluation and accreditation choose their own prefixes.
    path("", include("actionset.learning.urls")),
    path("", include("actionset.evaluation.urls")),
    path("training/", include("actionset.training.urls")),
    path("", include("actionset.accreditation.urls")),
    # Not "privacy/": that is the public privacy notice, a page of the provider's site.
    path("data-rights/", include("actionset.privacy.urls")),
    path("admin/", admin_site.urls),
    # Last: the public site's pages may live at the top level, after every app prefix above.
    path("", include("actionset.site.urls")),
]
