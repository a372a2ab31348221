from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "actionset.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.evaluation.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.evaluation import demo, home, navigation
        from actionset.evaluation.library import Library
        from actionset.programmes.library import library_register

        # The programmes app's evaluation plans read this app's library of instruments (programmes may not import it).
        library_register(Library())
        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "evaluation", nav_items=navigation.nav_items, home_panels=home.home_panels, demo=demo.seed
        )
