"""Journals, sharing out of the set, leaders' answers and themes: the workflows, each audited where it matters.

The audit log records that something happened (an item was proposed, released, answered), never what a journal
or a set's item says: those stay with their author and their set.

What "present" means for the "every member present approves" rule: the members recorded present at the meeting
the item was raised in; when no attendance was recorded for that meeting, or the item was raised between
meetings, every active member of the set. The author always counts as present. That list (the item's
`electorate`) is fixed when the item is raised, so a member arriving later cannot hold it up and a member who
left the room cannot be skipped. Members who have since left the programme drop out of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.meetings.models import Attendance, Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import Action, ContractVersion
from actionset.sets.models import LearningSet, SharingRule

from .models import PROMPTS, Decision, JournalEntry, LeaderAnswer, SharedItem, Theme

if TYPE_CHECKING:
    from actionset.accounts.models import User


class LearningError(Exception):
    """A request the rules refuse; the message is written for the person who made it."""


# --- the learning journal (personal tier) --------------------------------------------------------------------


JOURNAL_FIELDS = ("title", *(f for f, _ in PROMPTS), "notes")


def journal_save(
    *,
    author: User,
    entry: JournalEntry | None = None,
    meeting: Meeting | None = None,
    actions: Iterable[Action] = (),
    **texts: str,
) -> JournalEntry:
    """Create or update one of `author`'s journal entries. Only their own meetings and actions may be linked: a meeting
    of their own sets that has begun (`Meeting.objects.for_attendee(author).begun()`), and their own actions."""
    unknown = set(texts) - set(JOURNAL_FIELDS)
    if unknown:
        raise TypeError(f"not journal fields: {sorted(unknown)}")
    if entry is not None and entry.author_id != author.pk:
        raise LearningError("A journal entry can only be changed by the person who wrote it.")
    if meeting is not None and meeting.pk not in {m.pk for m in Meeting.objects.for_attendee(author).begun()}:
        raise LearningError("You can link an entry only to a meeting of your own set.")
    chosen = list(actions)
    if any(a.owner.person.user_id != author.pk for a in chosen):
        raise LearningError("You can link an entry only to your own actions.")
    if not any(v.strip() for k, v in texts.items() if k != "title"):
        raise LearningError("Write something in at least one of the prompts.")
    with transaction.atomic():
        if entry is None:
            entry = JournalEntry(author=author)
        entry.meeting = meeting
        for field in JOURNAL_FIELDS:
            setattr(entry, field, texts.get(field, "").strip())
        entry.save()
        entry.actions.set(chosen)
    return entry


def journal_delete(*, author: User, entry: JournalEntry) -> None:
    if entry.author_id != author.pk:
        raise LearningError("A journal entry can only be deleted by the person who wrote it.")
    entry.delete()


def journal_markdown(*, author: User) -> str:
    """The author's whole journal as Markdown, newest first: theirs to keep."""
    entries = (
        JournalEntry.objects.of(author)
        .select_related("meeting__learning_set")
        .prefetch_related("actions")
        .order_by("-created_at")
    )
    lines = [f"# Learning journal of {author.name or author.email}", ""]
    lines.append(f"Exported {long_date(timezone.now())}, {timezone.localtime():%H:%M}.")
    lines.append("")
    count = 0
    for entry in entries:
        count += 1
        lines += [f"## {_md_line(entry.heading)}", "", f"*Written {long_date(entry.created_at)}*"]
        if entry.meeting is not None:
            lines.append(
                f"*Meeting {entry.meeting.number} of {_md_line(str(entry.meeting.learning_set))}, "
                f"{long_date(entry.meeting.starts_at)}*"
            )
        lines.append("")
        for label, text in entry.answered():
            lines += [f"### {label}", "", text.replace("\r\n", "\n").strip(), ""]
        linked = list(entry.actions.all())
        if linked:
            lines += ["### Linked actions", ""]
            lines += [f"- {_md_line(a.text)} ({a.get_status_display().lower()})" for a in linked]
            lines.append("")
    if count == 0:
        lines += ["No entries yet.", ""]
    return "\n".join(lines)


