from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "actionset.learning"
    label = "learning"
    verbose_name = "Learning journals and shared learning"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.learning.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.learning import (
            demo,
            home,
            navigation,
        )

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute("learning", nav_items=navigation.nav_items, home_panels=home.home_panels, demo=demo.seed)
