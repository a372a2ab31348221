from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "actionset.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.site import rules  # noqa: F401
