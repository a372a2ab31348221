"""`/healthz` says the process answers; `/readyz` says the database, migrations, a worker and the scheduler are fine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from actionset.core import health
from actionset.core.models import Heartbeat
from actionset.core.scheduler import periodic_run, scheduler_tick

pytestmark = pytest.mark.django_db


def beat(name: str, seconds_ago: float = 0) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now() - dt.timedelta(seconds=seconds_ago)}
    )


def test_liveness_answers_without_the_database(client: Client, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_once_the_scheduler_and_a_worker_have_been_seen(client: Client) -> None:
    scheduler_tick()
    periodic_run.call("heartbeat")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok", "scheduler": "ok"},
    }


def test_not_ready_without_a_worker(client: Client) -> None:
    beat("scheduler")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "never seen"


def test_not_ready_when_the_scheduler_was_last_seen_over_a_minute_ago(client: Client) -> None:
    beat("worker")
    beat("scheduler", seconds_ago=90)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == "last seen 90 seconds ago"


def test_not_ready_with_migrations_unapplied(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    beat("worker")
    beat("scheduler")
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("not all applied")


def test_not_ready_when_the_database_is_unreachable(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": {"database": "unreachable: DatabaseError"}}


def test_the_health_checks_are_not_redirected_to_https(client: Client, settings: object) -> None:
    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
