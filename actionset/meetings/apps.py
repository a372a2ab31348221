from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class MeetingsConfig(AppConfig):
    name = "actionset.meetings"
    label = "meetings"

    def ready(self) -> None:
        # The app's access rules join the one table first: a view module checks its rules' names on import.
        import actionset.meetings.rules  # noqa: F401
        from actionset.core import extensions
        from actionset.meetings import closing, demo, home, live, navigation, tasks
        from actionset.meetings.models import MeetingRun
        from actionset.meetings.services import meeting_link_notice, member_moved_notice
        from actionset.programmes import transitions
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
        # The run's version, kept in the shared cache for the devices polling a live meeting (live.py): written
        # whenever a run is saved, however it is saved.
        post_save.connect(live.version_saved, sender=MeetingRun, dispatch_uid="meetings.live_version_saved")
        post_delete.connect(live.version_deleted, sender=MeetingRun, dispatch_uid="meetings.live_version_deleted")
        # A new meeting link reaches calendars as an update of the meetings already in them.
        meeting_link_changed.connect(meeting_link_notice, dispatch_uid="meetings.meeting_link_notice")
        # Closing a programme with meetings to come: said on the stage page first, and the meetings cancelled after.
        transitions.register_check(closing.closing_consequences)
        transitions.programme_moved.connect(tasks.programme_closed, dispatch_uid="meetings.programme_closed")
