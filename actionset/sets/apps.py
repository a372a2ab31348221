from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "actionset.sets"
    label = "sets"
    verbose_name = "Learning sets"