def long_date(moment: Any) -> str:
    """ "6 October 2026": British style, without a leading zero, in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def _md_line(text: str) -> str:
    # Headings and list items are one line each; a stray newline or leading '#' must not restructure the file.
    return " ".join(text.split()).lstrip("#").strip()


# --- sharing out of the set (set tier until released) ------------------------------------------------------------


def rule_met(
    rule: str,
    *,
    members: set[int],
    electorate: set[int],
    approvers: set[int],
    presenter: int | None,
    facilitator_approved: bool,
) -> bool:
    """Whether approvals meet a sharing rule. Ids are enrolment ids; objections are checked by the caller.

    - every member present: each member in the electorate who is still an active member has approved;
    - majority: more than half of the set's active members have approved;
    - facilitator and presenter: a facilitator and the presenter (if still a member) have approved;
    - nothing leaves the set: never.
    """
    approving = approvers & members
    if rule == SharingRule.ALL_PRESENT:
        needed = electorate & members
        return bool(needed) and needed <= approving
    if rule == SharingRule.MAJORITY:
        return bool(members) and 2 * len(approving) > len(members)
    if rule == SharingRule.FACILITATOR_AND_PRESENTER:
        return facilitator_approved and presenter is not None and presenter in approving
    return False


@dataclass
class Tally:
    """Where an item stands: who has approved and objected, and what the rule still needs."""

    rule: str
    members: list[Enrolment]
    electorate: set[int]
    approved: set[int]
    objected: set[int]
    facilitator_approved: bool
    facilitator_objected: bool
    presenter_id: int | None

    @property
    def blocked(self) -> bool:
        return bool(self.objected) or self.facilitator_objected

    @property
    def met(self) -> bool:
        return not self.blocked and rule_met(
            self.rule,
            members={m.pk for m in self.members},
            electorate=self.electorate,
            approvers=self.approved,
            presenter=self.presenter_id,
            facilitator_approved=self.facilitator_approved,
        )

    @property
    def still_needed(self) -> str:
        """In words, for the set's page."""
        member_ids = {m.pk for m in self.members}
        if self.rule == SharingRule.NOTHING:
            return "Your ground rules say nothing leaves the set."
        if self.blocked:
            return "Held back: someone has objected."
        if self.rule == SharingRule.ALL_PRESENT:
            waiting = [m.person.name for m in self.members if m.pk in self.electorate and m.pk not in self.approved]
            return f"Waiting for {', '.join(waiting)}." if waiting else "Agreed."
        if self.rule == SharingRule.MAJORITY:
            need = len(member_ids) // 2 + 1 - len(self.approved & member_ids)
            return f"{max(need, 0)} more approval{'s' if need != 1 else ''} needed for a majority."
        parts = []
        if not self.facilitator_approved:
            parts.append("the facilitator")
        if self.presenter_id not in self.approved:
            presenter = next((m for m in self.members if m.pk == self.presenter_id), None)
            parts.append(presenter.person.name if presenter else "the presenter")
        return f"Waiting for {' and '.join(parts)}." if parts else "Agreed."


def item_tally(
    item: SharedItem,
    *,
    members: list[Enrolment] | None = None,
    facilitator_users: set[int] | None = None,
    rule: str | None = None,
) -> Tally:
    """Where `item` stands. A page listing many items passes what is the same for all of them."""
    learning_set = item.learning_set
    members = members if members is not None else learning_set.active_members()
    member_ids = {m.pk for m in members}
    if facilitator_users is None:
        facilitator_users = set(learning_set.facilitators.values_list("user_id", flat=True))
    approved: set[int] = set()
    objected: set[int] = set()
    facilitator_approved = facilitator_objected = False
    for decision in item.decisions.all():
        is_approval = decision.verdict == Decision.Verdict.APPROVE
        if decision.enrolment_id is not None:
            # A member's decision, given online or in the room; one who has since left no longer counts.
            if decision.enrolment_id in member_ids:
                (approved if is_approval else objected).add(decision.enrolment_id)
        elif decision.user_id in facilitator_users:
            if is_approval:
                facilitator_approved = True
            else:
                facilitator_objected = True
    # Proposing counts as the author's approval; an author who no longer wants it shared withdraws the item.
    if item.author_id in member_ids:
        approved.add(item.author_id)
    return Tally(
        rule=rule if rule is not None else ContractVersion.objects.sharing_rule_for(learning_set),
        members=members,
        electorate={e.pk for e in item.electorate.all()},
        approved=approved,
        objected=objected,
        facilitator_approved=facilitator_approved,
        facilitator_objected=facilitator_objected,
        presenter_id=item.presenter_id or item.author_id,
    )


