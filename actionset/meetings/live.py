"""Running a meeting live: the run sheet's state, the facilitator's commands, private notes and attendance.

The state lives in the database only (`MeetingRun`), so any app process can serve any device. Each command
locks the run's row and carries the version the facilitator's device last saw: a device acting on an old
picture of the meeting gets `LiveConflict` (a 409 to the browser) instead of overwriting what another device
did a moment before.

Every device polls for the state every few seconds, and nearly every poll finds nothing changed. So the run's
version is also kept in the shared cache (`current_version`), written whenever a run is saved (`version_saved`, a
signal receiver, so no way of saving a run can forget it): an unchanged poll is answered from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from secrets import token_hex
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionset.accounts.models import User
from actionset.core.audit import AuditAction, audit_record
from actionset.meetings import events, presence
from actionset.meetings.methods import MAX_MINUTES, MIN_MINUTES, Phase, phases_for, run_sheet
from actionset.meetings.models import Attendance, FacilitatorNote, Meeting, MeetingRun, PresenterTurn
from actionset.meetings.scheduling import zone
from actionset.programmes.models import Enrolment, Programme

#: What "+5 min" adds.
EXTENSION_SECONDS = 5 * 60

#: How long a start pressed by mistake can be taken back: long enough to notice, short enough that nothing
#: much has happened in the meeting yet.
UNDO_WINDOW = timedelta(minutes=10)


class LiveError(Exception):
    """A command that cannot be carried out; the message says why, in words for the facilitator."""


class LiveConflict(LiveError):
    """The device's picture of the meeting is out of date: `run` is the current state (None if not started)."""

    def __init__(self, run: MeetingRun | None) -> None:
        super().__init__("Someone else changed the meeting a moment ago. This is where it is now.")
        self.run = run


class EarlyStart(LiveError):
    """The meeting is not until a later day: it starts only once the facilitator confirms starting early."""

    def __init__(self, meeting: Meeting, days: int) -> None:
        super().__init__(early_start_warning(meeting, days))
        self.days = days


class NoteConflict(Exception):
    """The note was saved from another device since this one loaded it: `note` holds what is saved now."""

    def __init__(self, note: FacilitatorNote) -> None:
        super().__init__("Your notes were changed on another device.")
        self.note = note


# --- the meeting's day ------------------------------------------------------------------------


def meeting_day(meeting: Meeting) -> date:
    """The meeting's date where the set meets: the programme's time zone, the one its pages show times in."""
    return timezone.localtime(meeting.starts_at, zone(meeting.learning_set.programme.time_zone)).date()


def days_early(meeting: Meeting, now: datetime | None = None) -> int:
    """How many days before the meeting's day `now` is there (0 on the day, negative once it has passed)."""
    tz = zone(meeting.learning_set.programme.time_zone)
    return (meeting_day(meeting) - timezone.localtime(now or timezone.now(), tz).date()).days


def early_start_warning(meeting: Meeting, days: int) -> str:
    """ "This meeting is scheduled for Tue 12 Jan, 36 days away.\""""
    when = formats.date_format(meeting_day(meeting), "D j M")
    away = ngettext("%(days)d day away", "%(days)d days away", days) % {"days": days}
    return _("This meeting is scheduled for %(when)s, %(away)s.") % {"when": when, "away": away}


