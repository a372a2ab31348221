from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "actionset.accreditation"
    label = "accreditation"
    verbose_name = "Accreditation"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.accreditation import checks, rules  # noqa: F401
