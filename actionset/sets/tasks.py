"""Composing sets in the background: a django-tasks task run by `manage.py db_worker` (or at once, in tests)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, transaction
from django.utils import timezone
from django_tasks import task

from actionset.programmes.models import Programme
from actionset.sets.composer import Composition, CompositionInputError, problem_for_composing
from actionset.sets.models import CompositionRun, LearningSet, Membership

if TYPE_CHECKING:
    from actionset.composition import Progress

#: Seconds between progress writes and between checks for cancellation: often enough for a smooth bar polled once
#: a second, rarely enough that the search is not slowed by the database.
PROGRESS_INTERVAL = 0.3
CANCEL_INTERVAL = 0.5
#: A running composition writes its progress (and `updated_at`) several times a second; one silent for this long has
#: lost its worker (stopped, killed, or its machine restarted). Long enough for a slow first compilation of the
#: engine's inner loops on a busy machine; short enough that a designer sees the failure within a minute or two,
#: the scheduler checking every minute.
STALLED_AFTER = dt.timedelta(seconds=90)
STALLED_MESSAGE = (
    "The composition stopped because the background worker running it stopped. Nothing was changed: start it again."
)
#: A composition's search work: this many annealing steps for each second of the time limit the designer chose.
#: Ending on a count of steps rather than on the clock makes a recomposition of unchanged input give the same sets.
#: The engine made 3.6 to 12 million steps a second on 18 to 2,000 people on a shared 2-core machine (load average
#: about 3.8, docs/benchmarks.md), so the budget ends well within the time limit, which stays as the hard stop.
STEPS_PER_SECOND = 1_000_000

logger = logging.getLogger("actionset.sets")


@task()
def composition_execute(run_id: int) -> str:
    """Run one queued `CompositionRun` and, when it succeeds, put its result into the programme's sets."""
    run = CompositionRun.objects.select_related("programme").get(pk=run_id)
    started = CompositionRun.objects.filter(pk=run.pk, status=CompositionRun.Status.QUEUED).update(
        status=CompositionRun.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now(), progress=0.0
    )
    if not started:
        return run.status  # cancelled (or already taken) before a worker reached it
    try:
        return _execute(run)
    except Exception:
        _finish(run, CompositionRun.Status.FAILED, explanation=[_same("The composition stopped with an error.")])
        raise


def composition_budget(time_limit: float) -> int:
    """The search work a composition with this time limit gets, in steps (see ``STEPS_PER_SECOND``)."""
    return max(1, round(STEPS_PER_SECOND * time_limit))


def compositions_fail_stalled(*, now: dt.datetime | None = None) -> int:
    """Mark failed every running composition not heard from for `STALLED_AFTER`, so it can be started again.

    Run every minute by the scheduler. Should the worker come back after all, its run finds itself no longer
    running and changes nothing (see `_finish` and the check before the result is applied).
    """
    now = now or timezone.now()
    stalled = CompositionRun.objects.filter(status=CompositionRun.Status.RUNNING, updated_at__lt=now - STALLED_AFTER)
    count = stalled.update(
        status=CompositionRun.Status.FAILED, finished_at=now, updated_at=now, explanation=[_same(STALLED_MESSAGE)]
    )
    if count:
        logger.warning("%d composition run(s) marked failed: their worker stopped", count)
    return count


def _same(text: str) -> dict[str, str]:
    return {"text": text, "redacted": text}


