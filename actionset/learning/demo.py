"""Demo data: journals, shared items, questions to leaders with and without answers, and themes in Northwind's
"Leading through change". Runs after the core demo world (see core/management/commands/demo_seed.py).

Only Sam Carter among the participants can sign in, so the other members' agreement is recorded by the set's
facilitator as given in the room (`services.item_record_in_room`), as a facilitator would at the end of a meeting;
Sam's own agreement is given online. The items are raised as a member without a login would, aloud at a meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actionset.accounts.models import User
from actionset.meetings.models import Attendance, Meeting
from actionset.programmes.models import Enrolment, Programme
from actionset.room.models import Action
from actionset.sets.models import LearningSet

from . import services
from .models import Decision, JournalEntry, SharedItem

SAM_ENTRIES: tuple[dict[str, Any], ...] = (
    {
        "about_problem": "I came in thinking discharge delays were a staffing problem. Three questions in, I could "
        "see I had never asked the porters or pharmacy what holds them up on a Friday.",
        "my_actions": "Spend a Friday afternoon with the discharge lounge team and write down every wait.",
        "from_others": "Priya's rota problem is mine in another shape: two groups, one resource, nobody owning it.",
        "how_set_worked": "Slow. In a good way: nobody offered me a solution, and I noticed I wanted them to.",
        "about_myself": "I reach for the answer before I have finished hearing the question.",
    },
    {
        "about_problem": "The Friday afternoon showed me the delay starts on Wednesday, when nobody plans the TTOs.",
        "my_actions": "Done: the Friday shadowing. Next: ask the ward sisters to try Wednesday planning for a month.",
        "from_others": "Listening to Kwame's budget cut, I saw how much I assume nobody above me will listen.",
        "how_set_worked": "Rachel kept us to questions; when I slipped into advice she just paused, and that was "
        "enough.",
        "about_myself": "I am braver with a question than with a proposal. Maybe I should lead with questions.",
    },
)

RACHEL_ENTRY: dict[str, Any] = {
    "how_set_worked": "The set is finding its rhythm. Silences are longer and more useful than at meeting one.",
    "about_myself": "I stepped in twice when I did not need to. Next time: count to five before speaking.",
}

#: (set index, kind, text, released, answered) — set 0 is Sam's set.
ITEMS: tuple[tuple[int, str, str, bool, str], ...] = (
    (
        0,
        "question",
        "Who owns patient flow at weekends? Each of us can name a piece of it, none of us can name the owner.",
        True,
        "You are right that nobody does today. From March a named site manager will hold weekend flow at each "
        "hospital, and I will bring what your set has seen to the board in February.",
    ),
    (
        0,
        "lesson",
        "Asking the people closest to a delay where it starts finds causes that meetings upstairs miss.",
        True,
        "",
    ),
    (
        0,
        "theme",
        "Working across the merged sites: the same problem keeps returning in a different building.",
        True,
        "",
    ),
    (
        0,
        "question",
        "Could managers see the agency spend for their own teams each month, rather than once a year?",
        False,
        "",
    ),
    (
        1,
        "question",
        "What would it take for the new referral form to be owned by the consultants who use it?",
        True,
        "",
    ),
    (1, "lesson", "A rota shared by two teams works when both teams write it, not when one inherits it.", True, ""),
    (2, "theme", "Budget decisions arrive without the people who will carry them out.", True, ""),
    (
        2,
        "question",
        "When savings are set centrally, how can the managers who must find them be part of deciding where?",
        True,
        "Fair challenge. The 2025 savings round will start with each directorate's managers, not finish with them.",
    ),
    (3, "lesson", "Leading former peers got easier once I said out loud that the relationship had changed.", True, ""),
)

THEMES = {
    "Working across sites": (0, 2, 5),
    "Who owns the problem": (0, 4),
    "Voice in decisions": (6, 7),
}


def seed() -> None:
    programme = Programme.objects.filter(title="Leading through change", organisation__name="Northwind").first()
    if programme is None:
        return
    sam = User.objects.get(email="participant@northwind.example")
    sam_set = LearningSet.objects.get(programme=programme, memberships__enrolment__person__user=sam)
    sets = [sam_set, *programme.sets.exclude(pk=sam_set.pk).order_by("position", "name")]
    _journals(sam, sam_set)
    created = [_item(sets[i], kind, text, released) for i, kind, text, released, _ in ITEMS]
    sponsor = programme.sponsors.filter(user__isnull=False).select_related("user").first()
    for item, (_, _, _, _, answer) in zip(created, ITEMS, strict=True):
        if answer and sponsor is not None and sponsor.user is not None:
            services.answer_add(actor=sponsor.user, item=item, text=answer)
    developer = User.objects.filter(staff_roles__role="developer").first()
    if developer is None:
        return
    tags: dict[int, list[Any]] = {}
    for name, indexes in THEMES.items():
        theme = services.theme_get_or_create(actor=developer, name=name)
        for index in indexes:
            tags.setdefault(index, []).append(theme)
    for index, themes in tags.items():
        services.item_themes_set(actor=developer, item=created[index], themes=themes)


def _journals(sam: User, sam_set: LearningSet) -> None:
    held = list(sam_set.meetings.filter(status=Meeting.Status.HELD).order_by("number"))
    actions = list(Action.objects.filter(owner__person__user=sam).order_by("created_at"))
    # Sam wrote after the first two meetings; the third is still waiting, so the home page prompts for it.
    for meeting, texts in zip(held[:2], SAM_ENTRIES, strict=False):
        linked = [a for a in actions if a.meeting_id == meeting.pk]
        entry = services.journal_save(author=sam, meeting=meeting, actions=linked, **texts)
        JournalEntry.objects.filter(pk=entry.pk).update(created_at=meeting.ends_at + dt.timedelta(hours=2))
    services.journal_save(
        author=sam,
        title="On the train home",
        notes="Noticed I now ask my team 'what have you tried?' before saying anything. They look surprised.",
    )
    facilitation = sam_set.facilitators.select_related("user").first()
    if facilitation is not None and held:
        services.journal_save(author=facilitation.user, meeting=held[-1], **RACHEL_ENTRY)


def _item(learning_set: LearningSet, kind: str, text: str, released: bool) -> SharedItem:
    members = list(
        Enrolment.objects.filter(membership__learning_set=learning_set, withdrawn_at__isnull=True).order_by("pk")
    )
    meeting = learning_set.meetings.filter(status=Meeting.Status.HELD).order_by("-number").first()
    # Someone other than the demo participant raises it, so Sam has something to agree to.
    author = next((m for m in members if m.person.user_id is None), members[0])
    item = SharedItem.objects.create(
        learning_set=learning_set, meeting=meeting, kind=kind, text=text, author=author, presenter=author
    )
    present = set(
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).values_list(
            "enrolment_id", flat=True
        )
    )
    item.electorate.set([m for m in members if not present or m.pk in present or m.pk == author.pk])
    Decision.objects.create(item=item, enrolment=author, user=author.person.user, verdict=Decision.Verdict.APPROVE)
    facilitation = learning_set.facilitators.select_related("user").first()
    electorate = [m for m in item.electorate.all() if m.pk != author.pk]
    if facilitation is not None:
        # What the members without a login said in the room; a pending item is left for Sam to agree online.
        services.item_record_in_room(
            actor=facilitation.user,
            item=item,
            decisions={m.pk: "approve" for m in electorate if m.person.user_id is None},
        )
    if released:
        for member in electorate:
            item.refresh_from_db()
            if member.person.user is not None and item.is_proposed:
                services.item_decide(actor=member.person.user, item=item, verdict="approve")
        item.refresh_from_db()
        if item.is_proposed and facilitation is not None:
            services.item_decide(actor=facilitation.user, item=item, verdict="approve")
        item.refresh_from_db()
        if not item.is_released:
            raise RuntimeError(f"The demo's item in {learning_set} was not agreed under the set's sharing rule.")
        # Agreed the day after the meeting it was raised at, not the day the demo was loaded.
        when = (meeting.ends_at if meeting else timezone.now()) + dt.timedelta(days=1)
        Decision.objects.filter(item=item).update(decided_at=when - dt.timedelta(hours=1))
        SharedItem.objects.filter(pk=item.pk).update(released_at=when)
        item.refresh_from_db()
    else:
        Decision.objects.filter(item=item).update(decided_at=(meeting.ends_at if meeting else timezone.now()))
    return item
