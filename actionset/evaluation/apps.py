from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "actionset.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.evaluation import rules  # noqa: F401
