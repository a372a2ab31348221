from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "actionset.meetings"
    label = "meetings"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.meetings.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.meetings import demo, home, navigation

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "meetings",
            nav_items=navigation.nav_items,
            nav_section=navigation.nav_section,
            home_panels=home.home_panels,
            demo=demo.seed,
        )
