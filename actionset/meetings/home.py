"""The meetings app's part of the home page: one's next meetings, one's own set and the sets one facilitates, each
with its next meeting (here rather than in sets, which sits below meetings)."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery

from actionset.core.access import DESIGNER, FACILITATOR, PARTICIPANT, Actor, visible
from actionset.core.extensions import HomePanel
from actionset.meetings.models import Meeting
from actionset.sets.models import FacilitatorAssignment, LearningSet
from actionset.sets.rules import sets_in

#: Sets listed on a facilitator's home page, soonest meeting first; all of them are a link away (`facilitated_sets`).
FACILITATING_ON_HOME = 10


def _next_meeting() -> Subquery:
    """Each set's next meeting: its start, from the database, rather than every meeting still to come."""
    return Subquery(Meeting.objects.upcoming().filter(learning_set=OuterRef("pk")).values("starts_at")[:1])


def facilitated_sets(actor: Actor) -> QuerySet[LearningSet]:
    """The sets the actor facilitates and may see, each with its member count and next meeting, soonest first (sets
    with no meeting to come last, in the programme's order)."""
    facilitated = LearningSet.objects.for_facilitator(actor.user)
    if not actor.has_staff_role(DESIGNER) and not sets_in(actor, facilitating_only=True):
        # As for one's own sets: `set.view` shows a non-designer only the sets they are in, read once a request.
        facilitated = facilitated.none()
    return (
        visible(actor, "set.view", facilitated)
        .select_related("programme__organisation")
        # Only what a row shows is read (not each programme's brief).
        .only("public_id", "name", "programme__title", "programme__organisation__name")
        .annotate(member_count=Count("memberships"), next_meeting_at=_next_meeting())
        # Counting drops the model's ordering (a GROUP BY): said again, so the sets keep one order from page to page.
        .order_by(F("next_meeting_at").asc(nulls_last=True), "programme", "position", "name")
    )


def home_panels(actor: Actor) -> list[HomePanel]:
    panels: list[HomePanel] = []
    next_meetings = Meeting.objects.next_for(actor.user)
    if next_meetings:
        panels.append(HomePanel("meetings/_home_next.html", {"next_meetings": next_meetings}, position=12))
    members = LearningSet.objects.for_member(actor.user)
    if not actor.has_staff_role(DESIGNER) and not sets_in(actor):
        # `set.view` shows anyone but a designer only the sets they are in, already read for this request: with
        # none, the database is not asked for the list.
        members = members.none()
    my_sets = list(
        visible(actor, "set.view", members)
        .select_related("programme")
        .only("public_id", "name", "programme__title")
        # Each set's facilitators with their names, in one query rather than one for them and one for their logins.
        .prefetch_related(Prefetch("facilitators", FacilitatorAssignment.objects.select_related("user")))
        .annotate(next_meeting_at=_next_meeting())
    )
    # A participant not yet in a set is told where their set will appear.
    if my_sets or actor.has_any_organisation_role(PARTICIPANT):
        panels.append(HomePanel("sets/_home_my_sets.html", {"my_sets": my_sets}, position=16))
    # A facilitator may hold hundreds of sets across an organisation: the home page lists the soonest few and links
    # to them all, so it costs the same however many there are (counted whenever there are any, so the page makes
    # the same queries for three sets as for three hundred).
    facilitating = list(facilitated_sets(actor)[:FACILITATING_ON_HOME])
    total = facilitated_sets(actor).count() if facilitating else 0
    if facilitating or actor.has_staff_role(FACILITATOR):
        context = {"facilitating": facilitating, "total": total, "more": total > len(facilitating)}
        panels.append(HomePanel("sets/_home_facilitating.html", context, position=20))
    return panels
