"""Background work for meetings, run by the django-tasks database worker (`manage.py db_worker`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from actionset.meetings.closing import meetings_to_come_cancel
from actionset.meetings.services import reminders_send
from actionset.programmes.models import Programme


@task()
def send_reminders() -> int:
    """Email reminders for meetings in the next 48 hours. Enqueue it hourly (`send_reminders --enqueue` from cron)."""
    return reminders_send()


@task()
def cancel_meetings_to_come(programme_id: int, actor_id: int | None) -> int:
    """Cancel the meetings still to come of a programme that has closed (meetings/closing.py)."""
    return meetings_to_come_cancel(programme_id, actor_id)


def programme_closed(sender: type[Programme], *, programme: Programme, after: str, actor: Any, **kwargs: Any) -> None:
    """Connected to programmes.transitions.programme_moved: a closed programme's meetings are cancelled by the worker,
    once the close has committed (a few hundred sets' cancellations are too many emails for one request)."""
    if after != Programme.Status.CLOSED:
        return
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(lambda: cancel_meetings_to_come.enqueue(programme.pk, actor_id))
