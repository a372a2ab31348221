"""The meetings app's part of the home page: one's next meetings, one's own set and the sets one facilitates, each
with its next meeting (here rather than in sets, which sits below meetings)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Subquery

from actionset.core.access import DESIGNER, FACILITATOR, PARTICIPANT, Actor, visible
from actionset.core.extensions import HomePanel
from actionset.meetings.models import Meeting
from actionset.sets.models import FacilitatorAssignment, LearningSet
from actionset.sets.rules import sets_in


def home_panels(actor: Actor) -> list[HomePanel]:
    panels: list[HomePanel] = []
    next_meetings = Meeting.objects.next_for(actor.user)
    if next_meetings:
        panels.append(HomePanel("meetings/_home_next.html", {"next_meetings": next_meetings}, position=12))
    # Only each set's next meeting is shown: its start, from the database, rather than every meeting still to come.
    next_meeting = Subquery(Meeting.objects.upcoming().filter(learning_set=OuterRef("pk")).values("starts_at")[:1])
    members, facilitated = LearningSet.objects.for_member(actor.user), LearningSet.objects.for_facilitator(actor.user)
    if not actor.has_staff_role(DESIGNER):
        # `set.view` shows anyone but a designer only the sets they are in, already read for this request: with none
        # (or none they facilitate), the database is not asked for the list.
        members = members if sets_in(actor) else members.none()
        facilitated = facilitated if sets_in(actor, facilitating_only=True) else facilitated.none()
    my_sets = list(
        visible(actor, "set.view", members)
        .select_related("programme")
        .only("public_id", "name", "programme__title")
        # Each set's facilitators with their names, in one query rather than one for them and one for their logins.
        .prefetch_related(Prefetch("facilitators", FacilitatorAssignment.objects.select_related("user")))
        .annotate(next_meeting_at=next_meeting)
    )
    # A participant not yet in a set is told where their set will appear.
    if my_sets or actor.has_any_organisation_role(PARTICIPANT):
        panels.append(HomePanel("sets/_home_my_sets.html", {"my_sets": my_sets}, position=16))
    facilitating = list(
        visible(actor, "set.view", facilitated)
        .select_related("programme__organisation")
        # A facilitator may hold dozens of sets: only what the panel shows is read (not each programme's brief).
        .only("public_id", "name", "programme__title", "programme__organisation__name")
        .annotate(member_count=Count("memberships"), next_meeting_at=next_meeting)
        # Counting drops the model's ordering (a GROUP BY): said again, so the sets keep one order from page to page.
        .order_by("programme", "position", "name")
    )
    if facilitating or actor.has_staff_role(FACILITATOR):
        panels.append(HomePanel("sets/_home_facilitating.html", {"facilitating": facilitating}, position=20))
    return panels
