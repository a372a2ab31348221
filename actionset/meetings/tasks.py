"""Background work for meetings, run by the django-tasks database worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from actionset.meetings.services import reminders_send


@task()
def send_reminders() -> int:
    """Email reminders for meetings in the next 48 hours. Enqueue it hourly (`send_reminders --enqueue` from cron)."""
    return reminders_send()


@task()
def cancel_meetings_to_come(programme_id: int, actor_id: int | None) -> int:
    """Cancel the meetings still to come of a programme that has closed (meetings/closing.py)."""
    from actionset.meetings.closing import meetings_to_come_cancel

    return meetings_to_come_cancel(programme_id, actor_id)
