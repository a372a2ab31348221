"""`/healthz` and `/readyz`: what a load balancer, an orchestrator or a monitor asks of a running installation.

Both are public and say nothing about the people or programmes inside: only whether the parts are working.
"""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from actionset.core.access import access
from actionset.core.models import Heartbeat
from actionset.core.scheduler import SCHEDULER, WORKER

#: The worker beats every 20 seconds and the scheduler every 5; a minute allows a worker busy with a short
#: composition, but not one that has gone.
HEARTBEAT_WITHIN = dt.timedelta(minutes=1)

# Once every migration is applied it stays so until the next deployment restarts the processes: not worth loading
# the migration graph on every probe after that.
_migrated = False


@never_cache
@access("public")
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no database, so a database outage does not get it restarted."""
    return JsonResponse({"status": "ok"})


def _migrations_applied() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def _seen(name: str, beats: dict[str, dt.datetime], now: dt.datetime) -> str:
    seen_at = beats.get(name)
    if seen_at is None:
        return "never seen"
    age = (now - seen_at).total_seconds()
    return "ok" if age <= HEARTBEAT_WITHIN.total_seconds() else f"last seen {round(age)} seconds ago"


@never_cache
@access("public")
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, every migration is applied, and a worker and the scheduler are alive."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    if checks["database"] == "ok":
        checks["migrations"] = "ok" if _migrations_applied() else "not all applied: run manage.py migrate"
        now = timezone.now()
        beats = dict(Heartbeat.objects.values_list("name", "seen_at"))
        checks[WORKER] = _seen(WORKER, beats, now)
        checks[SCHEDULER] = _seen(SCHEDULER, beats, now)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)
