"""What the set-content panels show, so that the live meeting page can include them with only its own context
(`meeting`, `viewer_enrolment`, `is_facilitator`) and the meeting's work page can show the same panels."""

from __future__ import annotations

from typing import Any

from django import template

from actionset.core.access import actor_for, can
from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment, Method
from actionset.room import actions, airtime, contract, incident, review, trios, wial
from actionset.room.models import (
    Action,
    AirtimeBid,
    CoachAnswer,
    ConsensusStatement,
    LearningReflection,
    ProcessReview,
    TrioNotes,
)
from actionset.sets.models import SharingRule

register = template.Library()


@register.simple_tag
def setwork_panel(
    kind: str,
    meeting: Meeting,
    viewer: Enrolment | None,
    is_facilitator: bool = False,
    presenter: Enrolment | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind}
    learning_set = meeting.learning_set
    if kind == "ground_rules":
        state = contract.contract_state(learning_set)
        data["state"] = state
        ack = state.acknowledged.get(viewer.pk) if viewer else None
        data["acknowledged_current"] = bool(ack and state.current and ack.version_id == state.current.pk)
        # Who has acknowledged the rules as they stand, for everyone in the room to see who is still to.
        current_pk = state.current.pk if state.current else None
        data["acknowledgements"] = [
            (m, bool(current_pk and m.pk in state.acknowledged and state.acknowledged[m.pk].version_id == current_pk))
            for m in learning_set.active_members()
        ]
    elif kind == "checkin":
        # How the set said it worked last time, and the trend, to start this meeting from.
        data["look_back"] = review.review_look_back(learning_set, before=meeting)
    elif kind == "progress":
        data["mine"] = actions.progress_round(meeting, viewer) if viewer else []
        # The round is done aloud in the room: every member, like the facilitator, follows who has reported.
        data["everyone"] = actions.progress_round_for_set(meeting)
        data["statuses"] = [(v, label) for v, label in Action.Status.choices if v != Action.Status.OPEN]
    elif kind == "bids":
        bids = airtime.bids_for(meeting)
        data["bids"] = bids
        data["mine"] = next((b for b in bids if viewer and b.enrolment_id == viewer.pk), None)
        data["order"] = airtime.presenter_order(meeting)
        data["urgencies"] = AirtimeBid.Urgency.choices
        if is_facilitator:
            # The fairness record beside the bids, where the order is agreed: airtime in earlier meetings.
            so_far = {row.enrolment.pk: row for row in airtime.fairness(learning_set, before=meeting)}
            data["so_far"] = so_far
            data["bid_rows"] = [(b, so_far.get(b.enrolment_id)) for b in bids]
            # Members who have not bid yet, for the facilitator to record a bid for someone without a device.
            bidders = {b.enrolment_id for b in bids}
            data["without_bid"] = [m for m in learning_set.active_members() if m.pk not in bidders]
    elif kind == "actions":
        data["all_actions"] = list(
            Action.objects.filter(meeting=meeting)
            .select_related("owner__person", "recorded_by")
            .order_by("owner__person__name")
        )
        data["members"] = learning_set.active_members()
    elif kind in ("airtime", "case", "questions", "takes", "response"):
        presenter = presenter or airtime.current_presenter(meeting)
        data["presenter"] = presenter
        data["is_presenter"] = bool(viewer and presenter and viewer.pk == presenter.pk)
        if presenter is not None:
            notes = airtime.notes_shown(meeting, presenter)
            data["notes"] = notes
            data["questions"] = list(notes.questions.select_related("asked_by__person")) if notes.pk else []
            data["labels_shown"] = airtime.labels_shown(data["questions"], viewer, is_facilitator=is_facilitator)
            data["actions"] = list(
                Action.objects.filter(meeting=meeting, owner=presenter).select_related("recorded_by")
            )
        data["presenters"] = airtime.presenter_order(meeting)
        data["members"] = learning_set.active_members()
        if kind == "takes" and presenter is not None:
            takes = incident.takes_for(meeting, presenter)
            data["takes"] = takes
            data["mine"] = next((t for t in takes if viewer and t.author_id == viewer.pk), None)
            given = {t.author_id for t in takes}
            # Members still to give their take, for the facilitator to record one for a member without a device.
            data["without_take"] = [m for m in data["members"] if m.pk != presenter.pk and m.pk not in given]
    elif kind == "consensus":
        statements = list(
            ConsensusStatement.objects.filter(meeting=meeting).select_related("author__person").order_by("pk")
        )
        presenter = presenter or airtime.current_presenter(meeting)
        data["presenter"] = presenter
        data["statements"] = statements
        data["mine"] = next((s for s in statements if viewer and s.author_id == viewer.pk), None)
        data["may_answer"] = is_facilitator or bool(viewer and presenter and viewer.pk == presenter.pk)
        data["verdicts"] = [(v, label) for v, label in ConsensusStatement.Verdict.choices if v]
    elif kind == "coach":
        data["mine"] = CoachAnswer.objects.filter(meeting=meeting, enrolment=viewer).first() if viewer else None
        data["round"] = wial.coach_round(meeting)
        data["scale"] = range(1, 11)
        answers = {a.enrolment_id: a for a in CoachAnswer.objects.filter(meeting=meeting).select_related("recorded_by")}
        # Who has answered (never what): the room knows when to move on, and what the facilitator wrote down.
        data["who"] = [(m, answers.get(m.pk)) for m in learning_set.active_members()]
        data["unanswered"] = [m for m, a in data["who"] if a is None]
    elif kind == "reflection":
        reflections = list(
            LearningReflection.objects.filter(meeting=meeting).select_related("recorded_by").order_by("pk")
        )
        data["mine"] = next((r for r in reflections if viewer and r.enrolment_id == viewer.pk), None)
        # Read back without names, as a process review's answers are; who has reflected is the room's to see.
        data["reflections"] = [r.text for r in reflections]
        by_member = {r.enrolment_id: r for r in reflections}
        data["who"] = [(m, by_member.get(m.pk)) for m in learning_set.active_members()]
        data["unanswered"] = [m for m, r in data["who"] if r is None]
    elif kind == "round":
        run = getattr(meeting, "run", None)
        round_ = run.round if run is not None else 1
        groups = trios.trios_for(meeting)
        own = next((t for t in groups if viewer and any(m.pk == viewer.pk for m in t.members)), None)
        data["round"] = round_
        data["rounds"] = max((len(t.members) for t in groups), default=1)
        trio_notes = {n.trio: n for n in TrioNotes.objects.filter(meeting=meeting)}
        shown = groups if is_facilitator else ([own] if own else [])
        client_actions: dict[int, list[Action]] = {}
        for action in Action.objects.filter(meeting=meeting).select_related("recorded_by").order_by("created_at"):
            client_actions.setdefault(action.owner_id, []).append(action)
        data["trios"] = [
            {
                "trio": t,
                "client": t.client(round_),
                "mine": own is not None and t.number == own.number,
                "notes": trio_notes.get(t.number) or TrioNotes(meeting=meeting, trio=t.number),
                "actions": [a for m in t.members for a in client_actions.get(m.pk, [])],
            }
            for t in shown
        ]
        data["others"] = [t for t in groups if own is None or t.number != own.number] if not is_facilitator else []
        if is_facilitator:
            placed = {m.pk: t.number for t in groups for m in t.members}
            data["placement"] = [(m, placed.get(m.pk, 0)) for m in learning_set.active_members()]
            data["left_out"] = [m for m, trio in data["placement"] if not trio]
            data["choices"] = range(1, len(groups) + 2)
    elif kind == "review":
        data["mine"] = ProcessReview.objects.filter(meeting=meeting, enrolment=viewer).first() if viewer else None
        reviews = list(ProcessReview.objects.filter(meeting=meeting))
        # How many have answered is the set's, so the room knows when to move on; the average is the facilitator's.
        data["responses"] = len(reviews)
        if is_facilitator:
            data["average"] = round(sum(r.rating for r in reviews) / len(reviews), 1) if reviews else None
        data["scale"] = range(1, 11)
        data["profile"] = airtime.question_profile(meeting)
        data["profile_open"] = is_facilitator or airtime.profile_is_open(meeting)
        data["my_profile"] = airtime.member_question_profile(learning_set, viewer) if viewer else None
    data["sharing_rules"] = SharingRule.choices
    data["method"] = learning_set.programme.method
    data["is_wial"] = learning_set.programme.method == Method.WIAL
    return data


@register.simple_tag(takes_context=True)
def review_look_back(context: template.Context, learning_set: Any, before: Meeting | None = None) -> Any:
    """The set's latest process review (before `before`, at a meeting): None for anyone who may not read the set's
    content."""
    request = context.get("request")
    if request is None or not can(actor_for(request), "meeting.content", learning_set):
        return None
    return review.review_look_back(learning_set, before=before)


@register.simple_tag(takes_context=True)
def setwork_access(context: template.Context, learning_set: Any) -> dict[str, bool]:
    """Whether the viewer may open the set's content, and its facilitator-only pages, for links to them."""
    request = context.get("request")
    if request is None:
        return {"content": False, "facilitate": False}
    actor = actor_for(request)
    return {
        "content": can(actor, "meeting.content", learning_set),
        "facilitate": can(actor, "meeting.facilitate", learning_set),
    }
