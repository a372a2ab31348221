from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "actionset.organisations"
    label = "organisations"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.organisations.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.organisations import demo, home, navigation, provider

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "organisations",
            nav_items=navigation.nav_items,
            home_panels=home.home_panels,
            demo=demo.seed,
            shared_context=provider.shared_context,
            mail_sender=provider.mail_sender,
        )