def _finish(run: CompositionRun, status: str, **fields: Any) -> None:
    # Only a run still running may finish: a cancelled run stays cancelled.
    CompositionRun.objects.filter(pk=run.pk, status=CompositionRun.Status.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def _execute(run: CompositionRun) -> str:
    programme = run.programme
    try:
        composition = problem_for_composing(programme, number_of_sets=run.number_of_sets, sizes=run.sizes)
    except CompositionInputError as error:
        _finish(run, CompositionRun.Status.FAILED, explanation=[_same(str(error))])
        return CompositionRun.Status.FAILED

    last_write = last_check = 0.0
    cancelled = False
    budget = composition_budget(run.time_limit)

    def progress(p: Progress) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_INTERVAL:
            last_write = now
            # The search ends on whichever comes first, its budget of steps or the time limit.
            share = max(p.iterations / budget, p.seconds / run.time_limit if run.time_limit > 0 else 0.0)
            share = min(share, 0.99)
            # Progress is a courtesy: a busy database must not end the search.
            with suppress(OperationalError):
                CompositionRun.objects.filter(pk=run.pk).update(progress=share, updated_at=timezone.now())

    def should_stop() -> bool:
        nonlocal last_check, cancelled
        now = time.monotonic()
        if now - last_check >= CANCEL_INTERVAL:
            last_check = now
            with suppress(OperationalError):
                cancelled = CompositionRun.objects.filter(pk=run.pk, status=CompositionRun.Status.CANCELLED).exists()
        return cancelled

    # Imported here, not with the module: web processes import this module to queue a composition, and the search
    # brings numba and OR-Tools (about 120 MB, and seconds to load) that only the worker running the composition needs.
    from actionset.composition import SolveResult, solve

    def search(planned: Composition) -> SolveResult:
        return solve(
            planned.problem,
            time_limit=run.time_limit,
            seed=run.seed,
            iterations=budget,
            progress=progress,
            should_stop=should_stop,
        )

    result = search(composition)
    if cancelled:
        return CompositionRun.Status.CANCELLED
    messages: list[str] = []
    if not result.feasible and any(not planned.fixed for planned in composition.sets):
        # The slots were chosen before anyone was placed, and may be what no split can keep to: choose them with the
        # people, and compose again within the slots found; or, when no split exists, say which people and rules.
        # Imported here like the engine above: OR-Tools is for the worker, not for web processes that queue runs.
        from actionset.sets.slot_choice import choose_with_people

        choice = choose_with_people(composition, meeting_minutes=programme.meeting_minutes)
        if choice.slots is not None:
            composition = problem_for_composing(
                programme, number_of_sets=run.number_of_sets, slots=choice.slots, sizes=run.sizes
            )
            result = search(composition)
            if cancelled:
                return CompositionRun.Status.CANCELLED
        elif choice.proven_infeasible:
            messages = [
                "No split of these people keeps every rule, whatever slots the sets meet at:",
                *choice.explanation,
            ]
    if not result.feasible:
        messages = messages or result.explanation or result.violations
        messages = messages or ["The search could not find sets that keep every rule."]
        explanation = [
            {
                "text": composition.humanise(m, reveal_keep_apart=True),
                "redacted": composition.humanise(m, reveal_keep_apart=False),
            }
            for m in messages
        ]
        _finish(run, CompositionRun.Status.FAILED, explanation=explanation)
        return CompositionRun.Status.FAILED
    with transaction.atomic():
        # One writer at a time per programme: a designer's move and a finishing run must not interleave.
        Programme.objects.select_for_update().get(pk=programme.pk)
        if not CompositionRun.objects.filter(pk=run.pk, status=CompositionRun.Status.RUNNING).exists():
            return CompositionRun.Status.CANCELLED
        _apply(composition, result.assignment)
        _finish(
            run,
            CompositionRun.Status.DONE,
            progress=1.0,
            objective=result.objective,
            upper_bound=result.upper_bound,
            explanation=[],
            search=result.search,
            iterations=result.iterations,
            setup_seconds=result.setup_seconds,
            search_seconds=result.search_seconds,
            compile_seconds=result.compile_seconds,
        )
    if result.first_draft:
        logger.warning(
            "composition run %s is only a first draft: %s", run.pk, result.describe().removeprefix("search: ")
        )
    return CompositionRun.Status.DONE


def _apply(composition: Composition, assignment: list[int]) -> None:
    """Replace the memberships of people not pinned with the engine's assignment, creating sets as needed."""
    programme = composition.programme
    names = set(programme.sets.values_list("name", flat=True))
    sets: list[LearningSet] = []
    for g, planned in enumerate(composition.sets):
        learning_set = planned.learning_set
        if learning_set is None:
            number = g + 1
            while f"Set {number}" in names:
                number += 1
            names.add(f"Set {number}")
            learning_set = LearningSet.objects.create(
                programme=programme, name=f"Set {number}", position=g, slot=planned.slot
            )
        elif not planned.fixed:
            learning_set.slot = planned.slot
        learning_set.position = g
        learning_set.save(update_fields=["slot", "position", "updated_at"])
        sets.append(learning_set)
    pinned = composition.problem.pinned
    moving = [e for p, e in enumerate(composition.enrolments) if p not in pinned]
    target = {e.pk: sets[assignment[composition.index_of(e.pk)]] for e in moving}
    existing = {m.enrolment_id: m for m in Membership.objects.filter(enrolment__in=moving)}
    changed = []
    for enrolment_id, learning_set in target.items():
        membership = existing.get(enrolment_id)
        if membership is None:
            Membership.objects.create(enrolment_id=enrolment_id, learning_set=learning_set)
        elif membership.learning_set_id != learning_set.pk:
            membership.learning_set = learning_set
            changed.append(membership)
    Membership.objects.bulk_update(changed, ["learning_set"])
    kept = {s.pk for s in sets}
    # Withdrawn people leave the sets being recomposed; sets the run no longer uses are removed.
    Membership.objects.filter(learning_set__programme=programme, learning_set__locked=False).exclude(
        enrolment__in=composition.enrolments
    ).delete()
    programme.sets.exclude(pk__in=kept).filter(locked=False, memberships__isnull=True).delete()
