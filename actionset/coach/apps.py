from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "actionset.coach"
    label = "coach"
    verbose_name = "Question coach"
