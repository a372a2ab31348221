from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "actionset.sets"
    label = "sets"
    verbose_name = "Learning sets"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.sets.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.sets import (
            navigation,
        )

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute("sets", nav_section=navigation.nav_section)
