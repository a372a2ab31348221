from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "actionset.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.training import rules  # noqa: F401
