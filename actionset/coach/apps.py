from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "actionset.coach"
    label = "coach"
    verbose_name = "Question coach"

    def ready(self) -> None:
        from actionset.coach import navigation
        from actionset.core import extensions

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute("coach", nav_items=navigation.nav_items)
