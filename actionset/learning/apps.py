from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "actionset.learning"
    label = "learning"
    verbose_name = "Learning journals and shared learning"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.learning import rules  # noqa: F401
