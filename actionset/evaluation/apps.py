from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "actionset.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them, and the programmes app's
        # evaluation plans read this app's library of instruments (programmes may not import it).
        from actionset.evaluation import rules  # noqa: F401
        from actionset.evaluation.library import Library
        from actionset.programmes.library import library_register

        library_register(Library())
