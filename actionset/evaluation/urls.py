from django.urls import path

from actionset.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/instruments/", views.instrument_list, name="instruments"),
    path("evaluation/instruments/import/", views.instrument_import, name="instrument_import"),
    path("evaluation/instruments/<uuid:instrument>/", views.instrument_detail, name="instrument"),
    path("evaluation/surveys/", views.survey_list, name="surveys"),
    path("evaluation/surveys/<uuid:occasion>/", views.respond, name="respond"),
    path("evaluation/answer/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("evaluation/programmes/<uuid:programme>/", views.dashboard, name="dashboard"),
    path("evaluation/programmes/<uuid:programme>/report.pdf", views.dashboard_pdf, name="report_pdf"),
    path("evaluation/programmes/<uuid:programme>/report.csv", views.dashboard_csv, name="report_csv"),
]
