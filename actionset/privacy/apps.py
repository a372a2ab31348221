from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "actionset.privacy"
    label = "privacy"
    verbose_name = "People's data rights: access, erasure, retention, leavers"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.privacy.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.organisations import leavers
        from actionset.privacy import navigation, notice, services
        from actionset.site.addenda import addenda

        # The privacy notice prints the retention schedule, so it always says what the nightly job does.
        addenda["privacy"] = notice.retention_section
        # Deactivating someone who still holds open work offers to hand it over first.
        if services.open_work_notice not in leavers.sources:
            leavers.sources.append(services.open_work_notice)
        extensions.contribute("privacy", nav_items=navigation.nav_items, nav_section=navigation.nav_section)
