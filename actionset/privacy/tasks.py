"""Building subject-access archives in the worker: a person with years of journals and portfolios should not hold
a web request open while every table is read."""

from __future__ import annotations

import logging

from django_tasks import task

from . import services

logger = logging.getLogger("actionset.privacy")


@task()
def export_build(export_id: int) -> str:
    return services.export_build(export_id=export_id)
