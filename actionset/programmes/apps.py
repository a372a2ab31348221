from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "actionset.programmes"
    label = "programmes"