def _electorate(learning_set: LearningSet, meeting: Meeting | None, author: Enrolment) -> list[Enrolment]:
    members = learning_set.active_members()
    if meeting is not None:
        present = set(
            Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).values_list(
                "enrolment_id", flat=True
            )
        )
        if present:
            return [m for m in members if m.pk in present or m.pk == author.pk]
    return members


def item_propose(
    *,
    actor: User,
    learning_set: LearningSet,
    kind: str,
    text: str,
    meeting: Meeting | None = None,
    presenter: Enrolment | None = None,
    show_author: bool = False,
) -> SharedItem:
    """A member proposes that the set shares something. Proposing it counts as the author's approval."""
    author = learning_set.member_enrolment(actor)
    if author is None:
        raise LearningError("Only the set's members propose what it shares.")
    if kind not in SharedItem.Kind.values:
        raise LearningError("Choose a theme, a lesson or a question for leaders.")
    if not text.strip():
        raise LearningError("Write what the set would share.")
    if ContractVersion.objects.sharing_rule_for(learning_set) == SharingRule.NOTHING:
        raise LearningError(
            "Your ground rules say nothing leaves the set. The set can change its sharing rule in the ground rules."
        )
    if meeting is not None and meeting.learning_set_id != learning_set.pk:
        raise LearningError("That meeting is not one of this set's.")
    # The presenter is checked by their enrolment, not their login: many members have none, and a check by login
    # would take any member without one for the presenter.
    if presenter is not None and presenter.pk not in {member.pk for member in learning_set.active_members()}:
        raise LearningError("The presenter must be a member of the set.")
    with transaction.atomic():
        item = SharedItem.objects.create(
            learning_set=learning_set,
            meeting=meeting,
            kind=kind,
            text=text.strip(),
            author=author,
            presenter=presenter or author,
            show_author=show_author,
        )
        item.electorate.set(_electorate(learning_set, meeting, author))
        Decision.objects.create(item=item, enrolment=author, user=actor, verdict=Decision.Verdict.APPROVE)
        audit_record(
            actor=actor,
            action=AuditAction.LEARNING_ITEM_PROPOSED,
            target=item,
            organisation=learning_set.programme.organisation,
            detail={"kind": kind, "set": str(learning_set.public_id)},
        )
        _release_if_due(item, actor)
    return item


def _locked(item: SharedItem) -> SharedItem:
    return (
        SharedItem.objects.select_for_update().select_related("learning_set__programme__organisation").get(pk=item.pk)
    )


def item_decide(*, actor: User, item: SharedItem, verdict: str) -> SharedItem:
    """A member (or a facilitator) approves, objects, or withdraws their approval or objection ("withdraw").

    Only while the item awaits agreement: once released, it has left the room.
    """
    if verdict not in ("approve", "object", "withdraw"):
        raise LearningError("Approve, object, or withdraw what you said.")
    with transaction.atomic():
        item = _locked(item)
        learning_set = item.learning_set
        member = learning_set.member_enrolment(actor)
        if member is None and not learning_set.is_facilitated_by(actor):
            raise LearningError("Only the set's members and facilitators decide what it shares.")
        if not item.is_proposed:
            raise LearningError(
                "This has already been shared outside the set." if item.is_released else "This was withdrawn."
            )
        # A member's decision is theirs whoever recorded it; a facilitator's own is keyed by their login.
        if member is not None:
            mine = Decision.objects.filter(item=item, enrolment=member)
        else:
            mine = Decision.objects.filter(item=item, user=actor, enrolment__isnull=True)
        previous = mine.first()
        if previous is not None and previous.in_room:
            # The member overrules what a facilitator recorded for them: the log says so, not what either said.
            audit_record(
                actor=actor,
                action=AuditAction.LEARNING_ROOM_DECISION_REPLACED,
                target=item,
                organisation=learning_set.programme.organisation,
                detail={"recorded_by": previous.recorded_by_name},
            )
        if verdict == "withdraw":
            mine.delete()
        elif previous is not None:
            previous.verdict = verdict
            previous.user = actor
            previous.decided_at = timezone.now()
            previous.recorded_by = None
            previous.recorded_by_name = ""
            previous.save()
        else:
            Decision.objects.create(item=item, enrolment=member, user=actor, verdict=verdict)
        if verdict == "object":
            _note_objection(item)
        _release_if_due(item, actor)
    return item


