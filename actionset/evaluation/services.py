"""Evaluation workflows: importing instruments, deriving a programme's occasions from its plan, answering,
and inviting and reminding people to answer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.evaluation.instruments import BUILT_IN, DefinitionInvalid, install, parse, parse_json
from actionset.evaluation.models import Answer, Instrument, Item, Notice, Occasion, Response, Scale, Timing
from actionset.meetings.models import Attendance, Meeting
from actionset.programmes.models import Enrolment, Programme

if TYPE_CHECKING:
    from actionset.accounts.models import User

log = logging.getLogger(__name__)

#: How long a start-of-programme survey stays open either side of the first meetings.
START_WINDOW = dt.timedelta(days=14)
#: End and follow-up surveys stay open four weeks.
LATER_WINDOW = dt.timedelta(days=28)
FOLLOW_UP_DAYS = {Timing.FOLLOW_UP_3: 91, Timing.FOLLOW_UP_6: 182}
#: A reminder goes to someone who has not answered this long after their invitation.
REMIND_AFTER = dt.timedelta(days=4)


class ImportRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def instrument_import(*, actor: User, content: bytes, filename: str, request: HttpRequest | None = None) -> Instrument:
    """Add an instrument from the JSON import format. All or nothing; every problem is named."""
    try:
        definition = parse_json(content)
    except DefinitionInvalid as invalid:
        raise ImportRefused(invalid.errors) from None
    with transaction.atomic():
        if Instrument.objects.filter(code=definition.code).exists():
            raise ImportRefused([f"code: an instrument with the code {definition.code!r} already exists"])
        instrument = install(definition, models={"Instrument": Instrument, "Scale": Scale, "Item": Item})
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATION_INSTRUMENT_IMPORTED,
            target=instrument,
            detail={"filename": filename[:200], "items": len(definition.items)},
            request=request,
        )
    return instrument


def builtins_ensure() -> None:
    """Install any built-in instrument that is missing. A data migration installs them; this puts them back after
    a database flush (the demo's --reset, transactional tests) and is cheap enough to call before they are needed."""
    codes = [data["code"] for data in BUILT_IN]
    if Instrument.objects.filter(code__in=codes).count() == len(codes):
        return
    with transaction.atomic():
        present = set(Instrument.objects.select_for_update().filter(code__in=codes).values_list("code", flat=True))
        for data in BUILT_IN:
            if data["code"] not in present:
                install(parse(data), models={"Instrument": Instrument, "Scale": Scale, "Item": Item}, built_in=True)


# --- occasions: when a programme asks -------------------------------------------------------------------


def _meeting_dates(programme: Programme) -> dict[int, tuple[dt.date, dt.date]]:
    """Meeting number → the first and the last day a set holds it (in the current time zone, as `localdate`).

    Counted by the database: a programme has hundreds of meetings, and only each number's first and last day matter."""
    meetings = Meeting.objects.filter(learning_set__programme=programme).exclude(status=Meeting.Status.CANCELLED)
    day = TruncDate("starts_at")
    rows = meetings.order_by().values("number").annotate(first=Min(day), last=Max(day))
    return {row["number"]: (row["first"], row["last"]) for row in rows}


def planned_occasions(programme: Programme) -> list[dict[str, Any]]:
    """The occasions the programme's evaluation plan and schedule imply, with their dates.

    A point whose instrument is not in the library (e.g. a licensed scale not yet imported) or whose
    dates cannot be known yet (no meetings scheduled) yields nothing until it can.
    """
    return _planned(programme)[0]


def _planned(programme: Programme) -> tuple[list[dict[str, Any]], dict[str, Instrument]]:
    """`planned_occasions`, with every instrument of the library (by code) it was read against."""
    instruments = {i.code: i for i in Instrument.objects.all()}
    # `builtins_ensure` from what was read anyway: no query of its own unless a built-in one is missing.
    if not {data["code"] for data in BUILT_IN} <= instruments.keys():
        builtins_ensure()
        instruments = {i.code: i for i in Instrument.objects.all()}
    dates = _meeting_dates(programme)
    first = dates[min(dates)][0] if dates else programme.start_date
    if dates:
        last = dates[max(dates)][1]
    elif programme.start_date:
        weeks = programme.cadence_weeks * (programme.number_of_meetings - 1)
        last = programme.start_date + dt.timedelta(weeks=weeks)
    else:
        last = None
    cadence = dt.timedelta(weeks=programme.cadence_weeks)
    wanted: list[dict[str, Any]] = []
    for code, timing in programme.evaluation_points.values_list("instrument", "timing"):
        instrument = instruments.get(code)
        if instrument is None:
            continue
        base = {"instrument": instrument, "timing": timing, "meeting_number": None}
        if timing == Timing.START and first:
            wanted.append({**base, "opens_on": first - START_WINDOW, "closes_on": first + START_WINDOW})
        elif timing == Timing.EACH_MEETING:
            # Open from the first set's meeting until the last set's next one: the sheet is answered afterwards.
            window = max(cadence, dt.timedelta(days=14))
            for number, (first_day, last_day) in sorted(dates.items()):
                wanted.append({**base, "meeting_number": number, "opens_on": first_day, "closes_on": last_day + window})
        elif timing == Timing.END and last:
            wanted.append({**base, "opens_on": last, "closes_on": last + LATER_WINDOW})
        elif timing in FOLLOW_UP_DAYS and last:
            opens = last + dt.timedelta(days=FOLLOW_UP_DAYS[Timing(timing)])
            wanted.append({**base, "opens_on": opens, "closes_on": opens + LATER_WINDOW})
    return wanted, instruments


def occasions_as_planned(programme: Programme) -> list[Occasion]:
    """The occasions `occasions_sync` would leave, without writing: for pages, which read and never change.

    Stored occasions carry the plan's dates (in memory only); an occasion the plan asks for that is not stored yet is
    an unsaved one, with nobody's answers; a stored occasion no longer planned is kept if someone answered it."""
    wanted, instruments = _planned(programme)
    # Every instrument was read for the plan: each occasion is given its own from those, not joined to it again.
    by_pk = {instrument.pk: instrument for instrument in instruments.values()}
    existing = {}
    for o in Occasion.objects.filter(programme=programme):
        if o.instrument_id in by_pk:
            o.instrument = by_pk[o.instrument_id]
        existing[(o.instrument_id, o.timing, o.meeting_number)] = o
    kept: list[Occasion] = []
    for spec in wanted:
        occasion = existing.pop((spec["instrument"].pk, spec["timing"], spec["meeting_number"]), None)
        if occasion is None:
            occasion = Occasion(programme=programme, **spec)
        else:
            occasion.opens_on, occasion.closes_on = spec["opens_on"], spec["closes_on"]
        kept.append(occasion)
    unplanned = [o.pk for o in existing.values()]
    answered = set(
        Response.objects.filter(occasion__in=unplanned).values_list("occasion_id", flat=True).distinct()
        if unplanned
        else []
    )
    kept += [o for o in existing.values() if o.pk in answered]
    return sorted(kept, key=lambda o: o.sort_key)


def occasions_sync(*, programme: Programme) -> list[Occasion]:
    """Bring the programme's occasions in line with its plan and schedule. Idempotent: run it as often as you like.

    Occasions no longer planned are removed unless someone has answered them: answers are never thrown away.
    """
    wanted = planned_occasions(programme)
    with transaction.atomic():
        existing = {
            (o.instrument_id, o.timing, o.meeting_number): o
            for o in Occasion.objects.select_for_update().filter(programme=programme).select_related("instrument")
        }
        kept: list[Occasion] = []
        for spec in wanted:
            key = (spec["instrument"].pk, spec["timing"], spec["meeting_number"])
            occasion = existing.pop(key, None)
            if occasion is None:
                occasion = Occasion.objects.create(programme=programme, **spec)
            elif (occasion.opens_on, occasion.closes_on) != (spec["opens_on"], spec["closes_on"]):
                occasion.opens_on, occasion.closes_on = spec["opens_on"], spec["closes_on"]
                occasion.save(update_fields=["opens_on", "closes_on", "updated_at"])
            kept.append(occasion)
        for occasion in existing.values():
            if occasion.responses.exists():
                kept.append(occasion)
            else:
                occasion.delete()
    return sorted(kept, key=lambda o: o.sort_key)


def eligible_enrolments(occasion: Occasion) -> Any:
    """Who is asked: everyone active in the programme; after a meeting, those of sets that held it and were not
    recorded as away from it."""
    enrolments = Enrolment.objects.active().filter(programme_id=occasion.programme_id)
    if occasion.timing != Timing.EACH_MEETING:
        return enrolments
    held = Meeting.objects.filter(
        learning_set__programme_id=occasion.programme_id,
        number=occasion.meeting_number or 0,
        status=Meeting.Status.HELD,
    )
    away = Attendance.objects.filter(meeting__in=held).exclude(status=Attendance.Status.PRESENT)
    return (
        enrolments.filter(membership__learning_set__meetings__in=held)
        .exclude(pk__in=away.values("enrolment_id"))
        .distinct()
    )


def enrolment_for(*, occasion: Occasion, user: User) -> Enrolment | None:
    """The user's enrolment that this occasion asks to answer, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return eligible_enrolments(occasion).filter(person__user=user).first()


class ResponseRefused(Exception):
    pass


def response_submit(
    *, actor: User, occasion: Occasion, answers: dict[int, Any], request: HttpRequest | None = None
) -> Response:
    """Record the actor's answers (item pk → value or text). Once only, while the occasion is open.

    The audit log records that someone answered, never what they answered.
    """
    enrolment = enrolment_for(occasion=occasion, user=actor)
    if enrolment is None:
        raise ResponseRefused("You are not asked to answer this survey.")
    return _record(actor=actor, enrolment=enrolment, occasion=occasion, answers=answers, request=request, via="login")


def _record(
    *,
    actor: User | None,
    enrolment: Enrolment,
    occasion: Occasion,
    answers: dict[int, Any],
    request: HttpRequest | None,
    via: str,
) -> Response:
    if not occasion.is_open:
        raise ResponseRefused("This survey is not open.")
    items = {i.pk: i for i in occasion.instrument.items.select_related("scale")}
    rows: list[Answer] = []
    for pk, item in items.items():
        value = answers.get(pk)
        if item.kind == Item.Kind.RATING:
            assert item.scale is not None
            if value is None:
                continue
            if not item.scale.low <= int(value) <= item.scale.high:
                raise ResponseRefused(f"{item.text}: not a point on the scale.")
            rows.append(Answer(item=item, value=int(value)))
        elif value:
            rows.append(Answer(item=item, text=str(value)[:5000]))
    if not rows:
        raise ResponseRefused("Answer at least one question.")
    try:
        with transaction.atomic():
            response = Response.objects.create(occasion=occasion, enrolment=enrolment)
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            audit_record(
                actor=actor,
                action=AuditAction.EVALUATION_ANSWERED,
                target=occasion,
                organisation=occasion.programme.organisation,
                detail={"via": via},
                request=request,
            )
    except IntegrityError:
        raise ResponseRefused("You have already answered this survey.") from None
    return response


# --- answering through one's own link, without a login ---------------------------------------------------

_LINK_SALT = "actionset.evaluation.answer-link"
#: A link stops working this long after it was sent, even if its survey were somehow still open.
LINK_LIFETIME = dt.timedelta(days=60)


def answer_token(*, occasion: Occasion, enrolment: Enrolment) -> str:
    """The key to one person's answer to one occasion: signed, dated, and naming nothing else."""
    return signing.dumps({"o": str(occasion.public_id), "e": str(enrolment.public_id)}, salt=_LINK_SALT)


def answer_link(*, occasion: Occasion, enrolment: Enrolment) -> str:
    token = answer_token(occasion=occasion, enrolment=enrolment)
    return settings.SITE_URL.rstrip("/") + reverse("evaluation:answer_by_link", kwargs={"token": token})


def from_token(token: str) -> tuple[Occasion, Enrolment] | None:
    """The occasion and enrolment a link is for, if its signature holds and it has not expired; else None."""
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=LINK_LIFETIME)
        occasion = Occasion.objects.select_related("programme__organisation", "instrument").get(public_id=data["o"])
        enrolment = Enrolment.objects.select_related("person").get(public_id=data["e"])
    except (
        signing.BadSignature,
        ValidationError,
        KeyError,
        TypeError,
        ValueError,
        Occasion.DoesNotExist,
        Enrolment.DoesNotExist,
    ):
        return None
    return (occasion, enrolment) if enrolment.programme_id == occasion.programme_id else None


