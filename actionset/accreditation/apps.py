from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "actionset.accreditation"
    label = "accreditation"
    verbose_name = "Accreditation"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import. The
        # system check that the signing key is configured registers itself on import.
        import actionset.accreditation.checks
        import actionset.accreditation.rules  # noqa: F401
        from actionset.accreditation import demo, home, navigation, progress
        from actionset.core import extensions
        from actionset.training import progress as training_progress

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "accreditation",
            nav_items=navigation.nav_items,
            nav_inputs=navigation.NAV_INPUTS,
            home_panels=home.home_panels,
            demo=demo.seed,
        )
        # The trainer's cohort page (training, a layer below) shows each candidate's portfolio progress from here.
        training_progress.progress_source = progress.portfolio_progress