def _note_objection(item: SharedItem) -> None:
    # Who objected stays in the set; the log notes only that the item was held back.
    audit_record(
        actor=None,
        action=AuditAction.LEARNING_ITEM_OBJECTED,
        target=item,
        organisation=item.learning_set.programme.organisation,
    )


#: What a facilitator may record for a member, from what the member said in the room.
ROOM_VERDICTS = ("approve", "object", "none")


def item_record_in_room(*, actor: User, item: SharedItem, decisions: dict[int, str]) -> SharedItem:
    """A facilitator records the decisions members gave aloud in the room; `decisions` maps enrolment ids to
    "approve", "object" or "none" (not recorded).

    Each one is marked as recorded by the facilitator, and the member can replace it online. A member's own online
    decision stands: "none" leaves it, an approval is never recorded over their own objection (the whole form is
    refused), and an objection said aloud may be recorded over an approval given online, since it only holds the
    item back. The author's approval is their proposal, so nothing is recorded for them. All or nothing.
    """
    if any(v not in ROOM_VERDICTS for v in decisions.values()):
        raise LearningError("For each member, choose approve, object or not recorded.")
    with transaction.atomic():
        item = _locked(item)
        learning_set = item.learning_set
        if not learning_set.is_facilitated_by(actor):
            raise LearningError("Only a facilitator of the set records the decisions given in the room.")
        if not item.is_proposed:
            raise LearningError(
                "This has already been shared outside the set." if item.is_released else "This was withdrawn."
            )
        members = {m.pk: m for m in learning_set.active_members()}
        electorate = {e.pk for e in item.electorate.all()} & set(members)
        existing = {d.enrolment_id: d for d in item.decisions.filter(enrolment__isnull=False)}
        recorder = actor.name or actor.email
        changed: list[tuple[Enrolment, str]] = []
        for enrolment_id, verdict in decisions.items():
            if enrolment_id == item.author_id:
                raise LearningError("The member who proposed it approves by proposing it; they withdraw it online.")
            if enrolment_id not in electorate:
                raise LearningError("Decisions can be recorded only for the members whose agreement it needs.")
            member = members[enrolment_id]
            previous = existing.get(enrolment_id)
            own = previous is not None and not previous.in_room
            if own and previous is not None and previous.verdict == Decision.Verdict.OBJECT and verdict == "approve":
                raise LearningError(
                    f"{member.person.name} objected online themself; only they can change that. Nothing was recorded."
                )
            if verdict == "none":
                if previous is not None and not own:
                    previous.delete()
                    changed.append((member, "cleared"))
                continue
            if previous is not None and previous.verdict == verdict:
                continue  # already so, whether they said it online or it was recorded
            Decision.objects.update_or_create(
                item=item,
                enrolment=member,
                defaults={
                    "user": member.person.user,
                    "verdict": verdict,
                    "decided_at": timezone.now(),
                    "recorded_by": actor,
                    "recorded_by_name": recorder,
                },
            )
            changed.append((member, verdict))
        for member, what in changed:
            audit_record(
                actor=actor,
                action=AuditAction.LEARNING_ROOM_DECISION_CLEARED
                if what == "cleared"
                else AuditAction.LEARNING_DECISION_RECORDED_IN_ROOM,
                target=item,
                organisation=learning_set.programme.organisation,
                detail={"on_behalf_of": str(member.public_id), "set": str(learning_set.public_id)},
            )
        if any(what == "object" for _, what in changed):
            _note_objection(item)
        _release_if_due(item, actor)
        told = [(member, what) for member, what in changed if what != "cleared"]
        transaction.on_commit(lambda: _tell_recorded(item, told, recorder), robust=True)
    return item