def response_submit_by_link(
    *, occasion: Occasion, enrolment: Enrolment, answers: dict[int, Any], request: HttpRequest | None = None
) -> Response:
    """Record answers sent through a person's own link. Once only (a second use is refused), while the survey is
    open, and only while the programme still asks them (not after they withdraw)."""
    if not eligible_enrolments(occasion).filter(pk=enrolment.pk).exists():
        raise ResponseRefused("This survey no longer asks you to answer.")
    return _record(actor=None, enrolment=enrolment, occasion=occasion, answers=answers, request=request, via="link")


# --- invitations and reminders ---------------------------------------------------------------------------


def _notify(occasion: Occasion, enrolment: Enrolment, kind: str) -> bool:
    """Record and send one notice; False when it had already been sent (another run got there first)."""
    try:
        with transaction.atomic():
            Notice.objects.create(occasion=occasion, enrolment=enrolment, kind=kind)
    except IntegrityError:
        return False
    person = enrolment.person
    if person.user is not None:
        # Someone who can sign in answers there, and can read their answers afterwards.
        url = settings.SITE_URL.rstrip("/") + reverse("evaluation:respond", kwargs={"occasion": occasion.public_id})
    else:
        url = answer_link(occasion=occasion, enrolment=enrolment)
    transaction.on_commit(
        lambda: email_send(
            to=[person.user.email if person.user else person.email],
            template=f"evaluation_{kind}",
            context={
                "name": person.name,
                "occasion": occasion,
                "instrument": occasion.instrument,
                "programme": occasion.programme,
                "url": url,
                "closes_on": occasion.closes_on,
                "items": occasion.instrument.items.count(),
                "by_link": person.user is None,
            },
        )
    )
    return True


