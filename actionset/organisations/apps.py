from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "actionset.organisations"
    label = "organisations"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.organisations import rules  # noqa: F401
