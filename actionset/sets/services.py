"""Workflows on a programme's sets: composing, hand edits, locks, facilitators and publishing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import Invitation, User
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.organisations.models import OrganisationRole, Person
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.models import CompositionRun, FacilitatorAssignment, LearningSet, Membership, validate_meeting_link
from actionset.sets.signals import meeting_link_changed, member_moved
from actionset.sets.tasks import composition_execute

#: The longest a designer may ask the engine to search, in seconds.
MAX_TIME_LIMIT = 120
#: The most sets one composition may ask for: 2,000 people in sets of five to seven is about 300.
MAX_SETS = 400


class SetsError(Exception):
    """A workflow refused, with a message fit to show the designer."""


def _locked_programme(programme: Programme) -> Programme:
    # Serialises writers on one programme's sets (composition results, moves, publishing).
    return Programme.objects.select_for_update().get(pk=programme.pk)


def composition_start(
    *,
    actor: User,
    programme: Programme,
    number_of_sets: int,
    time_limit: float = 10.0,
    seed: int = 1,
    sizes: str = "diverse",
    request: HttpRequest | None = None,
) -> CompositionRun:
    """Queue a run of the engine over the unlocked sets. Any unfinished earlier run is cancelled. `sizes` is "even"
    (sets within one person of each other) or "diverse" (any sizes the programme allows)."""
    if not 1 <= number_of_sets <= MAX_SETS:
        raise SetsError(f"Ask for between 1 and {MAX_SETS} sets.")
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise SetsError(f"The time limit must be between 1 and {MAX_TIME_LIMIT} seconds.")
    with transaction.atomic():
        programme = _locked_programme(programme)
        if programme.is_published:
            raise SetsError("The sets are published: members already know their set, so they cannot be recomposed.")
        CompositionRun.objects.filter(
            programme=programme, status__in=[CompositionRun.Status.QUEUED, CompositionRun.Status.RUNNING]
        ).update(status=CompositionRun.Status.CANCELLED, finished_at=timezone.now())
        run = CompositionRun.objects.create(
            programme=programme,
            requested_by=actor,
            number_of_sets=number_of_sets,
            time_limit=time_limit,
            seed=seed,
            sizes=sizes,
        )
        audit_record(
            actor=actor,
            action=AuditAction.SETS_COMPOSITION_STARTED,
            target=programme,
            detail={"number_of_sets": number_of_sets, "time_limit": time_limit, "sizes": sizes},
            request=request,
        )
        # Enqueue once the run row is committed, so that a worker on another machine can see it.
        run_id = run.pk
        transaction.on_commit(lambda: composition_execute.enqueue(run_id))
    return run


def composition_cancel(*, actor: User, run: CompositionRun) -> bool:
    """Ask an unfinished run to stop; its result, if any, is then never applied."""
    stopped = bool(
        CompositionRun.objects.filter(
            pk=run.pk, status__in=[CompositionRun.Status.QUEUED, CompositionRun.Status.RUNNING]
        ).update(status=CompositionRun.Status.CANCELLED, finished_at=timezone.now())
    )
    return stopped


def membership_move(
    *, actor: User, enrolment: Enrolment, learning_set: LearningSet, request: HttpRequest | None = None
) -> Membership:
    """Put a person into a set by hand (from another set, or from the unplaced pool)."""
    if learning_set.programme_id != enrolment.programme_id:
        raise SetsError("That set belongs to another programme.")
    with transaction.atomic():
        _locked_programme(learning_set.programme)
        membership = Membership.objects.filter(enrolment=enrolment).select_related("learning_set").first()
        old_set = membership.learning_set if membership else None
        before = old_set.name if old_set else None
        if membership is None:
            membership = Membership.objects.create(enrolment=enrolment, learning_set=learning_set)
        elif membership.learning_set_id != learning_set.pk:
            membership.learning_set = learning_set
            membership.save(update_fields=["learning_set"])
        else:
            return membership
        if old_set is not None and learning_set.programme.is_published:
            # Once sets are published the person already knows their set and has its meetings in their calendar.
            moved_from = old_set
            transaction.on_commit(
                lambda: member_moved.send(
                    sender=Membership, enrolment=enrolment, old_set=moved_from, new_set=learning_set
                ),
                robust=True,
            )
        audit_record(
            actor=actor,
            action=AuditAction.SETS_MEMBER_MOVED,
            target=learning_set,
            organisation=learning_set.programme.organisation,
            detail={"person": enrolment.person.name, "from": before, "to": learning_set.name},
            request=request,
        )
    return membership


def set_lock(*, actor: User, learning_set: LearningSet, locked: bool) -> LearningSet:
    with transaction.atomic():
        LearningSet.objects.filter(pk=learning_set.pk).update(locked=locked, updated_at=timezone.now())
        learning_set.locked = locked
    return learning_set


def membership_lock(*, actor: User, membership: Membership, locked: bool) -> Membership:
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(locked=locked)
        membership.locked = locked
    return membership


# --- facilitators ------------------------------------------------------------------------------------


def facilitator_candidates(programme: Programme) -> QuerySet[User]:
    """Provider staff who facilitate, and the organisation's trained internal facilitators who can sign in."""
    return (
        User.objects.filter(
            Q(staff_roles__role="facilitator")
            | Q(people__organisation=programme.organisation, people__roles__role="facilitator")
        )
        .filter(is_active=True)
        .distinct()
        .order_by("name", "email")
    )


