from django.urls import path

from actionset.coach import views

app_name = "coach"

urlpatterns = [
    path("practice/", views.practice, name="practice"),
]
