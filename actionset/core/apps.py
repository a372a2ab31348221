from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "actionset.core"
    label = "core"
    verbose_name = "Core"