@dataclass(frozen=True)
class WaitingFacilitator:
    """An internal facilitator the board cannot offer yet: they have no login, so they cannot be assigned to a set
    (a set's facilitator is a login, who sees the set's meetings and run sheet) until they accept an invitation."""

    person: Person
    invited_until: dt.datetime | None  # when their pending invitation expires; None: not invited, or it lapsed


def facilitators_without_login(programme: Programme) -> list[WaitingFacilitator]:
    """The organisation's internal facilitators who cannot sign in yet, each with their invitation's state."""
    people = list(
        Person.objects.filter(
            organisation=programme.organisation, roles__role=OrganisationRole.Role.FACILITATOR, user__isnull=True
        )
        .distinct()
        .order_by("name", "pk")
    )
    until: dict[int, dt.datetime] = {}
    for person_id, expires_at in (
        Invitation.objects.pending().filter(person__in=people).values_list("person_id", "expires_at")
    ):
        if person_id is not None:
            until[person_id] = max(expires_at, until.get(person_id, expires_at))
    return [WaitingFacilitator(person=p, invited_until=until.get(p.pk)) for p in people]


def facilitator_load(users: Iterable[int]) -> dict[int, set[int]]:
    """The sets each of `users` facilitates in every programme that is not closed: a facilitator's capacity is what
    they carry at once, whichever programmes it comes from."""
    load: dict[int, set[int]] = {u: set() for u in users}
    for user_id, set_id in (
        FacilitatorAssignment.objects.filter(user_id__in=load)
        .exclude(learning_set__programme__status=Programme.Status.CLOSED)
        .values_list("user_id", "learning_set_id")
    ):
        load[user_id].add(set_id)
    return load


def facilitator_problems(*, user: User, learning_set: LearningSet) -> list[str]:
    """Why `user` may not facilitate `learning_set`: capacity across their programmes and independence from its
    members."""
    programme = learning_set.programme
    elsewhere = len(facilitator_load([user.pk])[user.pk] - {learning_set.pk})
    own = list(Person.objects.filter(user=user, organisation=programme.organisation))
    members = (
        list(
            Person.objects.filter(
                enrolments__membership__learning_set=learning_set, enrolments__withdrawn_at__isnull=True
            )
        )
        if own
        else []
    )
    return facilitator_problems_known(
        user=user, learning_set=learning_set, elsewhere=elsewhere, own=own, members=members
    )


def facilitator_problems_known(
    *, user: User, learning_set: LearningSet, elsewhere: int, own: list[Person], members: list[Person]
) -> list[str]:
    """`facilitator_problems` from what the caller has already read: how many other sets `user` facilitates (in
    every programme not closed), their own entries in the programme's organisation, and the set's active members.
    The board reads these once for every set, rather than once per set."""
    programme = learning_set.programme
    problems = []
    if elsewhere >= programme.max_sets_per_facilitator:
        problems.append(
            f"{user.name or user.email} already facilitates {elsewhere} set{'s' if elsewhere != 1 else ''} "
            "across their programmes, "
            f"the most one facilitator may take ({programme.max_sets_per_facilitator})."
        )
    if own:
        own_ids = {p.pk for p in own}
        managers = {p.line_manager_id for p in own if p.line_manager_id}
        for member in members:
            if member.pk in own_ids:
                problems.append(f"{member.name} is a member of {learning_set.name}, so cannot also facilitate it.")
            elif member.pk in managers:
                problems.append(f"{member.name}, their line manager, is a member of {learning_set.name}.")
            elif member.line_manager_id in own_ids:
                problems.append(f"{member.name}, who reports to them, is a member of {learning_set.name}.")
    return problems


