from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "actionset.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.training.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.training import (
            demo,
            home,
            navigation,
        )

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "training",
            nav_items=navigation.nav_items,
            nav_inputs=navigation.NAV_INPUTS,
            home_panels=home.home_panels,
            demo=demo.seed,
        )
