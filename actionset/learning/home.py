"""Home-page panels: write in your journal after a meeting; items awaiting your agreement; questions awaiting a
sponsor's answer; shared items awaiting a theme; decisions a facilitator recorded for you in the room."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.access import Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.meetings.models import Meeting
from actionset.programmes.models import Programme

from .models import Decision, JournalEntry, SharedItem

#: How long after a meeting the home page keeps prompting for a journal entry: about until the next one.
PROMPT_DAYS = 35


def _journal_prompts(user: User) -> list[Meeting]:
    meetings = Meeting.objects.for_attendee(user)
    if meetings.query.is_empty():  # in no set: nothing to ask the database (most people on most home pages)
        return []
    since = timezone.now() - dt.timedelta(days=PROMPT_DAYS)
    written = JournalEntry.objects.of(user).exclude(meeting=None).values_list("meeting_id", flat=True)
    return list(
        meetings.filter(status=Meeting.Status.HELD, starts_at__gte=since)
        .exclude(pk__in=written)
        .order_by("-starts_at")[:3]
    )


def _awaiting_me(actor: Actor) -> list[dict[str, Any]]:
    """Per set the person belongs to: proposed items they have neither approved nor objected to."""
    if not actor.organisation_roles:  # in no organisation's directory: enrolled nowhere, so a member of no set
        return []
    user = actor.user
    mine = visible(actor, "learning.item", SharedItem.objects.pending())
    if mine.query.is_empty():
        return []
    pending = (
        mine.filter(learning_set__memberships__enrolment__person__user=user)
        .exclude(decisions__user=user)
        .select_related("learning_set")
        .distinct()
    )
    by_set: dict[int, dict[str, Any]] = {}
    for item in pending:
        entry = by_set.setdefault(item.learning_set_id, {"learning_set": item.learning_set, "count": 0})
        entry["count"] += 1
    return list(by_set.values())


def _recorded_for_me(actor: Actor) -> list[dict[str, Any]]:
    """Per set: items still awaiting agreement on which a facilitator recorded what the person said in the room,
    so they can check it and change it if that is not what they said."""
    if not actor.organisation_roles:  # in no organisation's directory: enrolled nowhere, so nothing was recorded
        return []
    pending = visible(actor, "learning.item", SharedItem.objects.pending())
    if pending.query.is_empty():
        return []
    recorded = (
        Decision.objects.filter(
            item__in=pending,
            enrolment__person__user=actor.user,
            enrolment__withdrawn_at__isnull=True,
        )
        .exclude(recorded_by_name="")
        .select_related("item__learning_set")
    )
    by_set: dict[int, dict[str, Any]] = {}
    for decision in recorded:
        learning_set = decision.item.learning_set
        entry = by_set.setdefault(learning_set.pk, {"learning_set": learning_set, "count": 0, "by": set()})
        entry["count"] += 1
        entry["by"].add(decision.recorded_by_name)
    return [{**e, "by": ", ".join(sorted(e["by"]))} for e in by_set.values()]


def _unanswered(actor: Actor) -> list[dict[str, Any]]:
    """The published programmes the person sponsors, each with the questions from its sets awaiting their answer."""
    if not actor.organisation_roles:  # sponsors are people in an organisation's directory
        return []
    sponsored = Programme.objects.filter(sponsors__user=actor.user, published_at__isnull=False).distinct()
    programmes = list(visible(actor, "learning.programme", sponsored))
    if not programmes:  # not a sponsor: the questions are not counted for nobody
        return []
    questions = visible(
        actor, "learning.answer", SharedItem.objects.released().filter(kind=SharedItem.Kind.QUESTION)
    ).filter(answers__isnull=True)
    counts = dict(
        questions.order_by()
        .values("learning_set__programme")
        .annotate(count=Count("pk"))
        .values_list("learning_set__programme", "count")
    )
    return [{"programme": programme, "count": counts.get(programme.pk, 0)} for programme in programmes]


def home_panels(actor: Actor) -> list[HomePanel]:
    if not actor.is_authenticated:
        return []
    context: dict[str, Any] = {
        "prompts": _journal_prompts(actor.user),
        "awaiting": _awaiting_me(actor),
        "recorded": _recorded_for_me(actor),
        "sponsoring": _unanswered(actor),
    }
    if can(actor, "learning.themes"):
        taggable = visible(actor, "learning.tag", SharedItem.objects.released())
        context["developer"] = {
            "released": taggable.count(),
            "untagged": taggable.filter(themes__isnull=True).count(),
        }
    if not any(context.values()):
        return []
    return [HomePanel(template="learning/home_panel.html", context=context)]