def facilitator_assign(
    *,
    actor: User,
    learning_set: LearningSet,
    lead: User | None,
    co: User | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Set a set's facilitator and optional co-facilitator. Raises ValidationError keyed by "lead" / "co"."""
    if lead is None and co is not None:
        raise ValidationError({"co": "Choose a facilitator before a co-facilitator."})
    if lead is not None and co is not None and lead.pk == co.pk:
        raise ValidationError({"co": "The co-facilitator must be someone other than the facilitator."})
    candidates = set(facilitator_candidates(learning_set.programme).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    for key, user in (("lead", lead), ("co", co)):
        if user is None:
            continue
        if user.pk not in candidates:
            errors[key] = ["Only provider facilitators and the organisation's internal facilitators can facilitate."]
        else:
            problems = facilitator_problems(user=user, learning_set=learning_set)
            if problems:
                errors[key] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _locked_programme(learning_set.programme)
        before = _facilitator_names(learning_set)
        learning_set.facilitators.all().delete()
        for role, user in ((FacilitatorAssignment.Role.LEAD, lead), (FacilitatorAssignment.Role.CO, co)):
            if user is not None:
                FacilitatorAssignment.objects.create(learning_set=learning_set, user=user, role=role)
        after = _facilitator_names(learning_set)
        if before != after:
            audit_record(
                actor=actor,
                action=AuditAction.SETS_FACILITATORS_CHANGED,
                target=learning_set,
                organisation=learning_set.programme.organisation,
                detail={"before": before, "after": after},
                request=request,
            )


def _facilitator_names(learning_set: LearningSet) -> dict[str, str]:
    return {
        a.role: a.user.name or a.user.email
        for a in FacilitatorAssignment.objects.filter(learning_set=learning_set).select_related("user")
    }


@dataclass
class FillResult:
    filled: list[LearningSet]
    #: Sets still without a facilitator, because no candidate had capacity, was free at the set's time and was
    #: independent of its members.
    left: list[LearningSet]


def facilitators_fill(*, actor: User, programme: Programme, request: HttpRequest | None = None) -> FillResult:
    """Give every set without a facilitator one, in one go: the candidate carrying the fewest sets (across all their
    programmes not closed) who still has capacity, facilitates no other set meeting at the same time, and is
    independent of the set's members (never one of them, nor their line manager or report). Each set filled is
    audited as a facilitator change, as when it is chosen by hand."""
    with transaction.atomic():
        programme = _locked_programme(programme)
        sets = list(programme.sets.order_by("position", "name"))
        covered = set(
            FacilitatorAssignment.objects.filter(learning_set__programme=programme).values_list(
                "learning_set_id", flat=True
            )
        )
        uncovered = [s for s in sets if s.pk not in covered]
        if not uncovered:
            return FillResult(filled=[], left=[])
        candidates = list(facilitator_candidates(programme))
        load = facilitator_load(c.pk for c in candidates)
        # When each candidate already meets: a set of theirs in the same slot is a clash, whatever its programme.
        busy: dict[int, set[str]] = defaultdict(set)
        for user_id, slot in (
            LearningSet.objects.filter(pk__in={s for held in load.values() for s in held})
            .exclude(slot="")
            .values_list("facilitators__user_id", "slot")
        ):
            if user_id in load:
                busy[user_id].add(slot)
        own: dict[int, list[Person]] = defaultdict(list)
        for person in Person.objects.filter(user__in=candidates, organisation=programme.organisation):
            assert person.user_id is not None
            own[person.user_id].append(person)
        members: dict[int, list[Person]] = defaultdict(list)
        if own:  # only internal facilitators can be a member's colleague
            for membership in Membership.objects.filter(
                learning_set__in=uncovered, enrolment__withdrawn_at__isnull=True
            ).select_related("enrolment__person"):
                members[membership.learning_set_id].append(membership.enrolment.person)
        filled, left = [], []
        for learning_set in uncovered:
            learning_set.programme = programme
            chosen = None
            for user in sorted(candidates, key=lambda u: (len(load[u.pk]), u.name or u.email, u.pk)):
                if len(load[user.pk]) >= programme.max_sets_per_facilitator:
                    continue
                if learning_set.slot and learning_set.slot in busy[user.pk]:
                    continue
                if own[user.pk] and facilitator_problems_known(
                    user=user,
                    learning_set=learning_set,
                    elsewhere=0,
                    own=own[user.pk],
                    members=members[learning_set.pk],
                ):
                    continue
                chosen = user
                break
            if chosen is None:
                left.append(learning_set)
                continue
            FacilitatorAssignment.objects.create(
                learning_set=learning_set, user=chosen, role=FacilitatorAssignment.Role.LEAD
            )
            load[chosen.pk].add(learning_set.pk)
            if learning_set.slot:
                busy[chosen.pk].add(learning_set.slot)
            audit_record(
                actor=actor,
                action=AuditAction.SETS_FACILITATORS_CHANGED,
                target=learning_set,
                organisation=programme.organisation,
                detail={"before": {}, "after": {"lead": chosen.name or chosen.email}, "filled": True},
                request=request,
            )
            filled.append(learning_set)
    return FillResult(filled=filled, left=left)


# --- publishing --------------------------------------------------------------------------------------


def sets_publish(*, actor: User, programme: Programme, request: HttpRequest | None = None) -> int:
    """Publish the programme's sets: members can now see their set, and each is told by email.

    Returns the number of members emailed.
    """
    with transaction.atomic():
        programme = _locked_programme(programme)
        if programme.is_published:
            raise SetsError("These sets are already published.")
        sets = list(
            programme.sets.prefetch_related("memberships__enrolment__person__user", "facilitators__user").order_by(
                "position", "name"
            )
        )
        if not any(s.memberships.all() for s in sets):
            raise SetsError("There are no sets with members to publish yet.")
        programme.published_at = timezone.now()
        programme.save(update_fields=["published_at", "updated_at"])
        messages = list(_publication_emails(programme, sets))
        audit_record(
            actor=actor,
            action=AuditAction.SETS_PUBLISHED,
            target=programme,
            detail={"sets": len(sets), "members": len(messages)},
            request=request,
        )
        # After commit: a rolled-back publication must not have told anyone their set.
        transaction.on_commit(lambda: _send_all(messages))
    return len(messages)


def _publication_emails(programme: Programme, sets: Iterable[LearningSet]) -> Iterable[dict[str, Any]]:
    base = settings.SITE_URL.rstrip("/")
    for learning_set in sets:
        members = [m for m in learning_set.memberships.all() if m.enrolment.withdrawn_at is None]
        facilitators = sorted(learning_set.facilitators.all(), key=lambda a: a.role != "lead")
        link = base + reverse("sets:detail", kwargs={"learning_set": learning_set.public_id})
        for membership in members:
            person = membership.enrolment.person
            if not person.mail_address:
                continue
            yield {
                "to": [person.mail_address],
                "context": {
                    "person": person,
                    "programme": programme,
                    "learning_set": learning_set,
                    "members": [m.enrolment.person for m in members],
                    "facilitators": facilitators,
                    "link": link,
                },
            }


def _send_all(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        email_send(to=message["to"], template="sets_published", context=message["context"])


def meeting_link_change(
    *, actor: User, learning_set: LearningSet, meeting_link: str, request: HttpRequest | None = None
) -> LearningSet:
    """Set or clear where the set meets online. The caller has checked who may (rule `set.meeting_link`).

    The link is validated here as well as in the form, so no other caller can store a script or an http link. The
    audit log says that the link changed and whether one is set now, never the link itself: video links often carry
    the room's passcode, and the log is read by people outside the set."""
    meeting_link = meeting_link.strip()
    if meeting_link:
        validate_meeting_link(meeting_link)
    with transaction.atomic():
        locked = (
            LearningSet.objects.select_for_update().select_related("programme__organisation").get(pk=learning_set.pk)
        )
        if locked.meeting_link == meeting_link:
            return locked
        had_link = bool(locked.meeting_link)
        locked.meeting_link = meeting_link
        locked.save(update_fields=["meeting_link", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SETS_MEETING_LINK_CHANGED,
            target=locked,
            organisation=locked.programme.organisation,
            detail={"before": "set" if had_link else "none", "after": "set" if meeting_link else "none"},
            request=request,
        )
        changed = locked
        transaction.on_commit(
            lambda: meeting_link_changed.send(sender=LearningSet, learning_set=changed),
            robust=True,
        )
    return locked