def notices_send(*, today: dt.date | None = None, programmes: Iterable[Programme] | None = None) -> dict[str, int]:
    """Invite everyone asked by an open occasion, once; remind those who have not answered, once, a few days later.

    Safe to run as often as you like (hourly from cron): each notice is recorded and never sent twice.
    """
    today = today or timezone.localdate()
    counts = {"invitations": 0, "reminders": 0}
    if programmes is None:
        programmes = Programme.objects.filter(status__in=[Programme.Status.RUNNING, Programme.Status.CLOSED]).filter(
            published_at__isnull=False
        )
    for programme in programmes:
        for occasion in occasions_sync(programme=programme):
            if occasion.state(today) != "open":
                continue
            answered = occasion.responses.values("enrolment_id")
            sent = {(enrolment_id, kind) for enrolment_id, kind in occasion.notices.values_list("enrolment_id", "kind")}
            invited_at = dict(
                occasion.notices.filter(kind=Notice.Kind.INVITATION).values_list("enrolment_id", "sent_at")
            )
            # Someone not yet signed up gets a link of their own; someone whose login is switched off, nothing.
            waiting = eligible_enrolments(occasion).invitable().exclude(pk__in=answered).select_related("person__user")
            for enrolment in waiting:
                if (enrolment.pk, Notice.Kind.INVITATION) not in sent:
                    with transaction.atomic():
                        counts["invitations"] += _notify(occasion, enrolment, Notice.Kind.INVITATION)
                elif (enrolment.pk, Notice.Kind.REMINDER) not in sent and (
                    timezone.now() - invited_at[enrolment.pk] >= REMIND_AFTER
                ):
                    with transaction.atomic():
                        counts["reminders"] += _notify(occasion, enrolment, Notice.Kind.REMINDER)
    return counts


def report_exported(*, actor: User, programme: Programme, format: str, request: HttpRequest | None = None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.EVALUATION_REPORT_EXPORTED,
        target=programme,
        detail={"format": format},
        request=request,
    )