def can_undo_start(run: MeetingRun, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - run.started_at <= UNDO_WINDOW


# --- reading the state ------------------------------------------------------------------------

#: How long the cache keeps a meeting's version. It is rewritten on every change, so this only bounds how long an
#: entry outlives its meeting, and how long a version written by a transaction that then failed can linger (its
#: polls are answered in full meanwhile, never wrongly with "unchanged").
VERSION_SECONDS = 6 * 60 * 60


def _version_key(meeting_id: int) -> str:
    return f"live-version:{meeting_id}"


def version_tag(run: MeetingRun | None) -> str:
    """The run's version and start time, as one tag ("0-0" before the meeting starts). The start time tells apart a
    run started again after an undo, whose versions count from 1 once more, even within the same second."""
    if run is None:
        return "0-0"
    return f"{run.version}-{run.started_at.timestamp():.6f}"


def current_version(meeting: Meeting) -> str:
    """`version_tag` of the meeting's run, from the shared cache when it holds it.

    On a miss the database answers and the cache is filled with `add`, which never overwrites: a change saved
    meanwhile has written its own, newer version, and an older one read here must not replace it.
    """
    cached = cached_version(meeting.pk)
    if cached is not None:
        return cached
    tag = version_tag(MeetingRun.objects.filter(meeting=meeting).only("version", "started_at").first())
    cache.add(_version_key(meeting.pk), tag, VERSION_SECONDS)
    return tag


def cached_version(meeting_id: int) -> str | None:
    """`version_tag` of the meeting's run as the shared cache holds it, or None when it does not."""
    cached = cache.get(_version_key(meeting_id))
    return None if cached is None else str(cached)


def version_saved(sender: type[MeetingRun], instance: MeetingRun, **kwargs: Any) -> None:
    """Connected to MeetingRun's post_save (apps.py). It runs inside the saving transaction, while the command still
    holds the run's row lock: versions reach the cache in the order they were made, which writing after commit, from
    processes racing each other, would not promise. A device that reads the new version a moment before the commit
    is sent the state in full, and gets the new one on its next poll. The devices holding an event stream are told
    at commit, when the new version is already in the cache."""
    cache.set(_version_key(instance.meeting_id), version_tag(instance), VERSION_SECONDS)
    events.announce([instance.meeting_id])


def version_deleted(sender: type[MeetingRun], instance: MeetingRun, **kwargs: Any) -> None:
    cache.delete(_version_key(instance.meeting_id))
    events.announce([instance.meeting_id])


def _room_key(meeting_id: int) -> str:
    return f"live-room:{meeting_id}"


def room_version(meeting: Meeting) -> str:
    """A token that changes whenever the set writes anything its panels show (bids, reports, questions, actions,
    statements, reviews, acknowledgements, attendance): the second half of the live state's tag (`poll_tag`).

    Read it before the panels' rows, as the fragment does. The token is only ever replaced after the change has
    committed (`room_changed`), so a device that read the old token may have rendered the new rows, never the other
    way round: at worst it renders once more. A token the cache has lost is replaced by a new one, which sends
    every device the panels again rather than leaving any of them behind.
    """
    key = _room_key(meeting.pk)
    cached = cache.get(key)
    if cached is None:
        cache.add(key, token_hex(4), VERSION_SECONDS)
        cached = cache.get(key) or "0"
    return str(cached)


def room_changed(learning_set_id: int) -> None:
    """Tell every device in the set's meetings that its panels are out of date, once the change is committed.

    A new random token rather than a count: two changes committing at once cannot leave the token at a value some
    device already holds, whichever writes it last. Every meeting of the set, since the ground rules a meeting
    shows are the set's; keyed by the meeting, so that the unchanged poll (meetings/poll.py), which knows only the
    meeting, reads it without a query.
    """

    def bump() -> None:
        token = token_hex(4)
        meetings = list(Meeting.objects.filter(learning_set_id=learning_set_id).values_list("pk", flat=True))
        cache.set_many({_room_key(pk): token for pk in meetings}, VERSION_SECONDS)
        events.announce(meetings)

    transaction.on_commit(bump)


def poll_tag(run: MeetingRun | None, room: str) -> str:
    """What a device's tag says it shows: the run's `version_tag` and the room's token."""
    return f"{version_tag(run)}+{room}"


def poll_version(meeting: Meeting) -> str:
    """`poll_tag` of the meeting now, from the shared cache, filling it from the database where it has lost it."""
    return f"{current_version(meeting)}+{room_version(meeting)}"


def cached_poll_version(meeting_id: int) -> str | None:
    """`poll_tag` of the meeting as the shared cache holds it, or None when it has lost either half."""
    # One round trip to the cache for both halves.
    found = cache.get_many([_version_key(meeting_id), _room_key(meeting_id)])
    run, room = found.get(_version_key(meeting_id)), found.get(_room_key(meeting_id))
    if run is None or room is None:
        return None
    return f"{run}+{room}"


def run_of(meeting: Meeting) -> MeetingRun | None:
    return MeetingRun.objects.filter(meeting=meeting).select_related("presenter__person").first()


def sheet_of(meeting: Meeting, run: MeetingRun | None = None) -> list[Phase]:
    programme = meeting.learning_set.programme
    return run_sheet(programme, run.method if run else None)


#: Who presents, in the order the set agreed from its airtime bids. The bids belong to the room, a layer above
#: meetings, so the room's AppConfig.ready() puts its `airtime.presenter_order` here; until something does,
#: members simply come by name.
presenter_order_source: Callable[[Meeting], Sequence[Enrolment]] | None = None

#: The minutes a presenter bid for at this meeting (None without a bid): the length of their airtime when the
#: facilitator hands it to them. Filled in by the room's AppConfig.ready(), like `presenter_order_source`.
presenter_minutes_source: Callable[[Meeting, Enrolment], int | None] | None = None


#: How many rounds a phase run in rounds has (Troika: the size of the largest trio or quad the set is split into).
#: The groups are the room's, so the room's AppConfig.ready() fills it in, like `presenter_order_source`.
rounds_source: Callable[[Meeting], int] | None = None


def presenter_choices(meeting: Meeting) -> list[Enrolment]:
    """Members in the order the facilitator will hand them airtime.

    The agreed airtime order comes from `presenter_order_source` where that is set; members it leaves out
    follow, by name, so that the facilitator can always hand airtime to anyone present.
    """
    members = meeting.learning_set.active_members()
    if presenter_order_source is None:
        return members
    ordered: list[Enrolment] = []
    for enrolment in presenter_order_source(meeting):
        if enrolment not in ordered:
            ordered.append(enrolment)
    by_pk = {e.pk: e for e in members}
    first = [by_pk[e.pk] for e in ordered if e.pk in by_pk]
    return first + [e for e in members if e not in first]


@dataclass(frozen=True)
class LiveState:
    """What every device shows: derived from the run and the run sheet at one instant, `now`."""

    meeting: Meeting
    run: MeetingRun | None
    sheet: list[Phase]
    now: datetime

    @property
    def version(self) -> int:
        return self.run.version if self.run else 0

    @property
    def started(self) -> bool:
        return self.run is not None

    @property
    def ended(self) -> bool:
        return bool(self.run and self.run.is_ended)

    @property
    def phase(self) -> Phase | None:
        if self.run is None or self.run.is_ended:
            return None
        return self.sheet[min(self.run.phase_index, len(self.sheet) - 1)]

    @property
    def phase_number(self) -> int:
        return (self.run.phase_index + 1) if self.run else 0

    @property
    def next_phase(self) -> Phase | None:
        if self.run is None or self.run.is_ended or self.run.phase_index + 1 >= len(self.sheet):
            return None
        return self.sheet[self.run.phase_index + 1]

    @property
    def allotted_seconds(self) -> int:
        phase = self.phase
        if phase is None or self.run is None:
            return 0
        # A presenter's turn lasts as long as they bid for; the run sheet's minutes stand in without a bid.
        base = self.run.airtime_seconds if phase.per_presenter and self.run.airtime_seconds else phase.seconds
        return base + self.run.extension_seconds

    @property
    def can_undo(self) -> bool:
        return self.run is not None and can_undo_start(self.run, self.now)

    @property
    def undo_until(self) -> datetime | None:
        return self.run.started_at + UNDO_WINDOW if self.run is not None else None

    @property
    def meeting_ends_at(self) -> datetime:
        """The scheduled end; for a meeting started before its scheduled time, its scheduled length from then."""
        ends = self.meeting.ends_at
        if self.run is not None and self.run.started_at < self.meeting.starts_at:
            ends = self.run.started_at + (self.meeting.ends_at - self.meeting.starts_at)
        return ends

    @property
    def meeting_seconds_left(self) -> int:
        """Until the meeting's end (`meeting_ends_at`): negative once it runs over."""
        return round((self.meeting_ends_at - self.now).total_seconds())

    def presenters_to_go(self) -> list[Enrolment]:
        """Who is still to present today: the agreed order, less those who have had a turn and the presenter now."""
        if presenter_order_source is None or self.run is None or self.run.is_ended:
            return []
        had = set(PresenterTurn.objects.filter(meeting=self.meeting).values_list("enrolment_id", flat=True))
        if self.run.presenter_id is not None:
            had.add(self.run.presenter_id)
        to_go: list[Enrolment] = []
        for enrolment in presenter_order_source(self.meeting):
            if enrolment.pk not in had and enrolment not in to_go:
                to_go.append(enrolment)
        return to_go

    @property
    def elapsed_seconds(self) -> float:
        return self.run.elapsed_seconds(self.now) if self.run else 0.0

    @property
    def remaining_seconds(self) -> int:
        return round(self.allotted_seconds - self.elapsed_seconds)

    @property
    def is_overrun(self) -> bool:
        return self.phase is not None and self.remaining_seconds < 0

    @property
    def can_end(self) -> bool:
        return self.run is not None and not self.run.is_ended and not unreached_required(self.sheet, self.run)


def live_state(meeting: Meeting, run: MeetingRun | None = None) -> LiveState:
    run = run if run is not None else run_of(meeting)
    return LiveState(meeting=meeting, run=run, sheet=sheet_of(meeting, run), now=timezone.now())


def unreached_required(sheet: Sequence[Phase], run: MeetingRun) -> list[Phase]:
    """Phases that may not be skipped and that the meeting has not yet reached."""
    return [p for p in sheet[run.phase_index + 1 :] if not p.skippable]


# --- commands ---------------------------------------------------------------------------------


def _locked_run(meeting: Meeting, version: int) -> tuple[MeetingRun, list[Phase]]:
    run = MeetingRun.objects.select_for_update().filter(meeting=meeting).first()
    if run is None:
        if version != 0:
            raise LiveConflict(None)
        raise LiveError("The meeting has not started yet.")
    if run.version != version:
        raise LiveConflict(run_of(meeting))
    if run.is_ended:
        raise LiveError("The meeting has ended.")
    return run, sheet_of(meeting, run)


def _close_turn(meeting: Meeting, now: datetime) -> None:
    PresenterTurn.objects.filter(meeting=meeting, ended_at__isnull=True).update(ended_at=now)


def _open_turn(run: MeetingRun, phase: Phase, now: datetime) -> None:
    if run.presenter_id is not None and phase.gives_airtime:
        PresenterTurn.objects.create(
            meeting_id=run.meeting_id, enrolment_id=run.presenter_id, phase_key=phase.key, started_at=now
        )


def _restart_clock(run: MeetingRun, now: datetime) -> None:
    run.phase_started_at = now
    run.paused_at = None
    run.paused_seconds = 0
    run.extension_seconds = 0
    run.airtime_seconds = None


def _bid_seconds(meeting: Meeting, presenter: Enrolment | None) -> int | None:
    if presenter is None or presenter_minutes_source is None:
        return None
    minutes = presenter_minutes_source(meeting, presenter)
    return minutes * 60 if minutes else None


def _save(run: MeetingRun) -> MeetingRun:
    run.version += 1
    run.save()
    return run


def live_start(
    *, actor: User, meeting: Meeting, version: int = 0, early: bool = False, request: HttpRequest | None = None
) -> MeetingRun:
    """Start the meeting at the first phase of its programme's run sheet.

    Before the meeting's day it starts only with `early`, the facilitator's confirmation that they mean it:
    a meeting started months ahead by a slip would otherwise end up counted as held.
    """
    with transaction.atomic():
        # The meeting's row is the lock: two devices pressing Start at once make one run, not an error page.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        existing = MeetingRun.objects.filter(meeting=locked).first()
        if existing is not None:
            raise LiveConflict(run_of(meeting))
        if version != 0:
            raise LiveConflict(None)
        if locked.status != Meeting.Status.SCHEDULED:
            raise LiveError(f"This meeting is {locked.get_status_display().lower()}, so it cannot be started.")
        now = timezone.now()
        ahead = days_early(meeting, now)
        if ahead > 0 and not early:
            raise EarlyStart(meeting, ahead)
        programme = meeting.learning_set.programme
        run = MeetingRun.objects.create(
            meeting=locked, method=programme.method, phase_started_at=now, started_at=now, version=1
        )
        # Whoever starts it is in the room: facilitating, if they hold the set's process (evidence for their hours).
        presence.present(locked, actor)
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_STARTED,
            target=meeting,
            organisation=programme.organisation,
            detail={"method": programme.method, "days_early": max(ahead, 0)},
            request=request,
        )
    return run