def _tell_recorded(item: SharedItem, told: list[tuple[Enrolment, str]], recorder: str) -> None:
    """Each member a decision was recorded for hears what was recorded and by whom, so a mistake is caught by the
    one person who knows what they said."""
    _tell(
        item, "learning_recorded", [(member, {"approved": v == "approve", "recorder": recorder}) for member, v in told]
    )


def _tell(item: SharedItem, template: str, told: list[tuple[Enrolment | User, dict[str, Any]]]) -> None:
    """Email each member (who has an address), or facilitator (a user), about ``item``, with the context every
    learning email shares."""
    for who, extra in told:
        if isinstance(who, Enrolment):
            email, name, can_sign_in = who.person.mail_address, who.person.name, who.person.user_id is not None
        else:
            email, name, can_sign_in = who.email, str(who), True
        if email:
            email_send(
                to=[email],
                template=template,
                context={
                    "item": item,
                    "learning_set": item.learning_set,
                    "member": {"name": name},
                    "can_sign_in": can_sign_in,
                    **extra,
                },
            )


def item_edit(*, actor: User, item: SharedItem, text: str) -> SharedItem:
    """The author rewords their item while it awaits agreement. Every approval given to the old words is cleared
    (the author's own stays: these are their words), objections stay, and the members whose approvals were cleared
    are emailed to decide again. After release the text is fixed."""
    text = text.strip()
    with transaction.atomic():
        item = _locked(item)
        if item.author.person.user_id != actor.pk:
            raise LearningError("Only the person who proposed it can change its wording.")
        if not item.is_proposed:
            raise LearningError(
                "Its wording is fixed: it has been shared outside the set."
                if item.is_released
                else "It was withdrawn; propose it again instead."
            )
        if not text:
            raise LearningError("Write what the set would share.")
        if len(text) > 2000:
            raise LearningError("Keep it to 2,000 characters.")
        if text == item.text:
            return item
        approvals = item.decisions.filter(verdict=Decision.Verdict.APPROVE).exclude(enrolment_id=item.author_id)
        members = {m.pk: m for m in item.learning_set.active_members()}
        facilitating = set(item.learning_set.facilitators.values_list("user_id", flat=True))
        told: list[tuple[Enrolment | User, str]] = []
        for d in approvals.select_related("user"):
            if d.enrolment_id in members:
                told.append((members[d.enrolment_id], d.recorded_by_name))
            elif d.enrolment_id is None and d.user is not None and d.user_id in facilitating:
                # A facilitator's own approval; under "the facilitator and the presenter" the item waits on it.
                told.append((d.user, ""))
        cleared, _ = approvals.delete()
        item.text = text
        item.edited_at = timezone.now()
        item.save(update_fields=["text", "edited_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.LEARNING_ITEM_EDITED,
            target=item,
            organisation=item.learning_set.programme.organisation,
            detail={"approvals_cleared": cleared},
        )
        if told:
            transaction.on_commit(lambda: _tell_reworded(item, told), robust=True)
    return item


def _tell_reworded(item: SharedItem, told: list[tuple[Enrolment | User, str]]) -> None:
    """Each member (or facilitator) whose approval a rewording cleared is asked to decide again; otherwise an item
    they were happy with waits for them without their knowing. The author is named only if they put their name to
    the item."""
    author = item.author.person.name if item.show_author else ""
    _tell(item, "learning_reworded", [(member, {"author": author, "recorder": r}) for member, r in told])


def _release_if_due(item: SharedItem, actor: User) -> bool:
    tally = item_tally(item)
    if not tally.met:
        return False
    item.status = SharedItem.Status.RELEASED
    item.released_at = timezone.now()
    item.released_under = tally.rule
    item.save(update_fields=["status", "released_at", "released_under", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.LEARNING_ITEM_RELEASED,
        target=item,
        organisation=item.learning_set.programme.organisation,
        detail={
            "kind": item.kind,
            "set": str(item.learning_set.public_id),
            "rule": tally.rule,
            "approvals": len(tally.approved) + int(tally.facilitator_approved),
            "members": len(tally.members),
        },
    )
    return True


def item_withdraw(*, actor: User, item: SharedItem) -> SharedItem:
    """The author takes back an item before it is released."""
    with transaction.atomic():
        item = _locked(item)
        if item.author.person.user_id != actor.pk:
            raise LearningError("Only the person who proposed it can withdraw it.")
        if not item.is_proposed:
            raise LearningError("Only an item still awaiting agreement can be withdrawn.")
        item.status = SharedItem.Status.WITHDRAWN
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.LEARNING_ITEM_WITHDRAWN,
            target=item,
            organisation=item.learning_set.programme.organisation,
        )
    return item


def item_attribution(*, actor: User, item: SharedItem, show_author: bool) -> SharedItem:
    """The author chooses whether their name goes with the item outside the set (anonymous by default)."""
    if item.author.person.user_id != actor.pk:
        raise LearningError("Only the person who proposed it can put their name to it.")
    if item.show_author != show_author:
        item.show_author = show_author
        item.save(update_fields=["show_author", "updated_at"])
    return item


# --- questions to leaders (programme tier) -----------------------------------------------------------------------


def answer_add(*, actor: User, item: SharedItem, text: str) -> LeaderAnswer:
    """A sponsor of the programme answers a released question; the set's members are told by email."""
    programme = item.learning_set.programme
    if not programme.is_sponsored_by(actor):
        raise LearningError("Only the programme's sponsors answer the sets' questions.")
    if not (item.is_released and item.kind == SharedItem.Kind.QUESTION):
        raise LearningError("Only questions the set has shared can be answered.")
    if not text.strip():
        raise LearningError("Write your answer.")
    with transaction.atomic():
        answer = LeaderAnswer.objects.create(
            item=item, author=actor, author_name=actor.name or actor.email, text=text.strip()
        )
        audit_record(
            actor=actor,
            action=AuditAction.LEARNING_QUESTION_ANSWERED,
            target=item,
            organisation=programme.organisation,
            detail={"set": str(item.learning_set.public_id)},
        )
        transaction.on_commit(lambda: _tell_the_set(answer))
    return answer


def _tell_the_set(answer: LeaderAnswer) -> None:
    item = answer.item
    # One message each: a reply goes to the sender, not to the whole set.
    for member in item.learning_set.active_members():
        if member.person.mail_address:
            email_send(
                to=[member.person.mail_address],
                template="learning_answer",
                context={"item": item, "answer": answer, "learning_set": item.learning_set},
            )


# --- themes across sets (the organisational developer) ----------------------------------------------------------


def theme_get_or_create(*, actor: User, name: str) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise LearningError("Name the theme.")
    existing = Theme.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    theme = Theme.objects.create(name=name[:100], created_by=actor)
    audit_record(actor=actor, action=AuditAction.LEARNING_THEME_CREATED, target=theme)
    return theme


def item_themes_set(*, actor: User, item: SharedItem, themes: Iterable[Theme], new_theme: str = "") -> SharedItem:
    """Tag a released item with themes. Unreleased items cannot be tagged: nobody outside the set sees them."""
    if not item.is_released:
        raise LearningError("Only items a set has shared can be tagged.")
    chosen = list(themes)
    with transaction.atomic():
        if new_theme.strip():
            chosen.append(theme_get_or_create(actor=actor, name=new_theme))
        item.themes.set(chosen)
        audit_record(
            actor=actor,
            action=AuditAction.LEARNING_ITEM_TAGGED,
            target=item,
            organisation=item.learning_set.programme.organisation,
            detail={"themes": sorted(t.name for t in chosen)},
        )
    return item
