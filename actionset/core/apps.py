from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "actionset.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from actionset.core import extensions, navigation, views

        extensions.contribute(
            "core", nav_items=navigation.nav_items, nav_section=navigation.nav_section, home_panels=views.home_panels
        )