def live_undo_start(*, actor: User, meeting: Meeting, version: int, request: HttpRequest | None = None) -> None:
    """Take back a start within `UNDO_WINDOW`: the meeting is scheduled again and its live state is gone.

    What the set wrote meanwhile (bids, reports, notes, attendance, reviews) belongs to the meeting, not to the
    run, and stays for when the meeting really starts. The airtime clocked is dropped: nobody had that time.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        run = MeetingRun.objects.select_for_update().filter(meeting=locked).first()
        if run is None:
            if version != 0:
                raise LiveConflict(None)
            raise LiveError(_("The meeting has not started, so there is no start to undo."))
        if run.version != version:
            raise LiveConflict(run_of(meeting))
        now = timezone.now()
        if not can_undo_start(run, now):
            raise LiveError(_("A start can be undone only in its first ten minutes."))
        PresenterTurn.objects.filter(meeting=locked).delete()
        run.delete()
        if locked.status == Meeting.Status.HELD:
            locked.status = Meeting.Status.SCHEDULED
            locked.save(update_fields=["status", "updated_at"])
        meeting.status = locked.status
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_START_UNDONE,
            target=meeting,
            organisation=meeting.learning_set.programme.organisation,
            detail={"seconds_after_start": round((now - run.started_at).total_seconds())},
            request=request,
        )


def _move(run: MeetingRun, sheet: list[Phase], to: int, meeting: Meeting, now: datetime) -> MeetingRun:
    leaving = sheet[run.phase_index]
    _close_turn(meeting, now)
    run.phase_index = to
    run.round = 1
    # A per-presenter phase hands airtime round; once it is over, nobody holds it. In a single-problem
    # method the presenter keeps the set's attention from phase to phase.
    if leaving.per_presenter:
        run.presenter = None
    _restart_clock(run, now)
    _open_turn(run, sheet[to], now)
    return _save(run)


def live_next(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        if run.phase_index + 1 >= len(sheet):
            raise LiveError("This is the last phase. End the meeting when the set is ready.")
        return _move(run, sheet, run.phase_index + 1, meeting, timezone.now())


def live_previous(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        if run.phase_index == 0:
            raise LiveError("This is the first phase.")
        return _move(run, sheet, run.phase_index - 1, meeting, timezone.now())


def live_skip(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    """Leave out the next phase, when time is short. A phase the method never drops cannot be left out."""
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        if run.phase_index + 1 >= len(sheet):
            raise LiveError("This is the last phase. End the meeting when the set is ready.")
        skipped = sheet[run.phase_index + 1]
        if not skipped.skippable:
            raise LiveError(f"{skipped.title} cannot be skipped in this method.")
        target = run.phase_index + 2
        if target >= len(sheet):
            raise LiveError("There is no phase after the next one to move to: end the meeting instead.")
        return _move(run, sheet, target, meeting, timezone.now())


def live_presenter(*, actor: User, meeting: Meeting, version: int, presenter: Enrolment | None) -> MeetingRun:
    """Hand the set's time to another presenter (or to nobody). In a per-presenter phase the clock restarts."""
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        if presenter is not None and presenter.pk not in {e.pk for e in meeting.learning_set.active_members()}:
            raise LiveError("Only a member of this set can present.")
        if presenter is not None and presenter.pk == run.presenter_id:
            return run
        now = timezone.now()
        phase = sheet[run.phase_index]
        _close_turn(meeting, now)
        run.presenter = presenter
        if phase.per_presenter:
            _restart_clock(run, now)
            run.airtime_seconds = _bid_seconds(meeting, presenter)
        _open_turn(run, phase, now)
        return _save(run)


