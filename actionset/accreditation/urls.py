from django.urls import path

from actionset.accreditation import views

app_name = "accreditation"

# Included at the root: each route carries its own prefix.
urlpatterns = [
    path("portfolio/", views.my_portfolios, name="mine"),
    path("portfolio/start/<slug:award>/", views.portfolio_start_view, name="start"),
    path("portfolio/<uuid:portfolio>/", views.portfolio_detail, name="portfolio"),
    path("portfolio/<uuid:portfolio>/hours/new/", views.hours_new, name="hours_new"),
    path("portfolio/<uuid:portfolio>/hours/<uuid:entry>/delete/", views.entry_delete, name="entry_delete"),
    path("portfolio/<uuid:portfolio>/reflections/new/", views.reflection_new, name="reflection_new"),
    path(
        "portfolio/<uuid:portfolio>/reflections/<uuid:reflection>/",
        views.reflection_edit,
        name="reflection_edit",
    ),
    path("portfolio/<uuid:portfolio>/buddies/", views.buddy_new, name="buddy_new"),
    path("portfolio/<uuid:portfolio>/observations/new/", views.observation_new, name="observation_new"),
    path("portfolio/<uuid:portfolio>/submit/", views.submit, name="submit"),
    path("portfolio/<uuid:portfolio>/decision/", views.decide, name="decide"),
    path("portfolio/<uuid:portfolio>/evidence.csv", views.export_csv, name="export_csv"),
    path("portfolio/<uuid:portfolio>/evidence.pdf", views.export_pdf, name="export_pdf"),
    path("assessments/", views.assessments, name="assessments"),
    # Public: a credential's id is in its address, for anyone to verify.
    path("credentials/issuer/", views.issuer, name="issuer"),
    path("credentials/status/revocation/", views.status_list, name="status_list"),
    path("credentials/<str:credential>/", views.verify, name="verify"),
    path("credentials/<str:credential>/credential.jwt", views.credential_jwt, name="credential_jwt"),
    path("credentials/<str:credential>/credential.json", views.credential_json, name="credential_json"),
    path("credentials/<str:credential>/certificate.pdf", views.certificate, name="certificate"),
    path("credentials/<uuid:credential>/revoke/", views.revoke, name="revoke"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
