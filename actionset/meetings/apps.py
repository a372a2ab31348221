from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "actionset.meetings"
    label = "meetings"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.meetings.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.meetings import demo, home, navigation
        from actionset.meetings.services import meeting_link_notice, member_moved_notice
        from actionset.sets.signals import meeting_link_changed, member_moved

        # What this app adds to the navigation, the home page and the demo world (see actionset.core.extensions).
        extensions.contribute(
            "meetings",
            nav_items=navigation.nav_items,
            nav_section=navigation.nav_section,
            home_panels=home.home_panels,
            demo=demo.seed,
        )
        # Someone moved between published sets is told by us, with their calendar put right: the move belongs to
        # the sets app, a layer below, which announces it rather than importing us.
        member_moved.connect(member_moved_notice, dispatch_uid="meetings.member_moved_notice")
        # A new meeting link reaches calendars as an update of the meetings already in them.
        meeting_link_changed.connect(meeting_link_notice, dispatch_uid="meetings.meeting_link_notice")