def rounds_in(meeting: Meeting) -> int:
    """How many rounds a phase run in rounds has: one for each member of the largest group (`rounds_source`)."""
    return rounds_source(meeting) if rounds_source is not None else 3


def live_round(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    """The next round of a phase run in rounds (Troika): each group's next member is its client; the clock restarts."""
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        if not sheet[run.phase_index].in_rounds:
            raise LiveError(_("This phase is not run in rounds."))
        if run.round >= rounds_in(meeting):
            raise LiveError(_("Every member has had their round. Move on when the set is ready."))
        run.round += 1
        _restart_clock(run, timezone.now())
        return _save(run)


def live_pause(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    with transaction.atomic():
        run, _ = _locked_run(meeting, version)
        if run.is_paused:
            return run
        run.paused_at = timezone.now()
        return _save(run)


def live_resume(*, actor: User, meeting: Meeting, version: int) -> MeetingRun:
    with transaction.atomic():
        run, _ = _locked_run(meeting, version)
        if run.paused_at is None:
            return run
        run.paused_seconds += round((timezone.now() - run.paused_at).total_seconds())
        run.paused_at = None
        return _save(run)


def live_extend(*, actor: User, meeting: Meeting, version: int, seconds: int = EXTENSION_SECONDS) -> MeetingRun:
    with transaction.atomic():
        run, _ = _locked_run(meeting, version)
        run.extension_seconds += seconds
        return _save(run)


def live_end(*, actor: User, meeting: Meeting, version: int, request: HttpRequest | None = None) -> MeetingRun:
    """End the meeting and mark it held. Refused while a phase the method never drops is still to come."""
    with transaction.atomic():
        run, sheet = _locked_run(meeting, version)
        missing = unreached_required(sheet, run)
        if missing:
            raise LiveError(f"{missing[0].title} is still to come, and this method never drops it.")
        now = timezone.now()
        _close_turn(meeting, now)
        if run.paused_at is not None:
            run.paused_seconds += round((now - run.paused_at).total_seconds())
            run.paused_at = None
        run.ended_at = now
        _save(run)
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
        meeting.status = Meeting.Status.HELD
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_ENDED,
            target=meeting,
            organisation=meeting.learning_set.programme.organisation,
            detail={
                "phase": sheet[run.phase_index].key,
                "minutes": round((now - run.started_at).total_seconds() / 60),
            },
            request=request,
        )
    return run


COMMANDS: dict[str, Callable[..., MeetingRun]] = {
    "next": live_next,
    "previous": live_previous,
    "skip": live_skip,
    "pause": live_pause,
    "resume": live_resume,
    "extend": live_extend,
    "round": live_round,
}


# --- private notes ----------------------------------------------------------------------------


def note_of(*, author: User, meeting: Meeting) -> FacilitatorNote:
    """The author's own note on the meeting (unsaved and empty if they have written none)."""
    return FacilitatorNote.objects.filter(meeting=meeting, author=author).first() or FacilitatorNote(
        meeting=meeting, author=author
    )


def note_save(*, author: User, meeting: Meeting, text: str, version: int) -> FacilitatorNote:
    """Save the author's note if it has not changed elsewhere since `version`; else `NoteConflict`."""
    with transaction.atomic():
        note, _ = FacilitatorNote.objects.get_or_create(meeting=meeting, author=author)
        note = FacilitatorNote.objects.select_for_update().get(pk=note.pk)
        if note.version != version:
            raise NoteConflict(note)
        if note.text == text:
            return note
        note.text = text
        note.version += 1
        note.save(update_fields=["text", "version", "updated_at"])
    return note


# --- attendance -------------------------------------------------------------------------------


def attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    statuses: Mapping[int, str],
    facilitators: Iterable[int] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record attendance: `statuses` maps a member's enrolment pk to present, apologies or absent; `facilitators`,
    when given, are the users facilitating who are here (presence.py: only those assigned before it began count)."""
    valid = set(Attendance.Status.values)
    members = {e.pk for e in meeting.learning_set.active_members()}
    with transaction.atomic():
        for enrolment_id, status in statuses.items():
            if enrolment_id not in members or status not in valid:
                raise LiveError("Attendance can be recorded only for the set's members.")
            Attendance.objects.update_or_create(meeting=meeting, enrolment_id=enrolment_id, defaults={"status": status})
        if facilitators is not None:
            presence.present_set(meeting, facilitators)
        room_changed(meeting.learning_set_id)
        counts = {s: list(statuses.values()).count(s) for s in valid}
        audit_record(
            actor=actor,
            action=AuditAction.MEETING_ATTENDANCE,
            target=meeting,
            organisation=meeting.learning_set.programme.organisation,
            detail=counts,
            request=request,
        )


# --- the programme's run sheet ----------------------------------------------------------------


def run_sheet_update(
    *, actor: User, programme: Programme, minutes: Mapping[str, int], request: HttpRequest | None = None
) -> dict[str, Any]:
    """Set a programme's phase durations. Only departures from the method's defaults are stored, so a later
    change to a default reaches every programme that never chose its own."""
    defaults = {p.key: p.minutes for p in phases_for(programme.method)}
    overrides: dict[str, Any] = {}
    for key, value in minutes.items():
        if key not in defaults:
            raise LiveError(f"{key} is not a phase of this method.")
        if not MIN_MINUTES <= value <= MAX_MINUTES:
            raise LiveError(f"A phase lasts between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
        if value != defaults[key]:
            overrides[key] = value
    # Keep what belongs to other methods, so switching method back and forth loses nobody's choices.
    kept = {k: v for k, v in (programme.phase_minutes or {}).items() if k not in defaults}
    with transaction.atomic():
        before = dict(programme.phase_minutes or {})
        programme.phase_minutes = {**kept, **overrides}
        programme.save(update_fields=["phase_minutes"])
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_RUN_SHEET,
            target=programme,
            detail={"before": before, "after": programme.phase_minutes},
            request=request,
        )
    return programme.phase_minutes
