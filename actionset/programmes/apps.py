from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "actionset.programmes"
    label = "programmes"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.programmes.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.programmes import (
            home,
            navigation,
        )

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute("programmes", nav_items=navigation.nav_items, home_panels=home.home_panels)
