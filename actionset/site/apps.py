from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "actionset.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.site.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.site import (
            demo,
            home,
            navigation,
            views,
        )

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "site",
            nav_items=navigation.nav_items,
            home_panels=home.home_panels,
            demo=demo.seed,
            public_home=views.home_page,
        )
